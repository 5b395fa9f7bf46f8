import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/modules/notify/mailer.js';
import { createOutboxRepository } from '../../src/modules/notify/repository.js';
import { createOutboxWorker } from '../../src/modules/notify/worker.js';
import { organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { createApplication, createVacancy } from '../support/recruitment.js';

const context = useTestApp();
const db = () => context.database.db;

/** A real SMTP server: what the worker delivers is read back as it arrived. */
const received: { to: string; subject: string; text: string }[] = [];
let server: SMTPServer;
let port: number;
beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const message = Buffer.concat(chunks).toString('utf8');
        const [head, ...body] = message.split('\r\n\r\n');
        const headers = head.replace(/\r\n[ \t]+/g, ' ');
        received.push({
          to: session.envelope.rcptTo[0].address,
          subject: /^Subject: (.*)$/m.exec(headers)?.[1] ?? '',
          // Quoted-printable soft breaks joined, so the text reads as written.
          text: body.join('\r\n\r\n').replace(/=\r\n/g, ''),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function deliver() {
  const mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, 'recruitment@shirehall.test');
  try {
    await createOutboxWorker({
      repository: createOutboxRepository(db()),
      mailer,
      clock: () => new Date(Date.now() + 5_000),
      random: () => 0,
    }).sendDue();
  } finally {
    mailer.close();
  }
}

describe('the emails a vacancy’s changes send', () => {
  it('tells each applicant of a cancelled vacancy, and a paper applicant who gave an address, through SMTP', async () => {
    await db().updateTable('email_outbox').set({ sent_at: new Date() }).execute();
    const employer = await organisationId(db(), 'E07000034');
    const vacancy = await createVacancy(db(), { organisationId: employer, title: 'Parking attendant' });
    const { client } = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['recruiter'] });

    const today = new Date();
    const recorded = await client.post(`/staff/recruitment/vacancies/${vacancy.id}/paper-application`, {
      firstName: 'Paula',
      lastName: 'Post',
      email: 'paula.post@example.com',
      address: '5 Knifesmithgate, Chesterfield',
      employment: 'Traffic warden, 2012 to now',
      supportingStatement: 'I know every street in town.',
      'receivedOn-day': String(today.getUTCDate()),
      'receivedOn-month': String(today.getUTCMonth() + 1),
      'receivedOn-year': String(today.getUTCFullYear()),
    });
    expect(recorded.statusCode).toBe(303);
    await createApplication(db(), {
      vacancyId: vacancy.id,
      status: 'shortlisted',
      personal: { email: 'online.applicant@example.com' },
    });

    const cancelled = await client.post(`/staff/recruitment/vacancies/${vacancy.id}/cancel`, {
      reason: 'The post is no longer funded',
    });
    expect(cancelled.statusCode).toBe(303);
    await deliver();

    const to = (address: string) => received.filter((email) => email.to === address);
    expect(to('paula.post@example.com').map((email) => email.subject)).toHaveLength(2);
    expect(to('paula.post@example.com')[0].text).toContain('Parking attendant');
    const cancellations = [...to('paula.post@example.com'), ...to('online.applicant@example.com')].filter((email) =>
      email.text.includes('The post is no longer funded'),
    );
    expect(cancellations).toHaveLength(2);
  });
});
