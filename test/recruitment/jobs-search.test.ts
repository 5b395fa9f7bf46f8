import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { organisationId } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { errorSummary } from '../support/error-summary.js';
import { createVacancy } from '../support/recruitment.js';

/**
 * /jobs and /api/v1/jobs on this file's own database: only live vacancies, ranked full-text search,
 * each filter, paging, and a clear message (never a 500) for a value that cannot be read.
 */
const context = useTestApp();
let db: Kysely<Database>;
let county: number;
let dales: number;
const DAY_MS = 86_400_000;
let matlock: { latitude: number; longitude: number };

/** The titles of the results, in order, as the page lists them. */
const titlesOn = (html: string) =>
  [...html.matchAll(/<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="\/jobs\/[^"]+">([^<]+)<\/a>/g)].map(
    (match) => match[1],
  );

const page = (query: string) => context.app.inject({ method: 'GET', url: `/jobs?${query}` });
const api = (query: string) => context.app.inject({ method: 'GET', url: `/api/v1/jobs?${query}` });
const apiTitles = async (query: string) => {
  const response = await api(query);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { jobs: { title: string }[] }).jobs.map((job) => job.title);
};

beforeAll(async () => {
  db = context.database.db;
  county = await organisationId(db, 'E10000007');
  dales = await organisationId(db, 'E07000035');
  const point = await db
    .selectFrom('postcodes')
    .select(['latitude', 'longitude'])
    .where('postcode', '=', 'DE4 3AG')
    .executeTakeFirstOrThrow();
  matlock = { latitude: point.latitude, longitude: point.longitude };
  const now = new Date();
  const at = (northMiles: number) => ({
    latitude: matlock.latitude + northMiles / 69,
    longitude: matlock.longitude,
    postcode: 'DE4 3AG',
    location_name: 'Matlock',
  });

  // Ranking: the word in one title, and only in another's description.
  await createVacancy(db, {
    organisationId: county,
    title: 'Zebrafish keeper',
    description: 'Looking after the aquarium.',
    salary_min_pence: 2_400_000,
    salary_max_pence: 2_750_000,
    ...at(0),
  });
  await createVacancy(db, {
    organisationId: dales,
    title: 'Aquarium assistant',
    description: 'Helping the zebrafish keeper with the tanks.',
    salary_min_pence: 1250,
    salary_max_pence: 1250,
    salary_period: 'hourly',
    working_pattern: 'part_time',
    contract_type: 'temporary',
    closes_at: new Date(now.getTime() + 3 * DAY_MS),
    ...at(7),
  });
  await createVacancy(db, {
    organisationId: county,
    title: 'Zebrafish researcher far away',
    description: 'In the north.',
    salary_min_pence: 3_000_000,
    contract_type: 'fixed_term',
    ...at(40),
  });
  // None of these is live: none may ever appear.
  await createVacancy(db, { organisationId: county, title: 'Zebrafish draft', status: 'draft' });
  await createVacancy(db, { organisationId: county, title: 'Zebrafish awaiting', status: 'awaiting_approval' });
  await createVacancy(db, {
    organisationId: county,
    title: 'Zebrafish scheduled',
    publish_at: new Date(now.getTime() + DAY_MS),
  });
  await createVacancy(db, {
    organisationId: county,
    title: 'Zebrafish past deadline',
    closes_at: new Date(now.getTime() - 60_000),
  });
  await createVacancy(db, { organisationId: county, title: 'Zebrafish closed early', status: 'closed' });
  await createVacancy(db, { organisationId: county, title: 'Zebrafish cancelled', status: 'cancelled' });
  await createVacancy(db, { organisationId: county, title: 'Zebrafish appointed', status: 'appointed' });
  // Enough for three pages of "paging".
  for (let index = 1; index <= 45; index += 1)
    await createVacancy(db, {
      organisationId: dales,
      title: `Pagination clerk ${String(index).padStart(2, '0')}`,
      closes_at: new Date(now.getTime() + (10 + index) * 60_000 + DAY_MS),
    });
}, 60_000);

describe('the keyword search', () => {
  it('ranks a title match above a description match, and shows only live vacancies', async () => {
    const titles = await apiTitles('q=zebrafish');
    expect(titles[0]).toMatch(/^Zebrafish /);
    expect(titles).toContain('Aquarium assistant');
    expect(titles.indexOf('Aquarium assistant')).toBe(titles.length - 1);
    expect(titles.sort()).toEqual(['Aquarium assistant', 'Zebrafish keeper', 'Zebrafish researcher far away']);
  });

  it('reads keywords as a web search does: a phrase, and a word left out', async () => {
    expect(await apiTitles('q=%22zebrafish+keeper%22')).toEqual(
      expect.arrayContaining(['Zebrafish keeper', 'Aquarium assistant']),
    );
    expect(await apiTitles('q=zebrafish+-aquarium')).toEqual(['Zebrafish researcher far away']);
  });

  it('lists the results on the page with the count in a heading, employer, location, salary and closing date', async () => {
    const response = await page('q=zebrafish+keeper');
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/<h2 class="govuk-heading-m" id="results-heading">2 jobs found<\/h2>/);
    expect(titlesOn(response.body)).toEqual(['Zebrafish keeper', 'Aquarium assistant']);
    expect(response.body).toContain('£24,000 to £27,500 a year');
    expect(response.body).toContain('£12.50 an hour');
    expect(response.body).toContain('Derbyshire County Council');
    expect(response.body).toContain('Matlock, DE4 3AG');
    expect(response.body).toMatch(/Closes<\/dt>\s*<dd class="govuk-summary-list__value">\d+ \w+ 20\d\d at/);
    expect(response.body).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(response.body).toContain('href="/jobs/feed.atom?q=zebrafish+keeper"');
    expect(response.body).not.toMatch(/undefined|NaN|\[object/);
    expect((await page('')).body).not.toMatch(/undefined|NaN|\[object/);
    expect((await page('salary=x')).body).not.toMatch(/undefined|NaN|\[object/);
  });

  it('never lists a vacancy that is not live, with or without keywords', async () => {
    for (const query of ['q=zebrafish', '', 'sort=newest']) {
      const all: string[] = [];
      for (let number = 1; number <= 4; number += 1) all.push(...(await apiTitles(`${query}&page=${number}`)));
      expect(
        all.filter((title) => /draft|awaiting|scheduled|past deadline|closed|cancelled|appointed/.test(title)),
      ).toEqual([]);
    }
  });
});

describe('the filters', () => {
  it('narrows to one employer', async () => {
    expect((await apiTitles(`q=zebrafish&employer=${dales}`)).sort()).toEqual(['Aquarium assistant']);
  });

  it('finds jobs within a distance of a postcode, and says how far each is', async () => {
    expect((await apiTitles('q=zebrafish&postcode=de43ag&distance=10')).sort()).toEqual([
      'Aquarium assistant',
      'Zebrafish keeper',
    ]);
    expect(await apiTitles('q=zebrafish&postcode=DE4+3AG&distance=5')).toEqual(['Zebrafish keeper']);
    expect((await apiTitles('q=zebrafish&postcode=DE4+3AG&distance=50')).length).toBe(3);
    const response = await page('q=zebrafish&postcode=DE4+3AG&distance=10&sort=distance');
    expect(titlesOn(response.body)).toEqual(['Zebrafish keeper', 'Aquarium assistant']);
    expect(response.body).toContain('(0 miles away)');
    expect(response.body).toMatch(/\(7(\.0)? miles away\)/);
  });

  it('compares a minimum salary with an hourly rate as 37 hours for 52 weeks', async () => {
    // £12.50 × 1,924 = £24,050 a year.
    expect((await apiTitles('q=zebrafish&salary=24050')).sort()).toEqual([
      'Aquarium assistant',
      'Zebrafish keeper',
      'Zebrafish researcher far away',
    ]);
    expect((await apiTitles('q=zebrafish&salary=%C2%A324%2C051')).sort()).toEqual([
      'Zebrafish keeper',
      'Zebrafish researcher far away',
    ]);
    expect(await apiTitles('q=zebrafish&salary=28000')).toEqual(['Zebrafish researcher far away']);
    expect((await page('')).body).toContain('37 hours a week for 52 weeks');
  });

  it('filters by hours, contract type and closing within 7 days', async () => {
    expect(await apiTitles('q=zebrafish&hours=part_time')).toEqual(['Aquarium assistant']);
    expect((await apiTitles('q=zebrafish&hours=full_time')).sort()).toEqual([
      'Zebrafish keeper',
      'Zebrafish researcher far away',
    ]);
    expect((await apiTitles('q=zebrafish&contract=temporary&contract=fixed_term')).sort()).toEqual([
      'Aquarium assistant',
      'Zebrafish researcher far away',
    ]);
    expect(await apiTitles('q=zebrafish&closing=soon')).toEqual(['Aquarium assistant']);
  });
});

describe('paging', () => {
  it('shows 20 a page in closing order, with GOV.UK pagination links that keep the search', async () => {
    const first = await page('q=pagination');
    expect(first.body).toContain('45 jobs found');
    expect(titlesOn(first.body)).toHaveLength(20);
    expect(titlesOn(first.body)[0]).toBe('Pagination clerk 01');
    expect(first.body).toContain('href="/jobs?q=pagination&amp;page=2"');
    const third = await page('q=pagination&sort=closing&page=3');
    expect(titlesOn(third.body)).toEqual([
      'Pagination clerk 41',
      'Pagination clerk 42',
      'Pagination clerk 43',
      'Pagination clerk 44',
      'Pagination clerk 45',
    ]);
    const body = (await api('q=pagination&page=2')).json();
    expect(body).toMatchObject({ total: 45, page: 2, pages: 3, perPage: 20, sort: 'relevance' });
    expect(body.links.next).toMatch(/\/api\/v1\/jobs\?q=pagination&page=3$/);
    expect(body.links.previous).toMatch(/\/api\/v1\/jobs\?q=pagination$/);
  });

  it('sorts by newest first when asked', async () => {
    const titles = await apiTitles('q=zebrafish&sort=newest');
    expect(titles).toHaveLength(3);
  });

  it('a page past the end offers the first page', async () => {
    const response = await page('q=pagination&page=9');
    expect(response.statusCode).toBe(200);
    expect(titlesOn(response.body)).toEqual([]);
    expect(response.body).toContain('go to the first page');
  });
});

describe('values that cannot be read', () => {
  it('puts a message beside the field on the page, never a server error', async () => {
    const cases: [string, string, string][] = [
      ['postcode=ZZ99+9ZZ', '#postcode', 'ZZ99 9ZZ is not in our list of postcodes'],
      ['postcode=not+a+postcode', '#postcode', 'Enter a real postcode'],
      ['salary=lots', '#salary', 'Enter the minimum salary as a number of pounds a year'],
      ['employer=999999', '#employer', 'Choose an employer from the list'],
      ['employer=abc', '#employer', 'Choose an employer from the list'],
      ['distance=7', '#distance', 'Choose a distance from the list'],
      ['hours=sometimes', '#hours', 'Choose full time, part time or any'],
      ['contract=forever', '#contract', 'Choose contract types from the list'],
      [`q=${'x'.repeat(101)}`, '#q', 'Enter 100 characters or fewer'],
    ];
    for (const [query, href, message] of cases) {
      const response = await page(query);
      expect(response.statusCode, query).toBe(400);
      const summary = errorSummary(response.body);
      expect(summary[0]?.href, query).toBe(href);
      expect(summary[0]?.text, query).toContain(message);
      expect(response.body, query).toContain('govuk-error-message');
    }
  });

  it('answers the API with its errors shape and a code per field', async () => {
    expect((await api('salary=lots')).json()).toEqual({
      errors: [{ code: 'invalid_salary', message: expect.stringContaining('number of pounds') }],
    });
    const unknown = await api('postcode=ZZ99+9ZZ');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().errors[0].code).toBe('postcode_not_found');
    expect((await api('employer=999999')).json().errors[0].code).toBe('employer_not_found');
    expect((await api('hours=x')).statusCode).toBe(400);
  });

  it('takes odd keywords as words, and a repeated parameter as its first value', async () => {
    for (const q of ['"', '(', '!', '&|', "'", 'or', '<script>', 'zebrafish:*', '\\']) {
      const response = await api(`q=${encodeURIComponent(q)}`);
      expect(response.statusCode, q).toBe(200);
    }
    expect((await page('q=zebrafish&q=pagination')).body).toContain('3 jobs found');
  });
});
