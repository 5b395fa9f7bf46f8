import { describe, expect, it } from 'vitest';
import { applicationStatuses } from '../../src/db/schema.js';
import { seedDemo } from '../../src/db/seed/demo.js';
import { vacancyPhase } from '../../src/modules/recruitment/vacancies/phase.js';
import { useTestApp } from '../support/app.js';
import { TestClient } from '../support/http.js';

const context = useTestApp();

describe('the recruitment demo', () => {
  it('holds live vacancies of three employers or more, applications at every stage, and an applicant who signs in', async () => {
    const db = context.database.db;
    let printed = '';
    const started = performance.now();
    await seedDemo(db, 'derbyshire', (text) => (printed += text));
    // The whole demo, cases included, stays quick: the first `npm start` waits for it.
    expect(performance.now() - started).toBeLessThan(20_000);

    const now = new Date();
    const vacancies = await db
      .selectFrom('vacancies')
      .select(['id', 'organisation_id', 'status', 'publish_at', 'closes_at', 'slug', 'title'])
      .execute();
    const live = vacancies.filter((vacancy) => vacancyPhase(vacancy, now) === 'live');
    expect(new Set(live.map((vacancy) => vacancy.organisation_id)).size).toBeGreaterThanOrEqual(3);
    const phases = vacancies.map((vacancy) => vacancyPhase(vacancy, now));
    expect(phases).toContain('closed');
    expect(phases).toContain('appointed');
    for (const vacancy of vacancies) expect(vacancy.slug).toMatch(new RegExp(`-${vacancy.id}$`));

    const counts = await db
      .selectFrom('applications')
      .select((eb) => ['status', eb.fn.countAll<string>().as('count')])
      .groupBy('status')
      .execute();
    const byStage = Object.fromEntries(counts.map((row) => [row.status, Number(row.count)]));
    for (const stage of applicationStatuses) expect(byStage[stage] ?? 0, stage).toBeGreaterThanOrEqual(1);

    // Each application beyond draft has its events, ending at its stage.
    const lastEvents = await db
      .selectFrom('applications')
      .leftJoin('application_events', 'application_events.application_id', 'applications.id')
      .select([
        'applications.id',
        'applications.status',
        'application_events.to_status',
        'application_events.created_at',
      ])
      .where('applications.status', '!=', 'draft')
      .orderBy('application_events.created_at')
      .execute();
    const last = new Map<number, string | null>();
    for (const row of lastEvents) last.set(row.id, row.to_status);
    for (const row of lastEvents) expect(last.get(row.id), `application ${row.id}`).toBe(row.status);

    const count = async (
      table: 'shortlist_scores' | 'equality_monitoring' | 'interview_slots' | 'reference_requests',
    ) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('shortlist_scores')).toBeGreaterThan(0);
    expect(await count('equality_monitoring')).toBeGreaterThan(0);
    expect(await count('interview_slots')).toBeGreaterThan(0);
    expect(await count('reference_requests')).toBe(1);
    const scorers = await db
      .selectFrom('shortlist_scores')
      .innerJoin('staff', 'staff.id', 'shortlist_scores.staff_id')
      .select('staff.roles')
      .distinct()
      .execute();
    expect(scorers.map((row) => row.roles)).toEqual([['service_manager']]);

    // The applicant: a profile, a saved job, a draft and a submitted application; and their password printed.
    const line = printed.split('\n').find((text) => text.includes('jobseeker@example.com'))!;
    const [email, password] = line.trim().split(/\s+/);
    const applicant = await db.selectFrom('citizens').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    expect(
      await db.selectFrom('applicant_profiles').select('citizen_id').where('citizen_id', '=', applicant.id).execute(),
    ).toHaveLength(1);
    expect(
      await db.selectFrom('saved_jobs').select('vacancy_id').where('citizen_id', '=', applicant.id).execute(),
    ).toHaveLength(1);
    const own = await db
      .selectFrom('applications')
      .select('status')
      .where('citizen_id', '=', applicant.id)
      .orderBy('status')
      .execute();
    expect(own.map((row) => row.status)).toEqual(['draft', 'submitted']);
    expect((await new TestClient(context.app).post('/account/sign-in', { email, password })).statusCode).toBe(303);

    // The recruiter sees Chesterfield's vacancies with their counts; the hiring manager signs in too.
    const recruiterLine = printed.split('\n').find((text) => text.includes('recruiter@chesterfield.example'))!;
    const [recruiterEmail, recruiterPassword] = recruiterLine.trim().split(/\s+/);
    const recruiter = new TestClient(context.app);
    expect(
      (await recruiter.post('/staff/sign-in', { email: recruiterEmail, password: recruiterPassword })).statusCode,
    ).toBe(303);
    const overview = await recruiter.get('/staff/recruitment');
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain('Housing officer');
    expect(overview.body).toContain('Customer services adviser');
    expect(overview.body).not.toContain('Highways inspector');
    const managerLine = printed.split('\n').find((text) => text.includes('hiring.manager@chesterfield.example'))!;
    const [managerEmail, managerPassword] = managerLine.trim().split(/\s+/);
    expect(
      (await new TestClient(context.app).post('/staff/sign-in', { email: managerEmail, password: managerPassword }))
        .statusCode,
    ).toBe(303);
  });
});
