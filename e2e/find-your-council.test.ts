import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, saveScreenshot } from './support/checks.js';
import {
  expectErrorSummaryMovesFocus,
  expectPostcodeError,
  goesTo,
  heading,
  mainText,
  normalise,
  textOf,
} from './support/pages.js';

const partnership = 'Derbyshire Partnership';
const twoTierDuties = {
  district: 'Bins and recycling, council tax, housing, planning applications, environmental health, parking',
  county: 'Roads and pavements, schools, libraries, social care, trading standards, waste disposal',
};

interface CouncilCard {
  name: string;
  rows: Record<string, string>;
  website: string | null;
}

/** Each council's summary card as a person reads it: its name, and its rows by their keys. */
async function councilCards(page: Page): Promise<CouncilCard[]> {
  const cards = page.locator('.govuk-summary-card');
  const read: CouncilCard[] = [];
  for (const card of await cards.all()) {
    const rows: Record<string, string> = {};
    for (const row of await card.locator('.govuk-summary-list__row').all()) {
      rows[await textOf(row.locator('dt'))] = await textOf(row.locator('dd'));
    }
    const link = card.getByRole('link');
    read.push({
      name: await textOf(card.getByRole('heading')),
      rows,
      website: (await link.count()) === 1 ? await link.getAttribute('href') : null,
    });
  }
  return read;
}

/** The find-your-council form, wherever it is, filled in and sent. */
async function findCouncilsFor(page: Page, postcode: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Enter a postcode' }).fill(postcode);
  const query = new URLSearchParams({ postcode }).toString();
  await goesTo(page, `/find-your-council?${query}`, () =>
    page.getByRole('button', { name: 'Find your council' }).click(),
  );
}

describeInBrowser('Finding your council', () => {
  const shirehall = useBrowserApp();

  it(
    'journey 5: from the home page, DE4 3AG has a district and a county council, both in the partnership',
    async () => {
      const page = await shirehall.newPage();
      await page.goto('/');
      await findCouncilsFor(page, 'DE4 3AG');

      expect(await page.title()).toBe(`Your councils in DE4 3AG – ${partnership}`);
      expect(await heading(page)).toBe('Your councils in DE4 3AG');
      const text = await mainText(page);
      expect(text).toContain(
        'DE4 3AG is served by 2 councils: Derbyshire Dales District Council and Derbyshire County Council.',
      );
      expect(await page.locator('main h2').allInnerTexts()).toEqual([
        'Your district or borough council',
        'Your county council',
      ]);
      expect(await councilCards(page)).toEqual([
        {
          name: 'Derbyshire Dales District Council',
          rows: {
            'Responsible for': twoTierDuties.district,
            Website: 'https://www.derbyshiredales.gov.uk/',
            [`In the ${partnership}`]: 'Yes',
          },
          website: 'https://www.derbyshiredales.gov.uk/',
        },
        {
          name: 'Derbyshire County Council',
          rows: {
            'Responsible for': twoTierDuties.county,
            Website: 'http://www.derbyshire.gov.uk/',
            [`In the ${partnership}`]: 'Yes',
          },
          website: 'http://www.derbyshire.gov.uk/',
        },
      ]);
      expect(text).not.toContain('not members');
      await expectAccessible(page, 'find your council, two-tier answer for DE4 3AG');

      // The A to Z link in the answer leads to the services.
      await goesTo(page, '/services', () => page.getByRole('main').getByRole('link', { name: 'A to Z' }).click());
      expect(await heading(page)).toBe('Services A to Z');
    },
    journeyTimeout,
  );

  it(
    'journey 5: DE1 0AL has one unitary council, and another postcode can be looked up',
    async () => {
      const page = await shirehall.newPage();
      await page.goto('/');
      await goesTo(page, '/find-your-council', () =>
        page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Find your council' }).click(),
      );
      expect(await page.title()).toBe(`Find your council – ${partnership}`);
      expect(await heading(page)).toBe('Find your council');
      expect(await mainText(page)).toContain('Most places have 2 councils');
      await expectAccessible(page, 'find your council, the form');

      await findCouncilsFor(page, 'de1 0al');
      expect(await heading(page)).toBe('Your councils in DE1 0AL');
      expect(await mainText(page)).toContain('Derby City Council provides all council services in DE1 0AL.');
      // One council, under one heading: no district and county halves.
      expect(await page.locator('main h2').allInnerTexts()).toEqual(['Your council']);
      expect(await councilCards(page)).toEqual([
        {
          name: 'Derby City Council',
          rows: {
            'Responsible for':
              'All council services: bins, council tax, housing, planning, roads, schools, libraries and social care',
            Website: 'https://www.derby.gov.uk/',
            [`In the ${partnership}`]: 'Yes',
          },
          website: 'https://www.derby.gov.uk/',
        },
      ]);
      await expectAccessible(page, 'find your council, unitary answer for DE1 0AL');

      await goesTo(page, '/find-your-council', () =>
        page.getByRole('link', { name: 'Search for another postcode' }).click(),
      );
      expect(await page.getByRole('textbox', { name: 'Enter a postcode' }).inputValue()).toBe('');
      await findCouncilsFor(page, 'DE4 3AG');
      expect(await heading(page)).toBe('Your councils in DE4 3AG');
    },
    journeyTimeout,
  );

  it(
    'journey 5: DE14 1AA, in East Staffordshire, is served by councils that are not members',
    async () => {
      const page = await shirehall.newPage();
      await page.goto('/find-your-council');
      await findCouncilsFor(page, 'DE14 1AA');
      expect(await heading(page)).toBe('Your councils in DE14 1AA');
      expect(await mainText(page)).toContain(
        'DE14 1AA is served by 2 councils: East Staffordshire Borough Council and Staffordshire County Council.',
      );
      const cards = await councilCards(page);
      expect(cards.map((card) => [card.name, card.rows[`In the ${partnership}`]])).toEqual([
        ['East Staffordshire Borough Council', 'No'],
        ['Staffordshire County Council', 'No'],
      ]);
      expect(await textOf(page.locator('.govuk-inset-text'))).toBe(
        `These councils are not members of the ${partnership}. Contact them directly for their services.`,
      );
      await expectAccessible(page, 'find your council, answer for DE14 1AA outside the partnership');
    },
    journeyTimeout,
  );

  it(
    'journey 5: explains an empty, a malformed and an unknown postcode, then finds the councils once it is right',
    async () => {
      const page = await shirehall.newPage({ viewport: { width: 1024, height: 768 } });
      await page.goto('/find-your-council');

      await findCouncilsFor(page, '');
      await expectPostcodeError(page, 'Enter a postcode', '');
      expect(await heading(page)).toBe('Find your council');
      await expectAccessible(page, 'find your council, empty postcode (error)');
      await page.evaluate(() => document.fonts.ready);
      await saveScreenshot(page, 'find-your-council-error');
      await expectErrorSummaryMovesFocus(page);

      await findCouncilsFor(page, 'hello');
      await expectPostcodeError(page, 'Enter a real postcode, like DE4 3AG', 'hello');
      await expectAccessible(page, 'find your council, malformed postcode (error)');
      await expectErrorSummaryMovesFocus(page);

      await findCouncilsFor(page, 'ZZ9 9ZZ');
      await expectPostcodeError(
        page,
        'ZZ9 9ZZ is not in our list of postcodes. Check it is right; if it is, try a postcode nearby',
        'ZZ9 9ZZ',
      );
      await expectAccessible(page, 'find your council, unknown postcode (error)');
      await expectErrorSummaryMovesFocus(page);

      await findCouncilsFor(page, 'DE4 3AG');
      expect(await page.title()).toBe(`Your councils in DE4 3AG – ${partnership}`);
      expect(await page.locator('.govuk-error-summary').count()).toBe(0);
      expect((await councilCards(page)).map((card) => card.name)).toEqual([
        'Derbyshire Dales District Council',
        'Derbyshire County Council',
      ]);
    },
    journeyTimeout,
  );

  it(
    'journey 5 without JavaScript: the error summary still links to the field, and the answer comes back',
    async () => {
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      await page.goto('/find-your-council');
      await findCouncilsFor(page, 'hello');
      await expectPostcodeError(page, 'Enter a real postcode, like DE4 3AG', 'hello');
      await expectAccessible(page, 'find your council, malformed postcode, JavaScript off (error)');

      await page.locator('.govuk-error-summary').getByRole('link').click();
      await page.waitForURL((url) => url.hash === '#postcode');
      expect(normalise(await page.locator(':target').evaluate((element) => element.id))).toBe('postcode');

      await findCouncilsFor(page, 'DE1 0AL');
      expect(await mainText(page)).toContain('Derby City Council provides all council services in DE1 0AL.');
      await expectAccessible(page, 'find your council, unitary answer, JavaScript off');
    },
    journeyTimeout,
  );
});
