import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationStatus, Database } from '../../src/db/schema.js';
import { adverseImpact, suppressColumn } from '../../src/modules/recruitment/equality/figures.js';
import { organisationId, signedInStaff } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { errorSummary } from '../support/error-summary.js';
import type { TestClient } from '../support/http.js';
import { createApplication, createVacancy } from '../support/recruitment.js';

const context = useTestApp();
let db: Kysely<Database>;
let dales: number;
let county: number;
let analyst: TestClient;

beforeAll(async () => {
  db = context.database.db;
  dales = await organisationId(db, 'E07000035');
  county = await organisationId(db, 'E10000007');
  analyst = (await signedInStaff(context.app, db, { organisationId: dales, roles: ['analyst'] })).client;
});

/** The path an application took through the pipeline, as its events record it. */
const paths: Record<string, ApplicationStatus[]> = {
  rejected: ['submitted', 'unsuccessful'],
  shortlisted: ['submitted', 'shortlisted', 'unsuccessful'],
  interviewed: ['submitted', 'shortlisted', 'interview_invited', 'interview_booked', 'interviewed', 'unsuccessful'],
  offered: [
    'submitted',
    'shortlisted',
    'interview_invited',
    'interview_booked',
    'interviewed',
    'conditional_offer',
    'offer_declined',
  ],
  appointed: [
    'submitted',
    'shortlisted',
    'interview_invited',
    'interview_booked',
    'interviewed',
    'conditional_offer',
    'offer_accepted',
    'pre_employment_checks',
    'appointed',
  ],
};

/** An application that went along `path`, with its events and its equality answers. */
async function monitoredApplication(vacancyId: number, path: ApplicationStatus[], answers: Record<string, string>) {
  const application = await createApplication(db, { vacancyId, status: path.at(-1)! });
  let from: ApplicationStatus = 'draft';
  for (const to of path) {
    await db
      .insertInto('application_events')
      .values({ application_id: application.id, from_status: from, to_status: to })
      .execute();
    from = to;
  }
  await db
    .insertInto('equality_monitoring')
    .values({ application_id: application.id, vacancy_id: vacancyId, ...answers })
    .execute();
  return application;
}

/** The cells of the table captioned `caption`, row by row, as text. */
function table(html: string, caption: string): string[][] {
  const start = html.indexOf(`<caption class="govuk-table__caption govuk-table__caption--m">${caption}</caption>`);
  if (start < 0) throw new Error(`No table ${caption}`);
  const body = html.slice(start, html.indexOf('</table>', start));
  return [...body.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)]
    .map((row) => [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1].trim()))
    .filter((cells) => !cells.some((cell) => cell === 'Applied'));
}

describe('suppressing small groups', () => {
  it('hides counts of 1 to 4, and the next smallest when one alone is hidden', () => {
    expect(suppressColumn([10, 3, 7], 20)).toEqual({ cells: [10, 'fewer', 'withheld'], total: 20 });
    expect(suppressColumn([10, 3, 2, 7], 22)).toEqual({ cells: [10, 'fewer', 'fewer', 7], total: 22 });
    expect(suppressColumn([12, 0, 8], 20)).toEqual({ cells: [12, 0, 8], total: 20 });
    expect(suppressColumn([3, 1], 4)).toEqual({ cells: ['fewer', 'fewer'], total: 'fewer' });
    // A zero beside the one small count would not hide it: the smallest other count that is not 0 is withheld.
    expect(suppressColumn([9, 0, 2], 11)).toEqual({ cells: ['withheld', 0, 'fewer'], total: 11 });
  });
});

describe('the adverse-impact arithmetic', () => {
  it('rates each group against the highest, flagging below four-fifths and leaving out small groups', () => {
    const make = (sex: string, shortlisted: boolean) => ({
      answers: { sex } as never,
      reached: { submitted: true, shortlisted, interviewed: false, conditional_offer: false, appointed: false },
    });
    const applications = [
      ...Array.from({ length: 10 }, (_, index) => make('female', index < 6)), // 60%
      ...Array.from({ length: 10 }, (_, index) => make('male', index < 4)), // 40%
    ];
    const sift = adverseImpact(applications)
      .find((item) => item.field === 'sex')!
      .points.find((point) => point.key === 'sift')!;
    expect(sift.groups).toEqual([
      { name: 'Female', entered: 10, rate: 0.6, ratio: 1, flagged: false },
      { name: 'Male', entered: 10, rate: 0.4, ratio: 0.4 / 0.6, flagged: true },
    ]);
    const few = adverseImpact(applications.slice(0, 14)).find((item) => item.field === 'sex')!.points[0];
    expect(few.groups[1]).toEqual({ name: 'Male', entered: null, rate: null, ratio: null, flagged: false });
  });
});

describe('the equality reports', () => {
  it('counts each stage by answer for a vacancy of the organisation, small groups hidden', async () => {
    const vacancy = await createVacancy(db, { organisationId: dales, title: 'Countryside ranger' });
    const plan: [string, string, number][] = [
      // [path, sex, how many]
      ['rejected', 'female', 4],
      ['shortlisted', 'female', 3],
      ['appointed', 'female', 1],
      ['rejected', 'male', 7],
      ['interviewed', 'male', 2],
      ['rejected', 'prefer_not_to_say', 2],
    ];
    const inserted: { sex: string; path: ApplicationStatus[] }[] = [];
    for (const [path, sex, count] of plan)
      for (let index = 0; index < count; index += 1) {
        await monitoredApplication(vacancy.id, paths[path], { sex });
        inserted.push({ sex, path: paths[path] });
      }
    // A draft that never reached submitted is not counted; nor another vacancy's applicant.
    await monitoredApplication(vacancy.id, [], { sex: 'female' });
    const other = await createVacancy(db, { organisationId: dales });
    await monitoredApplication(other.id, paths.rejected, { sex: 'female' });

    const page = await analyst.get(`/staff/recruitment/vacancies/${vacancy.id}/equality`);
    expect(page.statusCode).toBe(200);
    const counted = (sex: string | null, stage: ApplicationStatus) =>
      inserted.filter((item) => (sex === null || item.sex === sex) && item.path.includes(stage)).length;
    // Computed from the rows: applied 8 female, 9 male, 2 prefer not to say.
    expect([counted('female', 'submitted'), counted('male', 'submitted')]).toEqual([8, 9]);
    const sex = table(page.body, 'Sex');
    // Prefer not to say is 2 at applied, hidden; female's 8, the smallest other count, is withheld with it.
    // At shortlisting 4 women and 2 men: both hidden, nothing more needed. From interview on, the
    // column's total is under 5, so all of it is hidden.
    const fewer = 'fewer than 5';
    expect(sex[0]).toEqual(['Female', 'not shown', fewer, fewer, fewer, fewer]);
    expect(sex[1]).toEqual(['Male', '9', fewer, fewer, fewer, fewer]);
    expect(sex[2]).toEqual(['Prefer not to say', fewer, '0', fewer, fewer, fewer]);
    expect(sex.at(-1)).toEqual([
      'All who answered',
      String(counted(null, 'submitted')),
      String(counted(null, 'shortlisted')),
      'fewer than 5',
      'fewer than 5',
      'fewer than 5',
    ]);
    expect(page.body).not.toMatch(/>\s*[1-4]\s*</);
  });

  it('is for the organisation’s own vacancies only, and for those who may see figures', async () => {
    const theirs = await createVacancy(db, { organisationId: county });
    expect((await analyst.get(`/staff/recruitment/vacancies/${theirs.id}/equality`)).statusCode).toBe(404);
    const officer = (await signedInStaff(context.app, db, { organisationId: dales, roles: ['service_officer'] }))
      .client;
    const ours = await createVacancy(db, { organisationId: dales });
    expect((await officer.get(`/staff/recruitment/vacancies/${ours.id}/equality`)).statusCode).toBe(403);
    expect((await officer.get('/staff/recruitment/adverse-impact')).statusCode).toBe(403);
  });

  it('reports pass rates at sift, interview and offer across the period, flagged under four-fifths', async () => {
    const closesAt = new Date('2031-03-10T12:00:00Z');
    const first = await createVacancy(db, { organisationId: dales, closes_at: closesAt });
    const second = await createVacancy(db, { organisationId: dales, closes_at: new Date('2031-03-20T12:00:00Z') });
    const outside = await createVacancy(db, { organisationId: dales, closes_at: new Date('2031-06-01T12:00:00Z') });
    const theirs = await createVacancy(db, { organisationId: county, closes_at: closesAt });
    // Under 35s: 10 applied, 8 shortlisted. 45 to 54: 10 applied, 3 shortlisted. 65 or over: 3 (too few).
    for (let index = 0; index < 10; index += 1)
      await monitoredApplication(index % 2 ? first.id : second.id, index < 8 ? paths.interviewed : paths.rejected, {
        age_band: '25-34',
      });
    for (let index = 0; index < 10; index += 1)
      await monitoredApplication(index % 2 ? first.id : second.id, index < 3 ? paths.shortlisted : paths.rejected, {
        age_band: '45-54',
      });
    for (let index = 0; index < 3; index += 1)
      await monitoredApplication(first.id, paths.rejected, { age_band: '65+' });
    await monitoredApplication(outside.id, paths.rejected, { age_band: '25-34' });
    await monitoredApplication(theirs.id, paths.rejected, { age_band: '25-34' });

    const page = await analyst.get(
      '/staff/recruitment/adverse-impact?from-day=1&from-month=3&from-year=2031&to-day=31&to-month=3&to-year=2031',
    );
    expect(page.statusCode).toBe(200);
    const start = page.body.indexOf('<h2 class="govuk-heading-m">Age</h2>');
    const sift = page.body.slice(start, page.body.indexOf('</table>', start));
    const row = (name: string) => {
      const match = new RegExp(`<th[^>]*>${name}</th>([\\s\\S]*?)</tr>`).exec(sift);
      return [...(match?.[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) =>
        cell[1].replace(/<[^>]+>/g, '').trim(),
      );
    };
    expect(row('25 to 34')).toEqual(['10', '80%', '1', '']);
    expect(row('45 to 54')).toEqual(['10', '30%', String(Math.round((0.3 / 0.8) * 100) / 100), 'Below four-fifths']);
    expect(row('65 or over')).toEqual(['fewer than 5', '–', '–', '']);

    const bad = await analyst.get('/staff/recruitment/adverse-impact?from-day=31&from-month=2&from-year=2031');
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toEqual([
      { text: 'The start of the period must be a real date', href: '#from-day' },
    ]);
  });
});

describe('equality answers kept apart', () => {
  it('shows nothing of one applicant’s answers, even on the report', async () => {
    const vacancy = await createVacancy(db, { organisationId: dales });
    await monitoredApplication(vacancy.id, paths.rejected, { sex: 'female', religion_belief: 'jewish' });
    const page = await analyst.get(`/staff/recruitment/vacancies/${vacancy.id}/equality`);
    const religion = table(page.body, 'Religion or belief');
    expect(religion.flat().filter((cell) => /^\d+$/.test(cell) && cell !== '0')).toEqual([]);
  });

  it('is read only by the equality reports and the applicant’s own pages and download', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const root = path.resolve('src');
    const readers: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const file = path.join(folder, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (
          /\.(ts|njk)$/.test(entry.name) &&
          /['"`]equality_monitoring|(from|join)\s+equality_monitoring/i.test(readFileSync(file, 'utf8'))
        )
          readers.push(path.relative(root, file));
      }
    };
    walk(root);
    expect(readers.filter((file) => !file.startsWith('db/')).sort()).toEqual([
      'modules/recruitment/applying/your-data-repository.ts',
      'modules/recruitment/equality/repository.ts',
    ]);
  });
});
