import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { organisationId } from '../support/accounts.js';
import { useTestApp } from '../support/app.js';
import { createVacancy, signedInApplicant } from '../support/recruitment.js';

/** /jobs/{slug-or-id}: every field, the apply and save forms, and JobPosting JSON-LD only while live. */
const context = useTestApp();
let db: Kysely<Database>;
let county: number;
const DAY_MS = 86_400_000;

const get = (url: string) => context.app.inject({ method: 'GET', url });

/** The page's JSON-LD blocks, parsed. */
function jsonLdOf(html: string): Record<string, unknown>[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map(
    (match) => JSON.parse(match[1]) as Record<string, unknown>,
  );
}

let live: Awaited<ReturnType<typeof createVacancy>>;

beforeAll(async () => {
  db = context.database.db;
  county = await organisationId(db, 'E10000007');
  await db
    .updateTable('organisations')
    .set({ homepage_url: 'https://www.derbyshire.gov.uk/' })
    .where('id', '=', county)
    .execute();
  live = await createVacancy(db, {
    organisationId: county,
    title: 'Library assistant',
    slug: 'library-assistant-lib1',
    service_area: 'Libraries',
    location_name: 'Matlock',
    postcode: 'DE4 3AG',
    latitude: 53.138,
    longitude: -1.556,
    salary_min_pence: 2_400_000,
    salary_max_pence: 2_750_000,
    grade: 'Grade 6',
    hours_per_week: 37,
    working_pattern: 'full_time',
    contract_type: 'fixed_term',
    description: 'Help people find books.\n\nRun reading groups for children & adults.',
    closes_at: new Date('2099-01-15T17:00:00Z'),
    posted_at: new Date('2026-11-20T09:00:00Z'),
  });
  await db
    .insertInto('vacancy_documents')
    .values({
      vacancy_id: live.id,
      kind: 'job_description',
      file_name: 'job-description.pdf',
      content_type: 'application/pdf',
      size_bytes: 20_480,
      bytes: new Uint8Array([37, 80, 68, 70]),
    })
    .execute();
});

describe('a live vacancy’s page', () => {
  it('shows every field, the criteria and the documents', async () => {
    const response = await get('/jobs/library-assistant-lib1');
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain('<h1 class="govuk-heading-l">Library assistant</h1>');
    expect(html).toContain('£24,000 to £27,500 a year, Grade 6');
    expect(html).toContain('37 hours a week, full time');
    expect(html).toContain('Fixed term');
    expect(html).toContain('Matlock, DE4 3AG');
    expect(html).toContain('Libraries');
    // 17:00 UTC in January is 5pm in England.
    expect(html).toContain('15 January 2099 at 5:00pm (UK time)');
    expect(html).toContain('<p class="govuk-body">Help people find books.</p>');
    expect(html).toContain('<p class="govuk-body">Run reading groups for children &amp; adults.</p>');
    expect(html).toContain('Experience of working with the public');
    expect(html).toMatch(
      /Desirable<\/h3>\s*<ul class="govuk-list govuk-list--bullet">\s*<li>Knowledge of local government/,
    );
    expect(html).toMatch(
      /href="\/jobs\/library-assistant-lib1\/documents\/\d+">Job description: job-description.pdf<\/a>/,
    );
    expect(html).toContain('(20 KB)');
    expect(html).not.toMatch(/undefined|NaN|\[object/);
  });

  it('has an apply button posting with a CSRF token, and a sign-in link to save it', async () => {
    const html = (await get('/jobs/library-assistant-lib1')).body;
    expect(html).toMatch(
      /<form method="post" action="\/jobs\/library-assistant-lib1\/apply" novalidate>\s*<input type="hidden" name="_csrf" value="[^"]+">/,
    );
    expect(html).toContain('govuk-button--start');
    expect(html).toContain('href="/account/sign-in?next=%2Fjobs%2Flibrary-assistant-lib1"');
    expect(html).not.toContain('action="/jobs/library-assistant-lib1/save"');
  });

  it('offers a signed-in applicant a form to save it, and says when it is saved', async () => {
    const { client, applicant } = await signedInApplicant(context.app, db);
    const before = (await client.get('/jobs/library-assistant-lib1')).body;
    expect(before).toMatch(
      /<form method="post" action="\/jobs\/library-assistant-lib1\/save" novalidate>\s*<input type="hidden" name="_csrf"/,
    );
    await db.insertInto('saved_jobs').values({ citizen_id: applicant.id, vacancy_id: live.id }).execute();
    const after = (await client.get('/jobs/library-assistant-lib1')).body;
    expect(after).toContain('You have saved this job');
    expect(after).not.toContain('action="/jobs/library-assistant-lib1/save"');
  });

  it('moves its numeric address to its slug for good', async () => {
    const response = await get(`/jobs/${live.id}`);
    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe('/jobs/library-assistant-lib1');
  });

  it('carries JobPosting JSON-LD with every field Google requires and recommends', async () => {
    const [posting] = jsonLdOf((await get('/jobs/library-assistant-lib1')).body);
    expect(posting).toEqual({
      '@context': 'https://schema.org/',
      '@type': 'JobPosting',
      title: 'Library assistant',
      description: '<p>Help people find books.</p><p>Run reading groups for children &amp; adults.</p>',
      datePosted: '2026-11-20T09:00:00.000Z',
      validThrough: '2099-01-15T17:00:00.000Z',
      url: 'http://localhost:3000/jobs/library-assistant-lib1',
      identifier: { '@type': 'PropertyValue', name: 'Derbyshire County Council', value: String(live.id) },
      hiringOrganization: {
        '@type': 'Organization',
        name: 'Derbyshire County Council',
        sameAs: 'https://www.derbyshire.gov.uk/',
      },
      jobLocation: {
        '@type': 'Place',
        address: {
          '@type': 'PostalAddress',
          addressLocality: 'Matlock',
          postalCode: 'DE4 3AG',
          addressRegion: 'Derbyshire',
          addressCountry: 'GB',
        },
        geo: { '@type': 'GeoCoordinates', latitude: 53.138, longitude: -1.556 },
      },
      baseSalary: {
        '@type': 'MonetaryAmount',
        currency: 'GBP',
        value: { '@type': 'QuantitativeValue', minValue: 24000, maxValue: 27500, unitText: 'YEAR' },
      },
      employmentType: ['FULL_TIME', 'CONTRACTOR'],
      directApply: true,
    });
  });

  it('gives an hourly, part-time, temporary job HOUR and PART_TIME, TEMPORARY', async () => {
    await createVacancy(db, {
      organisationId: county,
      slug: 'relief-cook-hourly',
      title: 'Relief cook',
      salary_min_pence: 1250,
      salary_period: 'hourly',
      working_pattern: 'part_time',
      contract_type: 'temporary',
    });
    const response = await get('/jobs/relief-cook-hourly');
    expect(response.body).toContain('£12.50 an hour');
    const [posting] = jsonLdOf(response.body);
    expect(posting.baseSalary).toMatchObject({ value: { minValue: 12.5, maxValue: 12.5, unitText: 'HOUR' } });
    expect(posting.employmentType).toEqual(['PART_TIME', 'TEMPORARY']);
  });

  it('escapes a hostile title so that it cannot end the script element', async () => {
    const hostile = '</script><script>alert(1)</script>';
    await createVacancy(db, { organisationId: county, slug: 'hostile-title', title: hostile, description: hostile });
    const html = (await get('/jobs/hostile-title')).body;
    expect(html).not.toContain('<script>alert(1)');
    const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1];
    expect(block).toContain('\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
    const [posting] = jsonLdOf(html);
    expect(posting.title).toBe(hostile);
    expect(posting.description).toBe('<p>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
  });

  it('is served under a CSP that lets no script run without the nonce', async () => {
    const response = await get('/jobs/library-assistant-lib1');
    expect(String(response.headers['content-security-policy'])).toMatch(/script-src 'self' 'nonce-[^']+'/);
  });
});

describe('a vacancy that is not live', () => {
  it('says clearly a closed vacancy is closed, with no apply button and no JSON-LD', async () => {
    const now = Date.now();
    const cases = [
      { slug: 'past-deadline', closes_at: new Date(now - DAY_MS) },
      { slug: 'closed-early', status: 'closed' as const, closed_at: new Date(now - DAY_MS) },
      { slug: 'appointed-one', status: 'appointed' as const, closes_at: new Date(now - 2 * DAY_MS) },
      { slug: 'not-filled-one', status: 'not_filled' as const, closes_at: new Date(now - 2 * DAY_MS) },
    ];
    for (const fields of cases) {
      await createVacancy(db, { organisationId: county, title: `Closed ${fields.slug}`, ...fields });
      const response = await get(`/jobs/${fields.slug}`);
      expect(response.statusCode, fields.slug).toBe(200);
      expect(response.body, fields.slug).toContain('This job is closed');
      expect(response.body, fields.slug).toContain('You can no longer apply');
      expect(response.body, fields.slug).not.toContain('/apply"');
      expect(response.body, fields.slug).not.toContain('application/ld+json');
    }
  });

  it('is not there at all while draft, awaiting approval, scheduled or cancelled', async () => {
    const cases = [
      { slug: 'a-draft', status: 'draft' as const },
      { slug: 'an-awaiting', status: 'awaiting_approval' as const },
      { slug: 'a-scheduled', publish_at: new Date(Date.now() + DAY_MS) },
      { slug: 'a-cancelled', status: 'cancelled' as const },
    ];
    for (const fields of cases) {
      const vacancy = await createVacancy(db, { organisationId: county, ...fields });
      expect((await get(`/jobs/${fields.slug}`)).statusCode, fields.slug).toBe(404);
      expect((await get(`/jobs/${vacancy.id}`)).statusCode, fields.slug).toBe(404);
    }
    expect((await get('/jobs/no-such-job')).statusCode).toBe(404);
    expect((await get('/jobs/99999999')).statusCode).toBe(404);
    expect((await get('/jobs/99999999999999999999')).statusCode).toBe(404);
  });
});
