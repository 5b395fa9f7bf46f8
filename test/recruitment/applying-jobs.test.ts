import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { DAY_MS } from '../../src/shared/dates.js';
import { applyRetention, sendClosingReminders } from '../../src/modules/recruitment/applying/index.js';
import { organisationId } from '../support/accounts.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createApplicant, createApplication, createVacancy } from '../support/recruitment.js';
import { startMailServer } from './applying-smtp.js';

let database: TestDatabase;
let db: Kysely<Database>;
let mail: Awaited<ReturnType<typeof startMailServer>>;
let dales: number;
const HOUR_MS = 3_600_000;
const citizenEmail = async (id: number, executor: Kysely<Database> = db) =>
  (await executor.selectFrom('citizens').select('email').where('id', '=', id).executeTakeFirst())?.email ?? null;
const publicUrl = 'https://shirehall.test';

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  mail = await startMailServer();
  dales = await organisationId(db, 'E07000035');
}, 60_000);
afterAll(async () => {
  await mail?.close();
  await database?.destroy();
});
beforeEach(async () => {
  mail.received.length = 0;
  await db.deleteFrom('email_outbox').execute();
});

describe('closing reminders', () => {
  it('emails, once, drafts and saved jobs of a vacancy closing within 72 hours', async () => {
    const now = new Date();
    const clock = () => now;
    const soon = await createVacancy(db, {
      organisationId: dales,
      title: 'Bin crew supervisor',
      closes_at: new Date(now.getTime() + 48 * HOUR_MS),
    });
    const later = await createVacancy(db, {
      organisationId: dales,
      title: 'Later job',
      closes_at: new Date(now.getTime() + 96 * HOUR_MS),
    });
    const drafter = await createApplicant(db);
    const saver = await createApplicant(db);
    const applied = await createApplicant(db);
    const draft = await createApplication(db, {
      vacancyId: soon.id,
      citizen_id: drafter.id,
      status: 'draft',
      submitted_at: null,
      personal: { email: '' },
    });
    await createApplication(db, {
      vacancyId: later.id,
      citizen_id: drafter.id,
      status: 'draft',
      submitted_at: null,
      personal: { email: '' },
    });
    await createApplication(db, {
      vacancyId: soon.id,
      citizen_id: applied.id,
      status: 'submitted',
      personal: { email: '' },
    });
    await db
      .insertInto('saved_jobs')
      .values([
        { citizen_id: saver.id, vacancy_id: soon.id },
        { citizen_id: drafter.id, vacancy_id: soon.id }, // has a draft: reminded about that, not twice
        { citizen_id: applied.id, vacancy_id: soon.id }, // has applied: nothing
      ])
      .execute();

    // Two workers at once, then one again: each reminder is sent by one of them, once.
    const runs = await Promise.all([1, 2].map(() => sendClosingReminders({ db, clock, citizenEmail, publicUrl })));
    expect(
      runs.reduce((sum, run) => ({ drafts: sum.drafts + run.drafts, savedJobs: sum.savedJobs + run.savedJobs })),
    ).toEqual({
      drafts: 1,
      savedJobs: 1,
    });
    expect(await sendClosingReminders({ db, clock, citizenEmail, publicUrl })).toEqual({ drafts: 0, savedJobs: 0 });
    await mail.deliver(db);

    expect(mail.received.map((email) => [email.to, email.subject]).sort()).toEqual(
      [
        [[drafter.email], 'Your application closes soon: Bin crew supervisor'],
        [[saver.email], 'A job you saved closes soon: Bin crew supervisor'],
      ].sort(),
    );
    const toDrafter = mail.received.find((email) => email.to[0] === drafter.email)!;
    expect(toDrafter.body).toContain(`${publicUrl}/jobs/applications/${draft.id}`);
    const toSaver = mail.received.find((email) => email.to[0] === saver.email)!;
    expect(toSaver.body).toContain(`${publicUrl}/jobs/${soon.slug}`);
    const row = await db
      .selectFrom('applications')
      .select('closing_reminder_sent_at')
      .where('id', '=', draft.id)
      .executeTakeFirstOrThrow();
    expect(row.closing_reminder_sent_at).toEqual(now);
  });
});

describe('retention', () => {
  it('warns 14 days before, then deletes unsuccessful applications with everything about them, audited', async () => {
    const closedAt = new Date('2026-01-15T12:00:00Z');
    const vacancy = await createVacancy(db, {
      organisationId: dales,
      title: 'Archivist',
      closes_at: closedAt,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    const unsuccessful = await createApplicant(db);
    const appointed = await createApplicant(db);
    const drafter = await createApplicant(db);
    const gone = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: unsuccessful.id,
      status: 'unsuccessful',
      personal: { email: '' },
    });
    const kept = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: appointed.id,
      status: 'appointed',
      personal: { email: '' },
    });
    const draft = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: drafter.id,
      status: 'draft',
      submitted_at: null,
      personal: { email: '' },
    });
    await db
      .insertInto('application_events')
      .values({ application_id: gone.id, from_status: 'submitted', to_status: 'unsuccessful' })
      .execute();
    await db
      .insertInto('equality_monitoring')
      .values({ application_id: gone.id, vacancy_id: vacancy.id, sex: 'female' })
      .execute();
    await db
      .insertInto('reference_requests')
      .values({
        application_id: gone.id,
        referee_name: 'R',
        referee_email: 'r@test.example',
        token_hash: `hash-${gone.id}`,
      })
      .execute();

    // Six months after 15 January is 15 July: nothing before the warning's 14 days.
    const run = (at: string) => applyRetention({ db, clock: () => new Date(at), citizenEmail, publicUrl });
    expect(await run('2026-06-30T12:00:00Z')).toEqual({ warned: 0, deleted: 0 });
    expect(await run('2026-07-02T12:00:00Z')).toEqual({ warned: 2, deleted: 0 });
    expect(await run('2026-07-03T12:00:00Z')).toEqual({ warned: 0, deleted: 0 });
    await mail.deliver(db);
    expect(mail.received.map((email) => email.to[0]).sort()).toEqual([unsuccessful.email, drafter.email].sort());
    expect(mail.received[0].subject).toBe('Your application for Archivist will be deleted on 16 July 2026');
    expect(mail.received[0].body).toContain(`${publicUrl}/jobs/your-data`);

    // Due on 15 July, but warned on 2 July: deleted from the 16th, 14 days after the warning.
    expect(await run('2026-07-15T13:00:00Z')).toEqual({ warned: 0, deleted: 0 });
    expect(await run('2026-07-16T13:00:00Z')).toEqual({ warned: 0, deleted: 2 });
    const left = await db.selectFrom('applications').select('id').where('vacancy_id', '=', vacancy.id).execute();
    expect(left).toEqual([{ id: kept.id }]);
    for (const table of ['application_events', 'equality_monitoring', 'reference_requests'] as const)
      expect(
        await db.selectFrom(table).select('application_id').where('application_id', '=', gone.id).execute(),
      ).toEqual([]);
    const audits = await db
      .selectFrom('audit_log')
      .select(['action', 'record_id', 'detail', 'actor_type'])
      .where('record_type', '=', 'application')
      .where('record_id', 'in', [String(gone.id), String(draft.id)])
      .orderBy('record_id')
      .execute();
    expect(audits).toEqual(
      [gone.id, draft.id]
        .sort((a, b) => String(a).localeCompare(String(b)))
        .map((id) => ({
          action: 'delete',
          record_id: String(id),
          detail: { reason: 'retention', retentionMonths: 6 },
          actor_type: 'system',
        })),
    );
  });

  it('uses the employer’s retention months and the day a vacancy closed early', async () => {
    const county = await organisationId(db, 'E10000007');
    await db
      .insertInto('recruitment_employer_settings')
      .values({ organisation_id: county, retention_months: 2 })
      .execute();
    const vacancy = await createVacancy(db, {
      organisationId: county,
      status: 'closed',
      closes_at: new Date('2026-04-30T12:00:00Z'),
      closed_at: new Date('2026-03-01T12:00:00Z'),
      now: new Date('2026-02-01T00:00:00Z'),
    });
    const withdrawn = await createApplication(db, { vacancyId: vacancy.id, status: 'withdrawn' });
    const run = (at: string) => applyRetention({ db, clock: () => new Date(at), citizenEmail, publicUrl });
    expect((await run('2026-04-10T12:00:00Z')).warned).toBe(0);
    expect((await run('2026-04-20T12:00:00Z')).warned).toBe(1);
    expect((await run(new Date(new Date('2026-04-20T12:00:00Z').getTime() + 14 * DAY_MS).toISOString())).deleted).toBe(
      1,
    );
    expect(
      await db.selectFrom('applications').select('id').where('id', '=', withdrawn.id).executeTakeFirst(),
    ).toBeUndefined();
  });
});
