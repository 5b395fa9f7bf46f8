import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { organisationId } from '../test/support/accounts.js';
import { createVacancy } from '../test/support/recruitment.js';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, watchForProblems } from './support/checks.js';
import { heading, loads, mainText } from './support/pages.js';

/**
 * A job seeker's search: keywords and a distance from a postcode, a postcode we do not know, a
 * filter, a vacancy's page and its JobPosting JSON-LD, and a closed vacancy without it. With and
 * without JavaScript, by keyboard, axe on each page.
 */
describeInBrowser('Job search', () => {
  const shirehall = useBrowserApp();

  async function vacanciesFor(mode: string) {
    const { db } = shirehall.database;
    const county = await organisationId(db, 'E10000007');
    const dales = await organisationId(db, 'E07000035');
    const point = await db
      .selectFrom('postcodes')
      .select(['latitude', 'longitude'])
      .where('postcode', '=', 'DE4 3AG')
      .executeTakeFirstOrThrow();
    const word = mode === 'JavaScript on' ? 'Beekeeper' : 'Stonemason';
    const slug = mode.replace(/\W+/g, '-').toLowerCase();
    const near = {
      latitude: point.latitude,
      longitude: point.longitude,
      postcode: 'DE4 3AG',
      location_name: 'Matlock',
    };
    await createVacancy(db, {
      organisationId: county,
      slug: `${slug}-full-time`,
      title: `${word} (full time)`,
      description: `Look after the county's ${word.toLowerCase()} work.\n\nTraining given.`,
      salary_min_pence: 2_400_000,
      salary_max_pence: 2_750_000,
      ...near,
    });
    await createVacancy(db, {
      organisationId: dales,
      slug: `${slug}-part-time`,
      title: `${word} (part time)`,
      working_pattern: 'part_time',
      salary_min_pence: 1250,
      salary_period: 'hourly',
      ...near,
    });
    await createVacancy(db, {
      organisationId: county,
      slug: `${slug}-far-away`,
      title: `${word} far away`,
      ...near,
      latitude: point.latitude + 0.6,
    });
    await createVacancy(db, {
      organisationId: county,
      slug: `${slug}-closed`,
      title: `${word} (closed)`,
      status: 'closed',
      closed_at: new Date(),
    });
    return { word, slug };
  }

  const resultTitles = (page: Page) => page.locator('.shirehall-job-result h3').allInnerTexts();

  async function searches(page: Page, mode: string) {
    const { word, slug } = await vacanciesFor(mode);
    const problems = await watchForProblems(page);
    await page.goto('/jobs');
    expect(await heading(page)).toBe('Find a job');
    expect(await page.locator('link[rel="alternate"][type="application/atom+xml"]').count()).toBe(1);
    await expectAccessible(page, `the job search (${mode})`);

    // A postcode we do not know: the message beside the field, what was typed kept.
    await page.getByRole('searchbox', { name: 'Keywords' }).fill(word);
    await page.getByRole('textbox', { name: 'Postcode' }).fill('ZZ99 9ZZ');
    await loads(page, () => page.getByRole('textbox', { name: 'Postcode' }).press('Enter'));
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.locator('#postcode-error').innerText()).toContain('ZZ99 9ZZ is not in our list of postcodes');
    expect(await page.getByRole('textbox', { name: 'Postcode' }).inputValue()).toBe('ZZ99 9ZZ');
    await expectAccessible(page, `an unknown postcode (${mode})`);

    // By keyboard: the postcode corrected, a distance chosen, sent with Enter.
    await page.getByRole('textbox', { name: 'Postcode' }).fill('de4 3ag');
    await page.getByLabel('Within', { exact: true }).selectOption('10');
    await loads(page, () => page.getByRole('textbox', { name: 'Postcode' }).press('Enter'));
    expect(await page.locator('#results-heading').innerText()).toBe('2 jobs found');
    expect((await resultTitles(page)).sort()).toEqual([`${word} (full time)`, `${word} (part time)`]);
    const results = await mainText(page);
    expect(results).toContain('(0 miles away)');
    expect(results).toContain('£24,000 to £27,500 a year');
    expect(results).toContain('£12.50 an hour');
    await expectAccessible(page, `results within 10 miles (${mode})`);

    // A filter: part time only.
    await page.getByRole('radio', { name: 'Part time' }).check();
    await loads(page, () => page.getByRole('button', { name: 'Search' }).click());
    expect(await resultTitles(page)).toEqual([`${word} (part time)`]);
    await page.getByRole('radio', { name: 'Any' }).check();
    await loads(page, () => page.getByRole('button', { name: 'Search' }).click());

    // The vacancy, opened by keyboard, with its JSON-LD.
    await page.getByRole('link', { name: `${word} (full time)` }).focus();
    await loads(page, () => page.keyboard.press('Enter'));
    expect(new URL(page.url()).pathname).toBe(`/jobs/${slug}-full-time`);
    expect(await heading(page)).toBe(`${word} (full time)`);
    const posting = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? '{}');
    expect(posting).toMatchObject({
      '@type': 'JobPosting',
      title: `${word} (full time)`,
      hiringOrganization: { '@type': 'Organization', name: 'Derbyshire County Council' },
      jobLocation: { address: { postalCode: 'DE4 3AG', addressRegion: 'Derbyshire', addressCountry: 'GB' } },
      baseSalary: { currency: 'GBP', value: { minValue: 24000, maxValue: 27500, unitText: 'YEAR' } },
      employmentType: ['FULL_TIME'],
    });
    expect(await page.getByRole('button', { name: 'Apply for this job' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Sign in to save this job' }).count()).toBe(1);
    await expectAccessible(page, `a live vacancy (${mode})`);

    // A closed one says so, has no apply button and no JSON-LD.
    await page.goto(`/jobs/${slug}-closed`);
    expect(await mainText(page)).toContain('This job is closed');
    expect(await page.getByRole('button', { name: 'Apply for this job' }).count()).toBe(0);
    expect(await page.locator('script[type="application/ld+json"]').count()).toBe(0);
    await expectAccessible(page, `a closed vacancy (${mode})`);

    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  }

  it(
    'a job seeker searches by keyword and distance, filters and opens a vacancy, with JavaScript',
    async () => searches(await shirehall.newPage(), 'JavaScript on'),
    journeyTimeout,
  );

  it(
    'the same without JavaScript',
    async () => searches(await shirehall.newPage({ javaScriptEnabled: false }), 'JavaScript off'),
    journeyTimeout,
  );

  it(
    'the search is usable on a 375-pixel screen',
    async () => {
      const page = await shirehall.newPage({ viewport: { width: 375, height: 800 } });
      await page.goto('/jobs?q=beekeeper');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await expectAccessible(page, 'the job search at 375 pixels');
    },
    journeyTimeout,
  );
});
