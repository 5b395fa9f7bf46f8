import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffActor } from '../../src/shared/actor.js';
import { changeStage } from '../../src/modules/recruitment/applications/stage-change.js';
import { createApplicantMessages } from '../../src/modules/recruitment/messages/applicant-messages.js';
import { organisationId } from '../support/accounts.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { latestEmailTo } from '../support/outbox.js';
import { createApplicant, createApplication, createVacancy } from '../support/recruitment.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
}, 60_000);
afterAll(() => database.destroy());

const now = new Date('2026-12-01T10:00:00Z');
const messages = createApplicantMessages({
  citizenEmail: async () => 'account@test.example',
  publicUrl: 'https://shirehall.test',
});

async function recruiterOf(organisation: number): Promise<StaffActor> {
  return {
    kind: 'staff',
    staffId: (
      await database.db
        .insertInto('staff')
        .values({
          organisation_id: organisation,
          email: `r${Date.now()}@test.example`,
          name: 'R',
          roles: ['recruiter'],
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
    name: 'R',
    email: 'r@test.example',
    organisationId: organisation,
    organisationName: 'Test',
    roles: ['recruiter'],
  };
}

describe('changing an application’s stage', () => {
  it('records the move, audits it and emails the applicant in the employer’s words', async () => {
    const { db } = database;
    const employer = await organisationId(db, 'E07000035');
    const vacancy = await createVacancy(db, { organisationId: employer, title: 'Waste operative', now });
    const application = await createApplication(db, { vacancyId: vacancy.id, personal: { email: 'sam@test.example' } });
    await db
      .insertInto('recruitment_message_templates')
      .values({
        organisation_id: employer,
        stage: 'shortlisted',
        subject: 'Good news: ((job_title))',
        body: 'Hello ((name)). ((message))',
      })
      .execute();
    const recruiter = await recruiterOf(employer);

    await db.transaction().execute((tx) =>
      changeStage(tx, messages, {
        applicationId: application.id,
        to: 'shortlisted',
        actor: recruiter,
        message: 'Well done.',
        now,
      }),
    );

    const row = await db
      .selectFrom('applications')
      .select(['status', 'status_changed_at'])
      .where('id', '=', application.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'shortlisted', status_changed_at: now });
    const events = await db
      .selectFrom('application_events')
      .selectAll()
      .where('application_id', '=', application.id)
      .execute();
    expect(events.map((event) => [event.from_status, event.to_status, event.staff_id])).toEqual([
      ['submitted', 'shortlisted', recruiter.staffId],
    ]);
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('record_type', '=', 'application')
      .where('record_id', '=', String(application.id))
      .execute();
    expect(audit).toEqual([{ action: 'update', detail: { from: 'submitted', to: 'shortlisted' } }]);
    const email = await latestEmailTo(db, 'sam@test.example');
    expect(email?.subject).toBe('Good news: Waste operative');
    expect(email?.body_text).toMatch(/^Hello Sam Applicant\d+\. Well done\.$/);
  });

  it('refuses a move the pipeline does not have, and one the other side makes, changing nothing', async () => {
    const { db } = database;
    const employer = await organisationId(db, 'E07000035');
    const vacancy = await createVacancy(db, { organisationId: employer, now });
    const applicant = await createApplicant(db);
    const application = await createApplication(db, { vacancyId: vacancy.id, citizen_id: applicant.id });
    const recruiter = await recruiterOf(employer);
    const citizen = { kind: 'citizen' as const, citizenId: applicant.id, name: 'A', email: applicant.email };

    const attempt = (to: 'appointed' | 'shortlisted' | 'offer_accepted', actor: typeof recruiter | typeof citizen) =>
      db.transaction().execute((tx) => changeStage(tx, messages, { applicationId: application.id, to, actor, now }));
    await expect(attempt('appointed', recruiter)).rejects.toThrow(
      'An application that is submitted cannot become appointed',
    );
    await expect(attempt('shortlisted', citizen)).rejects.toThrow('Only the employer can do this');

    const row = await db
      .selectFrom('applications')
      .select('status')
      .where('id', '=', application.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('submitted');
    const events = await db
      .selectFrom('application_events')
      .select('id')
      .where('application_id', '=', application.id)
      .execute();
    expect(events).toEqual([]);
  });

  it('lets the applicant withdraw from any stage that is not final, and then nothing more', async () => {
    const { db } = database;
    const employer = await organisationId(db, 'E07000035');
    const vacancy = await createVacancy(db, { organisationId: employer, now });
    const applicant = await createApplicant(db);
    const application = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: applicant.id,
      status: 'interviewed',
      personal: { email: '' },
    });
    const citizen = { kind: 'citizen' as const, citizenId: applicant.id, name: 'A', email: applicant.email };
    const withdraw = () =>
      db
        .transaction()
        .execute((tx) =>
          changeStage(tx, messages, { applicationId: application.id, to: 'withdrawn', actor: citizen, now }),
        );

    await withdraw();
    const email = await latestEmailTo(db, 'account@test.example');
    expect(email?.subject).toMatch(/^Application withdrawn: Test vacancy \d+$/);
    await expect(withdraw()).rejects.toThrow('An application that is withdrawn cannot become withdrawn');
  });
});
