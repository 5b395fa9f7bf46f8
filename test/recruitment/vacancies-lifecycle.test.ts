import { describe, expect, it } from 'vitest';
import { londonInstant, parseClockTime } from '../../src/modules/recruitment/vacancies/london-time.js';
import { slugFor } from '../../src/modules/recruitment/vacancies/service.js';
import { organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { TestClient } from '../support/http.js';
import { createVacancy } from '../support/recruitment.js';

const context = useTestApp();
const db = () => context.database.db;
const DAY_MS = 86_400_000;

const dateFields = (name: string, date: Date) => ({
  [`${name}-day`]: String(date.getUTCDate()),
  [`${name}-month`]: String(date.getUTCMonth() + 1),
  [`${name}-year`]: String(date.getUTCFullYear()),
});

describe('times and slugs', () => {
  it('reads closing times as clock time in England, in winter and in summer', () => {
    expect(londonInstant('2027-01-14', '17:00').toISOString()).toBe('2027-01-14T17:00:00.000Z');
    expect(londonInstant('2027-07-14', '17:00').toISOString()).toBe('2027-07-14T16:00:00.000Z');
    expect(['5pm', '17:00', '17.00', '5:00 PM'].map(parseClockTime)).toEqual(['17:00', '17:00', '17:00', '17:00']);
    expect(['12am', '00:00', '25:00', '9', 'noonish'].map(parseClockTime)).toEqual([null, null, null, null, null]);
    expect(slugFor('Highways Inspector (Peak District)', 42)).toBe('highways-inspector-peak-district-42');
    expect(slugFor('£££', 7)).toBe('vacancy-7');
  });
});

describe('the lifecycle, from rows made for it', () => {
  it('reopens a vacancy closed by its deadline when extended, recording the change', async () => {
    const employer = await organisationId(db(), 'E07000035');
    const now = new Date();
    const vacancy = await createVacancy(db(), {
      organisationId: employer,
      closes_at: new Date(now.getTime() - DAY_MS),
      now,
    });
    const { client } = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['recruiter'] });
    const response = await client.post(`/staff/recruitment/vacancies/${vacancy.id}/extend`, {
      ...dateFields('closesOn', new Date(now.getTime() + 7 * DAY_MS)),
      closesTime: '17:00',
      reason: 'Reopened for more applicants',
    });
    expect(response.headers.location).toBe(`/staff/recruitment/vacancies/${vacancy.id}?reopened`);
    const row = await db()
      .selectFrom('vacancies')
      .select(['status', 'closes_at'])
      .where('id', '=', vacancy.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('published');
    expect(row.closes_at.getTime()).toBeGreaterThan(now.getTime());
    const audit = await db()
      .selectFrom('audit_log')
      .select('detail')
      .where('record_type', '=', 'vacancy')
      .where('record_id', '=', String(vacancy.id))
      .execute();
    expect(audit.map((entry) => (entry.detail as { event: string }).event)).toEqual(['reopened']);
  });

  it('refuses an earlier deadline, beside the field, and changes nothing', async () => {
    const employer = await organisationId(db(), 'E07000035');
    const now = new Date();
    const vacancy = await createVacancy(db(), { organisationId: employer, now });
    const { client } = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['recruiter'] });
    const response = await client.post(`/staff/recruitment/vacancies/${vacancy.id}/extend`, {
      ...dateFields('closesOn', new Date(now.getTime() + 2 * DAY_MS)),
      closesTime: '17:00',
      reason: 'Shorter',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('New closing date must be later than the current closing date');
    expect(
      await db().selectFrom('vacancy_deadline_changes').select('id').where('vacancy_id', '=', vacancy.id).execute(),
    ).toHaveLength(0);
  });

  it('schedules a vacancy with a publishing time: posted then, its documents not public until then', async () => {
    const employer = await organisationId(db(), 'E07000035');
    const now = new Date();
    const publishAt = new Date(now.getTime() + 3 * DAY_MS);
    const vacancy = await createVacancy(db(), {
      organisationId: employer,
      status: 'draft',
      posted_at: null,
      publish_at: publishAt,
      now,
    });
    await db()
      .insertInto('vacancy_documents')
      .values({
        vacancy_id: vacancy.id,
        kind: 'job_description',
        file_name: 'jd.pdf',
        content_type: 'application/pdf',
        size_bytes: 5,
        bytes: Buffer.from('%PDF-'),
      })
      .execute();
    const { client } = await signedInStaff(context.app, db(), {
      organisationId: employer,
      roles: ['organisation_admin'],
    });
    const published = await client.post(
      `/staff/recruitment/vacancies/${vacancy.id}/publish`,
      {},
      `/staff/recruitment/vacancies/${vacancy.id}`,
    );
    expect(published.headers.location).toBe(`/staff/recruitment/vacancies/${vacancy.id}?scheduled`);
    const row = await db()
      .selectFrom('vacancies')
      .select(['status', 'posted_at'])
      .where('id', '=', vacancy.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'published', posted_at: publishAt });
    const document = await db()
      .selectFrom('vacancy_documents')
      .select('id')
      .where('vacancy_id', '=', vacancy.id)
      .executeTakeFirstOrThrow();
    expect((await new TestClient(context.app).get(`/jobs/${vacancy.slug}/documents/${document.id}`)).statusCode).toBe(
      404,
    );
    // Cancelled before it went live, it was never posted.
    await client.post(`/staff/recruitment/vacancies/${vacancy.id}/cancel`, { reason: 'Not needed after all' });
    expect(
      await db()
        .selectFrom('vacancies')
        .select(['status', 'posted_at'])
        .where('id', '=', vacancy.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'cancelled', posted_at: null });
  });

  it('lets an approver see the overview and the vacancy, but not change its details; no one changes a published one', async () => {
    const employer = await organisationId(db(), 'E07000035');
    const vacancy = await createVacancy(db(), {
      organisationId: employer,
      title: 'Countryside ranger',
      status: 'draft',
    });
    const approver = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['service_manager'] });
    expect((await approver.client.get('/staff/recruitment')).body).toContain('Countryside ranger');
    expect((await approver.client.get(`/staff/recruitment/vacancies/${vacancy.id}`)).statusCode).toBe(200);
    expect((await approver.client.get(`/staff/recruitment/vacancies/${vacancy.id}/edit`)).statusCode).toBe(404);
    const live = await createVacancy(db(), { organisationId: employer });
    const recruiter = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['recruiter'] });
    expect((await recruiter.client.get(`/staff/recruitment/vacancies/${live.id}/edit`)).statusCode).toBe(404);
    const page = await recruiter.client.get(`/staff/recruitment/vacancies/${live.id}`);
    expect(page.body).toContain('Close early');
    expect(page.body).not.toContain('>Publish<');
  });
});
