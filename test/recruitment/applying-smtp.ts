import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { SMTPServer } from 'smtp-server';
import type { Database } from '../../src/db/schema.js';
import { createSmtpMailer } from '../../src/modules/notify/mailer.js';
import { createOutboxRepository } from '../../src/modules/notify/repository.js';
import { createOutboxWorker } from '../../src/modules/notify/worker.js';

export interface ReceivedEmail {
  to: string[];
  subject: string;
  body: string;
}

/** Undoes quoted-printable, as nodemailer writes long or non-ASCII lines. */
const unquote = (text: string) =>
  text
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/**
 * A real SMTP server on a free local port, and the notify worker sending the outbox to it: the
 * emails a test reads are the ones the worker delivered.
 */
export async function startMailServer() {
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const split = raw.indexOf('\r\n\r\n');
        const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
        const subject = /^subject: (.*)$/im.exec(headers)?.[1] ?? '';
        const decodedSubject = subject.replace(/=\?utf-8\?Q\?([^?]*)\?=/gi, (_m, text: string) =>
          Buffer.from(unquote(text.replace(/_/g, ' ')), 'latin1').toString('utf8'),
        );
        const quoted = /content-transfer-encoding: quoted-printable/i.test(headers);
        const body = raw.slice(split + 4);
        received.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          subject: decodedSubject.replace(/\s+/g, ' '),
          body: Buffer.from(quoted ? unquote(body) : body, 'latin1')
            .toString('utf8')
            .replace(/\r\n/g, '\n'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, 'Shirehall <no-reply@shirehall.test>');
  return {
    received,
    /** Sends everything waiting in the outbox, as the worker does. */
    async deliver(db: Kysely<Database>) {
      const worker = createOutboxWorker({
        repository: createOutboxRepository(db),
        mailer,
        clock: () => new Date(Date.now() + 5_000),
        log: { info() {}, warn() {}, error() {} },
      });
      await worker.sendDue();
    },
    async close() {
      mailer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
