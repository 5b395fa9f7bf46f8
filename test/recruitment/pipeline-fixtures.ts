import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';

/** The pipeline tests' shared fixtures: an application with referees and criteria answers, panels. */
export const dales = 'E07000035';
export const county = 'E10000007';

export async function addToPanel(db: Kysely<Database>, vacancyId: number, staffId: number) {
  await db.insertInto('vacancy_panel_members').values({ vacancy_id: vacancyId, staff_id: staffId }).execute();
}

export const referees = (email: string) =>
  JSON.stringify([
    { name: 'Rita Referee', email, phone: '', relationship: 'Line manager', contact_before_offer: true },
  ]);

/** The HTML with its tags and hidden CSRF token left out, to look for names in. */
export const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ');

export const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** A real SMTP server on a free local port, keeping each message's recipient, subject and text. */
export async function startSmtpServer() {
  const { SMTPServer } = await import('smtp-server');
  const received: { to: string[]; subject: string; body: string }[] = [];
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
        let body = raw.slice(split + 4);
        if (/content-transfer-encoding: quoted-printable/i.test(headers))
          body = body
            .replace(/=\r\n/g, '')
            .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
        received.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          subject: /^subject: (.*)$/im.exec(headers)?.[1].trim() ?? '',
          body: Buffer.from(body, 'latin1').toString('utf8').replace(/\r\n/g, '\n'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as import('node:net').AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
