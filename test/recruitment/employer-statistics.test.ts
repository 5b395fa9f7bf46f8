import { describe, expect, it } from 'vitest';
import { recruitmentFigures } from '../../src/modules/recruitment/employer/statistics.js';
import { organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { createApplication, createVacancy } from '../support/recruitment.js';

const context = useTestApp();
const db = () => context.database.db;
const DAY_MS = 86_400_000;
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe('recruitment figures', () => {
  it('counts channels, the online share, the median time to hire, packs saved and vacancies filled, from the rows', async () => {
    const employer = await organisationId(db(), 'E07000038');
    const other = await organisationId(db(), 'E07000039');
    await db()
      .insertInto('recruitment_employer_settings')
      .values({ organisation_id: employer, paper_pack_cost_pence: 500 })
      .onConflict((c) => c.column('organisation_id').doUpdateSet({ paper_pack_cost_pence: 500 }))
      .execute();
    const posted = day('2026-03-01');
    const filled = await createVacancy(db(), {
      organisationId: employer,
      posted_at: posted,
      closes_at: day('2026-03-20'),
      status: 'appointed',
    });
    const notFilled = await createVacancy(db(), {
      organisationId: employer,
      posted_at: posted,
      closes_at: day('2026-04-10'),
      status: 'not_filled',
    });
    const elsewhere = await createVacancy(db(), {
      organisationId: other,
      posted_at: posted,
      closes_at: day('2026-03-20'),
      status: 'appointed',
    });

    const submitted = (
      vacancyId: number,
      on: string,
      channel: 'online' | 'paper',
      status: 'submitted' | 'appointed' | 'draft' = 'submitted',
    ) => createApplication(db(), { vacancyId, channel, status, submitted_at: status === 'draft' ? null : day(on) });
    await submitted(filled.id, '2026-03-05', 'online');
    await submitted(filled.id, '2026-03-06', 'online');
    await submitted(filled.id, '2026-03-07', 'paper');
    await submitted(filled.id, '2026-03-08', 'online', 'draft');
    await submitted(notFilled.id, '2026-03-09', 'online');
    await submitted(notFilled.id, '2025-12-01', 'online'); // before the period
    await submitted(elsewhere.id, '2026-03-05', 'online'); // another employer
    // Two appointments: 20 and 31 days after posting; the median is 25.5.
    const first = await submitted(filled.id, '2026-03-10', 'online', 'appointed');
    const second = await submitted(notFilled.id, '2026-03-10', 'paper', 'appointed');
    await db()
      .insertInto('application_events')
      .values([
        {
          application_id: first.id,
          from_status: 'pre_employment_checks',
          to_status: 'appointed',
          created_at: new Date(posted.getTime() + 20 * DAY_MS),
        },
        {
          application_id: second.id,
          from_status: 'pre_employment_checks',
          to_status: 'appointed',
          created_at: new Date(posted.getTime() + 31 * DAY_MS),
        },
      ])
      .execute();

    const figures = await recruitmentFigures(db(), {
      organisationIds: [employer],
      from: day('2026-01-01'),
      to: day('2026-12-31'),
    });
    // Online: 2 + 1 + the first appointed = 4; paper: 1 + the second appointed = 2.
    expect(figures).toEqual({
      applicationsOnline: 4,
      applicationsPaper: 2,
      onlineShare: 4 / 6,
      appointments: 2,
      medianDaysToHire: 25.5,
      paperPacksSavedPence: 4 * 500,
      vacanciesFilled: 1,
      vacanciesNotFilled: 1,
    });
    const both = await recruitmentFigures(db(), {
      organisationIds: [employer, other],
      from: day('2026-01-01'),
      to: day('2026-12-31'),
    });
    // The other employer has no settings row: the default pack cost, 450p.
    expect(both.applicationsOnline).toBe(5);
    expect(both.paperPacksSavedPence).toBe(4 * 500 + 450);
    expect(both.vacanciesFilled).toBe(2);
    const none = await recruitmentFigures(db(), {
      organisationIds: [employer],
      from: day('2027-01-01'),
      to: day('2027-02-01'),
    });
    expect(none).toMatchObject({ applicationsOnline: 0, onlineShare: null, medianDaysToHire: null });
  });

  it('shows a recruiter their own organisation’s figures; refuses staff without the capability; checks the period', async () => {
    const employer = await organisationId(db(), 'E07000038');
    const recruiter = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['recruiter'] });
    const page = await recruiter.client.get(
      '/staff/recruitment/statistics?from-day=1&from-month=1&from-year=2026&to-day=31&to-month=12&to-year=2026',
    );
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Applications online');
    expect(page.body).not.toContain('name="organisation"');
    const bad = await recruiter.client.get('/staff/recruitment/statistics?from-day=31&from-month=2&from-year=2026');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('From date must be a real date');
    const officer = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['service_officer'] });
    expect((await officer.client.get('/staff/recruitment/statistics')).statusCode).toBe(403);
    const analyst = await signedInStaff(context.app, db(), {
      organisationId: await organisationId(db(), 'E10000007'),
      roles: ['analyst'],
    });
    const every = await analyst.client.get(`/staff/recruitment/statistics?organisation=${employer}`);
    expect(every.statusCode).toBe(200);
    expect(every.body).toContain('name="organisation"');
  });
});

describe('the overview', () => {
  it('lists only my organisation’s vacancies, counts applications per stage without drafts, and filters by phase', async () => {
    const employer = await organisationId(db(), 'E07000032');
    const now = new Date();
    const live = await createVacancy(db(), { organisationId: employer, title: 'Planning officer', now });
    const draft = await createVacancy(db(), { organisationId: employer, title: 'Draft job', status: 'draft', now });
    const closed = await createVacancy(db(), {
      organisationId: employer,
      title: 'Closed job',
      closes_at: new Date(now.getTime() - DAY_MS),
      now,
    });
    const foreign = await createVacancy(db(), {
      organisationId: await organisationId(db(), 'E07000033'),
      title: 'Someone else’s job',
      now,
    });
    for (const status of ['submitted', 'submitted', 'shortlisted', 'interview_booked', 'draft'] as const)
      await createApplication(db(), { vacancyId: live.id, status });
    const { client } = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['recruiter'] });
    const all = await client.get('/staff/recruitment');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Planning officer');
    expect(all.body).not.toContain('Someone else’s job');
    const row = /Planning officer[\s\S]*?<\/tr>/.exec(all.body)![0];
    const numbers = [...row.matchAll(/govuk-table__cell--numeric">(\d+)</g)].map((match) => Number(match[1]));
    expect(numbers).toEqual([2, 1, 1, 0, 0, 0, 4]);
    const onlyClosed = await client.get('/staff/recruitment?phase=closed');
    expect(onlyClosed.body).toContain('Closed job');
    expect(onlyClosed.body).not.toContain('Planning officer');
    const onlyDraft = await client.get('/staff/recruitment?phase=draft');
    expect(onlyDraft.body).toContain('Draft job');
    void draft;
    void closed;
    void foreign;
    const officer = await signedInStaff(context.app, db(), { organisationId: employer, roles: ['service_officer'] });
    expect((await officer.client.get('/staff/recruitment')).statusCode).toBe(403);
  });
});
