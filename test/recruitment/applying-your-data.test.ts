import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { organisationId } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { createApplication, createVacancy, signedInApplicant } from '../support/recruitment.js';
import { personalDetails, referee } from './applying-support.js';

const context = useTestApp();
let db: Kysely<Database>;
let dales: number;

beforeAll(async () => {
  db = context.database.db;
  dales = await organisationId(db, 'E07000035');
});

describe('your data', () => {
  it('downloads everything recruitment holds about the applicant, and nobody else’s', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    await client.post('/jobs/profile/personal', personalDetails);
    await client.post('/jobs/profile/referees', referee('Grace Hopper'));
    const vacancy = await createVacancy(db, { organisationId: dales, title: 'Data officer' });
    const application = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: applicant.id,
      status: 'unsuccessful',
    });
    await db
      .insertInto('application_events')
      .values([
        { application_id: application.id, from_status: 'draft', to_status: 'submitted' },
        {
          application_id: application.id,
          from_status: 'submitted',
          to_status: 'unsuccessful',
          reason: 'Not enough experience',
        },
      ])
      .execute();
    await db
      .insertInto('equality_monitoring')
      .values({ application_id: application.id, vacancy_id: vacancy.id, religion_belief: 'buddhist' })
      .execute();
    await db.insertInto('saved_jobs').values({ citizen_id: applicant.id, vacancy_id: vacancy.id }).execute();
    await db
      .insertInto('job_alerts')
      .values({
        citizen_id: applicant.id,
        query: 'q=librarian',
        frequency: 'weekly',
        unsubscribe_key: `key-${applicant.id}`,
      })
      .execute();
    const someoneElse = await signedInApplicant(context.app, db);
    const theirs = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: someoneElse.applicant.id,
      personal: { first_name: 'Other' },
    });

    const response = await client.get('/jobs/your-data/download');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename="your-recruitment-data.json"');
    const data = JSON.parse(response.body);
    expect(data.account.email).toBe(applicant.email);
    expect(data.profile.personal).toMatchObject({ first_name: 'Ada' });
    expect(data.profile.referees).toEqual([expect.objectContaining({ name: 'Grace Hopper' })]);
    expect(data.applications).toHaveLength(1);
    expect(data.applications[0]).toMatchObject({
      id: application.id,
      job_title: 'Data officer',
      stage: 'Unsuccessful',
    });
    expect(data.applications[0].events.map((event: { to_status: string }) => event.to_status)).toEqual([
      'submitted',
      'unsuccessful',
    ]);
    expect(data.applications[0].events[1].reason).toBe('Not enough experience');
    expect(data.applications[0].equality_monitoring).toMatchObject({ religion_belief: 'buddhist', sex: null });
    expect(data.saved_jobs).toEqual([expect.objectContaining({ job_title: 'Data officer' })]);
    expect(data.job_alerts).toEqual([expect.objectContaining({ query: 'q=librarian', frequency: 'weekly' })]);
    expect(response.body).not.toContain('Other');
    expect(response.body).not.toContain(`key-${applicant.id}`);
    void theirs;
  });

  it('deletes the applicant’s recruitment data once nothing is in progress', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    await client.post('/jobs/profile/personal', personalDetails);
    const vacancy = await createVacancy(db, { organisationId: dales, title: 'Clerk' });
    const other = await createVacancy(db, { organisationId: dales });
    const draft = await createApplication(db, {
      vacancyId: other.id,
      citizen_id: applicant.id,
      status: 'draft',
      submitted_at: null,
    });
    await db
      .insertInto('equality_monitoring')
      .values({ application_id: draft.id, vacancy_id: other.id, sex: 'male' })
      .execute();
    const inProgress = await createApplication(db, {
      vacancyId: vacancy.id,
      citizen_id: applicant.id,
      status: 'shortlisted',
    });
    await db.insertInto('saved_jobs').values({ citizen_id: applicant.id, vacancy_id: vacancy.id }).execute();

    const page = await client.get('/jobs/your-data/delete');
    expect(page.body).toContain('Withdraw them first');
    expect(page.body).toContain(`/jobs/applications/${inProgress.id}/withdraw`);
    const refused = await client.postWithToken('/jobs/your-data/delete', {}, await client.csrfToken('/jobs/your-data'));
    expect(refused.headers.location).toBe('/jobs/your-data/delete');
    expect(
      await db
        .selectFrom('applicant_profiles')
        .select('citizen_id')
        .where('citizen_id', '=', applicant.id)
        .executeTakeFirst(),
    ).toBeDefined();

    await client.post(`/jobs/applications/${inProgress.id}/withdraw`, {});
    const deleted = await client.post('/jobs/your-data/delete', {});
    expect(deleted.headers.location).toBe('/jobs/your-data?deleted=yes');
    expect(
      await db.selectFrom('applicant_profiles').select('citizen_id').where('citizen_id', '=', applicant.id).execute(),
    ).toEqual([]);
    expect(
      await db.selectFrom('saved_jobs').select('vacancy_id').where('citizen_id', '=', applicant.id).execute(),
    ).toEqual([]);
    expect(
      await db
        .selectFrom('equality_monitoring')
        .select('application_id')
        .where('application_id', '=', draft.id)
        .execute(),
    ).toEqual([]);
    // The withdrawn application stays with the employer until retention deletes it.
    const left = await db
      .selectFrom('applications')
      .select(['id', 'status'])
      .where('citizen_id', '=', applicant.id)
      .execute();
    expect(left).toEqual([{ id: inProgress.id, status: 'withdrawn' }]);
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'record_type'])
      .where('record_type', '=', 'applicant_data')
      .where('record_id', '=', String(applicant.id))
      .execute();
    expect(audit).toEqual([{ action: 'delete', record_type: 'applicant_data' }]);
  });
});
