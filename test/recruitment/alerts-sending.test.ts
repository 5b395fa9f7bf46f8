import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { createCitizenRepository } from '../../src/modules/identity/citizen-repository.js';
import { createSmtpMailer, type Mailer } from '../../src/modules/notify/mailer.js';
import { createOutboxRepository } from '../../src/modules/notify/repository.js';
import { createOutboxWorker } from '../../src/modules/notify/worker.js';
import { createPartnershipModule } from '../../src/modules/partnership/index.js';
import { runJobAlerts } from '../../src/modules/recruitment/alerts/index.js';
import { createJobSearch, createJobsRepository } from '../../src/modules/recruitment/jobs/index.js';
import { startWorker } from '../../src/worker/start.js';
import { organisationId } from '../support/accounts.js';
import { testConfig, useTestApp } from '../support/app.js';
import { linkIn } from '../support/outbox.js';
import { createApplicant, createVacancy } from '../support/recruitment.js';
import { TestClient } from '../support/http.js';

/**
 * The job alerts' worker job, called with a clock: one email per period listing only the live
 * vacancies new since the last, none when there are none; the yearly warning, and the lapse 14 days
 * after it. The emails are read back from a real SMTP server, as the outbox worker sends them.
 */
const context = useTestApp();
let db: Kysely<Database>;
let county: number;
let dales: number;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let mailer: Mailer;
let alertWork: Parameters<typeof runJobAlerts>[0];
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface Received {
  to: string;
  subject: string;
  body: string;
}

/** A real SMTP server on a free port, keeping each message's recipient, subject and text. */
async function startSmtpServer() {
  const received: Received[] = [];
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
        const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(headers)?.[1] ?? '';
        let body = raw.slice(split + 4);
        if (/quoted-printable/i.test(header('content-transfer-encoding')))
          body = Buffer.from(
            body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => `%${hex}`),
            'latin1',
          ).toString();
        received.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address).join(','),
          subject: decodeEncodedWords(header('subject')),
          body: decodeURIComponentSafe(body).replace(/\r\n/g, '\n'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A header's RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), as nodemailer writes text beyond ASCII. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_match, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text.replace(/%(?![0-9A-F]{2})/g, '%25'));
  } catch {
    return text;
  }
}

/** Sends what the outbox holds through the real SMTP server, and answers what arrived for `to`. */
async function deliveredTo(to: string, now: Date): Promise<Received[]> {
  const outbox = createOutboxWorker({
    repository: createOutboxRepository(db),
    mailer,
    clock: () => new Date(now.getTime() + 60_000),
    random: () => 0,
  });
  await outbox.sendDue();
  return smtp.received.filter((message) => message.to === to);
}

const at = (start: Date, milliseconds: number) => new Date(start.getTime() + milliseconds);

async function alertFor(citizenId: number, query: string, frequency: 'daily' | 'weekly', createdAt: Date) {
  return db
    .insertInto('job_alerts')
    .values({
      citizen_id: citizenId,
      query,
      frequency,
      unsubscribe_key: `k${Math.random().toString(36).slice(2).padEnd(31, 'x')}`.slice(0, 32),
      confirmed_at: createdAt,
      created_at: createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  db = context.database.db;
  county = await organisationId(db, 'E10000007');
  dales = await organisationId(db, 'E07000035');
  smtp = await startSmtpServer();
  mailer = createSmtpMailer(smtp.url, 'Shirehall <no-reply@shirehall.test>');
  const partnership = await createPartnershipModule({ db, clock: () => new Date(), partnershipSlug: 'derbyshire' });
  const citizens = createCitizenRepository(db);
  alertWork = {
    db,
    jobs: createJobSearch({
      repository: createJobsRepository(db),
      locate: async (postcode) =>
        db
          .selectFrom('postcodes')
          .select(['latitude', 'longitude'])
          .where('postcode', '=', postcode)
          .executeTakeFirst(),
      memberOrganisationIds: partnership.memberOrganisationIds,
    }),
    citizenEmail: (id, executor) => citizens.emailOf(id, executor),
    publicUrl: 'https://jobs.shirehall.test',
  };
});
afterAll(async () => {
  mailer?.close();
  await smtp?.close();
});
beforeEach(async () => {
  smtp.received.length = 0;
  await db.deleteFrom('job_alerts').execute();
});

describe('sending alerts', () => {
  it('sends a daily alert once a day, listing only live matches new since the last email', async () => {
    const start = new Date();
    const applicant = await createApplicant(db);
    await createVacancy(db, {
      organisationId: county,
      title: 'Otter warden (before the alert)',
      posted_at: at(start, -HOUR_MS),
    });
    const alert = await alertFor(applicant.id, 'q=otter', 'daily', start);
    await createVacancy(db, {
      organisationId: county,
      slug: 'otter-warden-new',
      title: 'Otter warden',
      posted_at: at(start, HOUR_MS),
      salary_min_pence: 2_500_000,
    });
    await createVacancy(db, {
      organisationId: county,
      title: 'Otter draft',
      status: 'draft',
      posted_at: at(start, HOUR_MS),
    });
    await createVacancy(db, { organisationId: county, title: 'Badger warden', posted_at: at(start, HOUR_MS) });

    // Not a day yet: nothing.
    expect(await runJobAlerts(alertWork, at(start, 23 * HOUR_MS))).toMatchObject({ sent: 0, nothingNew: 0 });
    expect(await runJobAlerts(alertWork, at(start, DAY_MS))).toMatchObject({ sent: 1 });
    const [email, ...others] = await deliveredTo(applicant.email, at(start, DAY_MS));
    expect(others).toEqual([]);
    expect(email.subject).toBe('1 new job for your alert: Jobs matching “otter”');
    expect(email.body).toContain('Otter warden\nDerbyshire County Council');
    expect(email.body).toContain('£25,000 a year');
    expect(email.body).toContain('https://jobs.shirehall.test/jobs/otter-warden-new');
    expect(email.body).not.toContain('before the alert');
    expect(email.body).not.toContain('Otter draft');
    expect(email.body).not.toContain('Badger');
    expect(linkIn(email.body, '/jobs/alerts/unsubscribe/')).toBe(`/jobs/alerts/unsubscribe/${alert.unsubscribe_key}`);

    // The same day again: nothing more.
    expect(await runJobAlerts(alertWork, at(start, DAY_MS + HOUR_MS))).toMatchObject({ sent: 0, nothingNew: 0 });
    // The next day, with nothing new: no email, and the period starts again.
    expect(await runJobAlerts(alertWork, at(start, 2 * DAY_MS))).toMatchObject({ sent: 0, nothingNew: 1 });
    expect(await deliveredTo(applicant.email, at(start, 2 * DAY_MS))).toHaveLength(1);

    await createVacancy(db, {
      organisationId: dales,
      slug: 'otter-survey-officer',
      title: 'Otter survey officer',
      posted_at: at(start, 2 * DAY_MS + HOUR_MS),
    });
    expect(await runJobAlerts(alertWork, at(start, 3 * DAY_MS))).toMatchObject({ sent: 1 });
    const emails = await deliveredTo(applicant.email, at(start, 3 * DAY_MS));
    expect(emails).toHaveLength(2);
    expect(emails[1].body).toContain('Otter survey officer');
    expect(emails[1].body).not.toContain('/jobs/otter-warden-new');
  });

  it('sends a weekly alert only once a week, with the filters of its search', async () => {
    const start = new Date();
    const applicant = await createApplicant(db);
    await alertFor(applicant.id, `q=heron&employer=${dales}`, 'weekly', start);
    await createVacancy(db, { organisationId: dales, title: 'Heron ranger', posted_at: at(start, HOUR_MS) });
    await createVacancy(db, {
      organisationId: county,
      title: 'Heron keeper (other employer)',
      posted_at: at(start, HOUR_MS),
    });
    expect(await runJobAlerts(alertWork, at(start, DAY_MS))).toMatchObject({ sent: 0 });
    expect(await runJobAlerts(alertWork, at(start, 6 * DAY_MS))).toMatchObject({ sent: 0 });
    expect(await runJobAlerts(alertWork, at(start, 7 * DAY_MS))).toMatchObject({ sent: 1 });
    const [email] = await deliveredTo(applicant.email, at(start, 7 * DAY_MS));
    expect(email.subject).toContain('Jobs matching “heron”, at Derbyshire Dales District Council');
    expect(email.body).toContain('Heron ranger');
    expect(email.body).not.toContain('other employer');
    expect(email.body).toContain('your weekly alert');
  });

  it('runs in the worker, which sends the email through SMTP', async () => {
    const start = new Date();
    const applicant = await createApplicant(db);
    await alertFor(applicant.id, 'q=kingfisher', 'daily', at(start, -2 * DAY_MS));
    await createVacancy(db, { organisationId: county, title: 'Kingfisher guide', posted_at: at(start, -DAY_MS) });
    const worker = startWorker({
      config: testConfig({ smtpUrl: smtp.url, publicUrl: 'https://jobs.shirehall.test' }),
      db,
      log: { info() {}, warn() {}, error() {} },
      clock: () => at(start, 60_000),
      intervalMs: 50,
    });
    try {
      await expect
        .poll(() => smtp.received.filter((message) => message.to === applicant.email).length, { timeout: 10_000 })
        .toBe(1);
    } finally {
      await worker.stop();
    }
    expect(smtp.received.find((message) => message.to === applicant.email)?.body).toContain('Kingfisher guide');
  });
});

describe('lapsing', () => {
  it('warns an alert not confirmed for 12 months, and lapses it 14 days later', async () => {
    const start = new Date();
    const applicant = await createApplicant(db);
    const alert = await alertFor(applicant.id, 'q=newt', 'daily', at(start, -366 * DAY_MS));
    await db.updateTable('job_alerts').set({ last_sent_at: start }).where('id', '=', alert.id).execute();

    expect(await runJobAlerts(alertWork, start)).toMatchObject({ warned: 1, lapsed: 0 });
    const [warning] = await deliveredTo(applicant.email, start);
    expect(warning.subject).toBe('Do you still want this job alert?');
    expect(warning.body).toContain('Jobs matching “newt”');
    expect(linkIn(warning.body, '/jobs/alerts/keep/')).toBe(`/jobs/alerts/keep/${alert.unsubscribe_key}`);
    expect(warning.body).toContain('https://jobs.shirehall.test/jobs/alerts');
    // Warned once only.
    expect(await runJobAlerts(alertWork, at(start, DAY_MS))).toMatchObject({ warned: 0, lapsed: 0 });

    // Still sending until it lapses.
    await createVacancy(db, { organisationId: county, title: 'Newt surveyor', posted_at: at(start, 2 * DAY_MS) });
    expect(await runJobAlerts(alertWork, at(start, 3 * DAY_MS))).toMatchObject({ sent: 1 });

    expect(await runJobAlerts(alertWork, at(start, 14 * DAY_MS - HOUR_MS))).toMatchObject({ lapsed: 0 });
    expect(await runJobAlerts(alertWork, at(start, 14 * DAY_MS))).toMatchObject({ lapsed: 1 });
    const row = await db.selectFrom('job_alerts').selectAll().where('id', '=', alert.id).executeTakeFirstOrThrow();
    expect(row.lapsed_at?.getTime()).toBe(at(start, 14 * DAY_MS).getTime());
    const emails = await deliveredTo(applicant.email, at(start, 14 * DAY_MS));
    expect(emails.map((email) => email.subject)).toEqual([
      'Do you still want this job alert?',
      '1 new job for your alert: Jobs matching “newt”',
      'Your job alert has stopped',
    ]);

    // Lapsed: it sends nothing more, and its links say it has stopped.
    await createVacancy(db, { organisationId: county, title: 'Newt warden', posted_at: at(start, 15 * DAY_MS) });
    expect(await runJobAlerts(alertWork, at(start, 17 * DAY_MS))).toEqual({
      sent: 0,
      nothingNew: 0,
      warned: 0,
      lapsed: 0,
    });
    const page = await context.app.inject({ method: 'GET', url: `/jobs/alerts/unsubscribe/${alert.unsubscribe_key}` });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('This job alert has already stopped');
  });

  it('keeps an alert whose owner follows the warning’s link, without signing in', async () => {
    const start = new Date();
    const applicant = await createApplicant(db);
    const alert = await alertFor(applicant.id, 'q=toad', 'weekly', at(start, -366 * DAY_MS));
    expect(await runJobAlerts(alertWork, start)).toMatchObject({ warned: 1 });
    const [warning] = await deliveredTo(applicant.email, start);
    const client = new TestClient(context.app);
    const keep = linkIn(warning.body, '/jobs/alerts/keep/');
    const page = await client.get(keep);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Jobs matching “toad”');
    const kept = await client.post(keep, {});
    expect(kept.statusCode).toBe(200);
    expect(kept.body).toContain('Job alert kept');
    const row = await db.selectFrom('job_alerts').selectAll().where('id', '=', alert.id).executeTakeFirstOrThrow();
    expect(row.lapse_warning_sent_at).toBeNull();
    expect(row.confirmed_at.getTime()).toBeGreaterThan(at(start, -DAY_MS).getTime());
    expect(await runJobAlerts(alertWork, at(start, 20 * DAY_MS))).toMatchObject({ warned: 0, lapsed: 0 });
  });
});
