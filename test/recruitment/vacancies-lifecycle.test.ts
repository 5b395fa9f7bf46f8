import { describe, expect, it } from 'vitest';
import { instantInEngland } from '../../src/shared/dates.js';
import { parseClockTime } from '../../src/modules/recruitment/vacancies/clock-times.js';
import { readVacancyForm } from '../../src/modules/recruitment/vacancies/schemas.js';
import { slugFor } from '../../src/modules/recruitment/vacancies/service.js';
import { createStaff } from '../support/accounts.js';
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
    expect(instantInEngland('2027-01-14', '17:00').toISOString()).toBe('2027-01-14T17:00:00.000Z');
    expect(instantInEngland('2027-07-14', '17:00').toISOString()).toBe('2027-07-14T16:00:00.000Z');
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

const form = (overrides: Record<string, string | string[]>, now: Date) => ({
  title: 'Building control surveyor',
  serviceArea: 'Building control',
  locationName: 'Matlock',
  postcode: 'DE4 3AG',
  salaryMin: '35000',
  salaryMax: '',
  salaryPeriod: 'annual',
  grade: '',
  hoursPerWeek: '37',
  workingPattern: 'full_time',
  contractType: 'permanent',
  ...dateFields('closesOn', new Date(now.getTime() + 10 * DAY_MS)),
  closesTime: '17:00',
  description: 'Check building work.',
  criterionKind: 'essential',
  criterionText: 'RICS or CABE membership',
  anonymisedShortlisting: 'yes',
  requiresDbs: 'no',
  ...overrides,
});

describe('the vacancy form’s rules', () => {
  const now = new Date('2027-02-01T10:00:00Z');
  const problems = (overrides: Record<string, string | string[]>) => {
    const result = readVacancyForm(form(overrides, now), now);
    return result.ok ? [] : result.errors.summary.map((error) => error.text);
  };

  it('takes a whole form, a single salary and no publishing date', () => {
    const result = readVacancyForm(form({}, now), now);
    expect(result.ok && result.input).toMatchObject({
      salaryMinPence: 3_500_000,
      salaryMaxPence: null,
      publishAt: null,
      hoursPerWeek: 37,
    });
  });

  it('refuses a closing date past, a publishing date after closing, a top salary below the bottom, too many hours', () => {
    expect(problems({ ...dateFields('closesOn', new Date(now.getTime() - DAY_MS)) })).toEqual([
      'Closing date must be in the future',
    ]);
    expect(problems({ ...dateFields('publishOn', new Date(now.getTime() + 20 * DAY_MS)), publishTime: '9am' })).toEqual(
      ['Publishing date must be before the closing date'],
    );
    expect(problems({ ...dateFields('publishOn', new Date(now.getTime() + DAY_MS)) })).toEqual([
      'Enter the publishing time, like 17:00 or 5pm',
    ]);
    expect(problems({ salaryMax: '30000' })).toEqual([
      'Highest salary must be the same as or more than the lowest salary',
    ]);
    expect(problems({ hoursPerWeek: '61' })).toEqual(['Hours a week must be more than 0 and no more than 60']);
    expect(problems({ closesTime: 'midnight' })).toHaveLength(1);
    expect(problems({ criterionKind: ['essential', 'desirable'], criterionText: ['', 'Nice'] })).toEqual([
      'Enter at least one essential criterion',
    ]);
  });
});

describe('changing a draft', () => {
  it('saves the form again, with a new slug, audited; a hiring manager of another organisation is refused', async () => {
    const employer = await organisationId(db(), 'E07000035');
    const now = new Date();
    const vacancy = await createVacancy(db(), { organisationId: employer, status: 'draft', now });
    const { client } = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['recruiter'] });
    const url = `/staff/recruitment/vacancies/${vacancy.id}/edit`;
    const elsewhere = await createStaff(db(), {
      organisationId: await organisationId(db(), 'E07000036'),
      roles: ['service_manager'],
    });
    const refused = await client.post(url, form({ hiringManager: String(elsewhere.id) }, now));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Select a service manager of your organisation as hiring manager');
    const manager = await createStaff(db(), { organisationId: employer, roles: ['service_manager'] });
    const saved = await client.post(url, form({ hiringManager: String(manager.id) }, now));
    expect(saved.statusCode).toBe(303);
    const row = await db()
      .selectFrom('vacancies')
      .select(['slug', 'title', 'hiring_manager_staff_id'])
      .where('id', '=', vacancy.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      slug: `building-control-surveyor-${vacancy.id}`,
      title: 'Building control surveyor',
      hiring_manager_staff_id: manager.id,
    });
    const panel = await db()
      .selectFrom('vacancy_panel_members')
      .select('staff_id')
      .where('vacancy_id', '=', vacancy.id)
      .execute();
    expect(panel).toEqual([{ staff_id: manager.id }]);
    const audit = await db()
      .selectFrom('audit_log')
      .select('action')
      .where('record_type', '=', 'vacancy')
      .where('record_id', '=', String(vacancy.id))
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(['update']);
    expect((await client.get(`/staff/recruitment/vacancies/${vacancy.id}/unknown-action`)).statusCode).toBe(404);
  });
});
