import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpMailer, type Mailer } from '../src/modules/notify/mailer.js';
import { queueEmail } from '../src/modules/notify/outbox.js';
import { createOutboxRepository } from '../src/modules/notify/repository.js';
import { createOutboxWorker, LEASE_MS, MAX_ATTEMPTS, retryDelayMs } from '../src/modules/notify/worker.js';
import { startJobLoop } from '../src/worker/loop.js';
import { startWorker } from '../src/worker/start.js';
import { testConfig } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

const FROM = 'Shirehall <no-reply@shirehall.test>';

interface ReceivedEmail {
  envelopeTo: string[];
  to: string;
  subject: string;
  messageId: string;
  body: string;
}

/** Reads the headers and text of a message as nodemailer writes a plain-text email. */
function parseMessage(raw: string, envelopeTo: string[]): ReceivedEmail {
  const split = raw.indexOf('\r\n\r\n');
  const headerText = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.slice(split + 4);
  if (headers.get('content-transfer-encoding') === 'quoted-printable') {
    body = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  return {
    envelopeTo,
    to: headers.get('to') ?? '',
    subject: headers.get('subject') ?? '',
    messageId: headers.get('message-id') ?? '',
    body: body.replace(/\r\n/g, '\n').replace(/\n$/, ''),
  };
}

/** How the test mail server answers: accept, or refuse at RCPT TO or after DATA with an SMTP code. */
interface ServerBehaviour {
  refuse?: { at: 'rcpt' | 'data'; code: number; message: string };
  /** Milliseconds to take over accepting each message, so that workers overlap. */
  delayMs?: number;
}

/** A real SMTP server on a free local port, recording what it accepts and how often it refused. */
async function startSmtpServer() {
  const received: ReceivedEmail[] = [];
  const behaviour: ServerBehaviour = {};
  let refusals = 0;
  const refusal = () => {
    refusals += 1;
    const { code, message } = behaviour.refuse!;
    return Object.assign(new Error(message), { responseCode: code });
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (behaviour.refuse?.at === 'rcpt') return callback(refusal());
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        setTimeout(() => {
          if (behaviour.refuse?.at === 'data') return callback(refusal());
          received.push(
            parseMessage(
              Buffer.concat(chunks).toString('utf8'),
              session.envelope.rcptTo.map((rcpt) => rcpt.address),
            ),
          );
          callback();
        }, behaviour.delayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    behaviour,
    refusals: () => refusals,
    reset() {
      received.length = 0;
      refusals = 0;
      delete behaviour.refuse;
      delete behaviour.delayMs;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let database: TestDatabase;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let mailer: Mailer;
let now: Date;
const clock = () => now;
const moveClock = (milliseconds: number) => (now = new Date(now.getTime() + milliseconds));

beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpServer();
  mailer = createSmtpMailer(smtp.url, FROM);
});
afterAll(async () => {
  mailer?.close();
  await smtp?.close();
  await database?.destroy();
});
beforeEach(async () => {
  smtp.reset();
  await database.db.deleteFrom('email_outbox').execute();
  // A little ahead of the database's own clock, which stamps each email due when it is queued.
  now = new Date(Date.now() + 5_000);
});

const worker = (options: { batchSize?: number; mailer?: Mailer } = {}) =>
  createOutboxWorker({
    repository: createOutboxRepository(database.db),
    mailer: options.mailer ?? mailer,
    clock,
    random: () => 0,
    batchSize: options.batchSize,
  });

const queue = (...emails: { to: string; subject: string; body: string }[]) =>
  database.db.transaction().execute(async (trx) => {
    for (const email of emails) await queueEmail(trx, email);
  });

const outboxRow = (subject: string) =>
  database.db.selectFrom('email_outbox').selectAll().where('subject', '=', subject).executeTakeFirstOrThrow();

describe('the email worker', () => {
  it('sends what was queued in a transaction through a real SMTP server, and marks it sent', async () => {
    const body =
      'Dear Sam,\n\nChoose your password here within 7 days:\n\nhttps://shirehall.test/staff/reset-password?token=aVeryLongTokenThatMakesThisLineLongerThanSeventySixCharacters\n';
    await queue(
      { to: 'sam@test.example', subject: 'Your staff account', body },
      { to: 'alex@test.example', subject: 'Reset your password', body: 'Short body.' },
    );

    await worker().sendDue();

    expect(smtp.received).toHaveLength(2);
    const account = smtp.received.find((email) => email.subject === 'Your staff account')!;
    expect(account.envelopeTo).toEqual(['sam@test.example']);
    expect(account.to).toBe('sam@test.example');
    expect(account.body).toBe(body.replace(/\n$/, ''));
    const reset = smtp.received.find((email) => email.subject === 'Reset your password')!;
    expect(reset.envelopeTo).toEqual(['alex@test.example']);
    expect(reset.body).toBe('Short body.');

    const row = await outboxRow('Your staff account');
    expect(row.sent_at?.getTime()).toBe(now.getTime());
    expect(row.message_id).toBe(account.messageId);
    expect(row.attempts).toBe(0);
    expect(row.locked_until).toBeNull();

    await worker().sendDue();
    expect(smtp.received).toHaveLength(2);
  });

  it('keeps no email from a transaction that rolls back', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await queueEmail(trx, { to: 'sam@test.example', subject: 'Never happened', body: 'x' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    const rows = await database.db
      .selectFrom('email_outbox')
      .select('id')
      .where('subject', '=', 'Never happened')
      .execute();
    expect(rows).toHaveLength(0);
    await worker().sendDue();
    expect(smtp.received).toHaveLength(0);
  });

  it.each([
    { at: 'rcpt' as const, code: 451, message: 'Mailbox busy, try again later' },
    { at: 'data' as const, code: 554, message: 'Transaction failed' },
  ])('leaves an email the server refuses ($code at $at) to be tried again later, then sends it', async (refuse) => {
    await queue({ to: 'sam@test.example', subject: 'Refused once', body: 'Hello' });
    smtp.behaviour.refuse = refuse;

    await worker().sendDue();

    const failed = await outboxRow('Refused once');
    expect(failed.sent_at).toBeNull();
    expect(failed.failed_at).toBeNull();
    expect(failed.attempts).toBe(1);
    expect(failed.last_error).toContain(String(refuse.code));
    expect(failed.next_attempt_at.getTime()).toBe(now.getTime() + 30_000);
    expect(failed.locked_until).toBeNull();
    expect(smtp.refusals()).toBe(1);

    delete smtp.behaviour.refuse;
    await worker().sendDue();
    expect(smtp.received).toHaveLength(0);

    moveClock(30_000);
    await worker().sendDue();
    expect(smtp.received.map((email) => email.subject)).toEqual(['Refused once']);
    const sent = await outboxRow('Refused once');
    expect(sent.sent_at?.getTime()).toBe(now.getTime());
    expect(sent.attempts).toBe(1);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts, marking the email failed but keeping it`, async () => {
    await queue({ to: 'nobody@test.example', subject: 'Undeliverable', body: 'Hello' });
    smtp.behaviour.refuse = { at: 'rcpt', code: 550, message: 'No such user' };

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await worker().sendDue();
      moveClock(2 * 3_600_000);
    }
    await worker().sendDue();

    expect(smtp.refusals()).toBe(MAX_ATTEMPTS);
    const row = await outboxRow('Undeliverable');
    expect(row.attempts).toBe(MAX_ATTEMPTS);
    expect(row.failed_at).not.toBeNull();
    expect(row.sent_at).toBeNull();
    expect(row.last_error).toContain('550');
  });

  it('never sends one email twice when two workers run at once', async () => {
    const subjects = Array.from({ length: 12 }, (_, index) => `Concurrent ${index + 1}`);
    await queue(...subjects.map((subject) => ({ to: 'many@test.example', subject, body: subject })));
    smtp.behaviour.delayMs = 30;
    const sentBy = { first: 0, second: 0 };
    const counting = (name: keyof typeof sentBy): Mailer => ({
      send: async (email) => {
        const result = await mailer.send(email);
        sentBy[name] += 1;
        return result;
      },
      close: () => {},
    });

    await Promise.all([
      worker({ batchSize: 3, mailer: counting('first') }).sendDue(),
      worker({ batchSize: 3, mailer: counting('second') }).sendDue(),
    ]);

    expect(smtp.received.map((email) => email.subject).sort()).toEqual([...subjects].sort());
    expect(sentBy.first).toBeGreaterThan(0);
    expect(sentBy.second).toBeGreaterThan(0);
    const unsent = await database.db.selectFrom('email_outbox').select('id').where('sent_at', 'is', null).execute();
    expect(unsent).toHaveLength(0);
  });

  it('leaves a claimed email alone while its lease holds, and retries it once a dead worker lets it lapse', async () => {
    await queue({ to: 'sam@test.example', subject: 'Claimed by a worker that died', body: 'Hello' });
    // What a worker does before sending; this one then "dies" and never sends or reports back.
    const claimed = await createOutboxRepository(database.db).claimDue(now, new Date(now.getTime() + LEASE_MS), 10);
    expect(claimed).toHaveLength(1);

    await worker().sendDue();
    moveClock(LEASE_MS - 1_000);
    await worker().sendDue();
    expect(smtp.received).toHaveLength(0);

    moveClock(2_000);
    await worker().sendDue();
    expect(smtp.received.map((email) => email.subject)).toEqual(['Claimed by a worker that died']);
    expect((await outboxRow('Claimed by a worker that died')).sent_at).not.toBeNull();
  });

  it('starts no send when the lease runs short, leaving the rest of the batch until it lapses', async () => {
    const subjects = ['Slow 1', 'Slow 2', 'Slow 3', 'Slow 4'];
    await queue(...subjects.map((subject) => ({ to: 'slow@test.example', subject, body: subject })));
    // A slow mail server: each send takes 15 seconds of the 60-second lease.
    const slow: Mailer = {
      send: async (email) => {
        const result = await mailer.send(email);
        moveClock(15_000);
        return result;
      },
      close: () => {},
    };

    await worker({ mailer: slow }).sendDue();
    expect(smtp.received.map((email) => email.subject)).toEqual(['Slow 1', 'Slow 2']);

    moveClock(LEASE_MS);
    await worker().sendDue();
    expect(smtp.received.map((email) => email.subject).sort()).toEqual(subjects);
  });

  it('stops between emails when shutting down; the rest are sent after their lease lapses', async () => {
    await queue(
      ...['Stop 1', 'Stop 2', 'Stop 3'].map((subject) => ({ to: 'stop@test.example', subject, body: subject })),
    );
    const shutdown = new AbortController();
    const stoppingAfterOne: Mailer = {
      send: async (email) => {
        const result = await mailer.send(email);
        shutdown.abort();
        return result;
      },
      close: () => {},
    };

    await worker({ mailer: stoppingAfterOne }).sendDue(shutdown.signal);
    expect(smtp.received.map((email) => email.subject)).toEqual(['Stop 1']);

    await worker().sendDue();
    expect(smtp.received).toHaveLength(1);
    moveClock(LEASE_MS + 1);
    await worker().sendDue();
    expect(smtp.received.map((email) => email.subject)).toEqual(['Stop 1', 'Stop 2', 'Stop 3']);
  });

  it('waits 30 seconds after a first failure, doubling to at most an hour, plus up to a fifth at random', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, () => 0))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(8, () => 0)).toBe(3_600_000);
    expect(retryDelayMs(9, () => 0)).toBe(3_600_000);
    expect(retryDelayMs(1, () => 0.999_999)).toBe(36_000);
  });
});

describe('the worker loop', () => {
  afterEach(() => smtp.reset());

  it('sends email from the outbox while it runs, and stops when asked', async () => {
    const worker = startWorker({
      config: testConfig({ smtpUrl: smtp.url }),
      db: database.db,
      log: { info() {}, warn() {}, error() {} },
      clock,
      intervalMs: 50,
    });
    try {
      await queue({ to: 'loop@test.example', subject: 'Sent by the loop', body: 'Hello' });
      await expect.poll(() => smtp.received.length, { timeout: 5_000 }).toBe(1);
    } finally {
      await worker.stop();
    }
    await queue({ to: 'loop@test.example', subject: 'After the loop stopped', body: 'Hello' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received.map((email) => email.subject)).toEqual(['Sent by the loop']);
  });

  it('sends nothing without SMTP_URL: emails wait in the outbox', async () => {
    const messages: string[] = [];
    const worker = startWorker({
      config: testConfig({ smtpUrl: undefined }),
      db: database.db,
      log: { info: (message) => messages.push(message), warn() {}, error() {} },
      clock,
      intervalMs: 50,
    });
    await queue({ to: 'sam@test.example', subject: 'Waits', body: 'Hello' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await worker.stop();
    expect(messages.join('\n')).toContain('SMTP_URL is not set');
    expect((await outboxRow('Waits')).sent_at).toBeNull();
  });

  it('keeps running after a job fails, and logs the failure', async () => {
    const errors: string[] = [];
    let runs = 0;
    const loop = startJobLoop({
      jobs: [
        {
          name: 'flaky job',
          run: async () => {
            runs += 1;
            if (runs === 1) throw new Error('database went away');
          },
        },
      ],
      intervalMs: 20,
      log: { info() {}, warn() {}, error: (_detail, message) => errors.push(message) },
    });
    await expect.poll(() => runs, { timeout: 2_000 }).toBeGreaterThanOrEqual(3);
    await loop.stop();
    const runsWhenStopped = runs;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toBe(runsWhenStopped);
    expect(errors).toEqual(['flaky job: run failed; trying again in 0.02 s']);
  });
});

describe('the claim query', () => {
  it('claims only emails that are due, unsent, not given up and not leased', async () => {
    await queue(
      { to: 'a@test.example', subject: 'due', body: '' },
      { to: 'a@test.example', subject: 'sent', body: '' },
      { to: 'a@test.example', subject: 'failed', body: '' },
      { to: 'a@test.example', subject: 'later', body: '' },
      { to: 'a@test.example', subject: 'leased', body: '' },
    );
    const db = database.db;
    await db.updateTable('email_outbox').set({ sent_at: now }).where('subject', '=', 'sent').execute();
    await db.updateTable('email_outbox').set({ failed_at: now }).where('subject', '=', 'failed').execute();
    await db
      .updateTable('email_outbox')
      .set({ next_attempt_at: new Date(now.getTime() + 1_000) })
      .where('subject', '=', 'later')
      .execute();
    await db
      .updateTable('email_outbox')
      .set({ locked_until: new Date(now.getTime() + 1_000) })
      .where('subject', '=', 'leased')
      .execute();

    const claimed = await createOutboxRepository(db).claimDue(now, new Date(now.getTime() + LEASE_MS), 10);
    expect(claimed.map((email) => email.subject)).toEqual(['due']);
    const { count } = await sql<{
      count: number;
    }>`select count(*)::int as count from email_outbox where locked_until is not null`
      .execute(db)
      .then((result) => result.rows[0]);
    expect(count).toBe(2);
  });
});
