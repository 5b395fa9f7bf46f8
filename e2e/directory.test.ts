import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, saveScreenshot, watchForProblems, type PageProblems } from './support/checks.js';
import {
  expectErrorSummaryMovesFocus,
  expectPostcodeError,
  focused,
  goesTo,
  heading,
  mainText,
  normalise,
  textOf,
} from './support/pages.js';

const partnership = 'Derbyshire Partnership';

/** Nothing blocked by the Content Security Policy, no asset missing, no script error. */
function expectCleanLoad(problems: PageProblems): void {
  expect(problems.cspViolations, 'Content Security Policy violations').toEqual([]);
  expect(problems.failedRequests, 'failed requests').toEqual([]);
  expect(problems.failedAssets, 'assets that answered with an error').toEqual([]);
  expect(problems.pageErrors, 'uncaught script errors').toEqual([]);
}

describeInBrowser('Finding who provides a service', () => {
  const shirehall = useBrowserApp();

  /**
   * Journey 1, from the home page to the council that empties the bins at DE4 3AG. The same steps
   * work with and without JavaScript, since every form is a plain GET form.
   */
  async function findWhoEmptiesTheBins(page: Page, mode: string): Promise<void> {
    await page.goto('/');
    expect(await page.title()).toBe(`Council services in one place – ${partnership}`);
    expect(await heading(page)).toBe('Council services in one place');
    await expectAccessible(page, `home page (${mode})`);

    await page.getByRole('searchbox', { name: 'Search for a service' }).fill('bins');
    await goesTo(page, '/services?q=bins', () => page.getByRole('button', { name: 'Search services' }).click());
    expect(await page.title()).toBe(`Services matching ‘bins’ – ${partnership}`);
    expect(await page.getByRole('searchbox', { name: 'Search for a service' }).inputValue()).toBe('bins');
    expect(await textOf(page.getByRole('status'))).toBe('5 services match ‘bins’. Show all services');
    const results = page.locator('main ul.govuk-list').getByRole('link');
    // "bins" is not a word of the service list: its synonyms (refuse, waste, recycling) find these.
    expect(await results.allInnerTexts()).toEqual([
      'Collection of clinical waste',
      'Disposing of garden waste',
      'Find out which day the refuse is collected',
      'Hazardous waste collection',
      'Recycling collections',
    ]);
    await expectAccessible(page, `search results for "bins" (${mode})`);

    await goesTo(page, '/services/find-out-which-day-the-refuse-is-collected', () =>
      results.getByText('Find out which day the refuse is collected').click(),
    );
    expect(await heading(page)).toBe('Find out which day the refuse is collected');
    expect(await mainText(page)).toContain('Your district or borough council provides this service.');
    await expectAccessible(page, `service page, asking for a postcode (${mode})`);

    await page
      .getByRole('textbox', { name: 'Enter your postcode to find who provides it where you live' })
      .fill('de43ag');
    await goesTo(page, '/services/find-out-which-day-the-refuse-is-collected?postcode=de43ag', () =>
      page.getByRole('button', { name: 'Find who provides it' }).click(),
    );
    const answer = await textOf(page.getByRole('status'));
    expect(answer).toContain('In DE4 3AG this is provided by Derbyshire Dales District Council.');
    const councilPage = page.getByRole('link', {
      name: 'Go to Derbyshire Dales District Council’s page for this service',
    });
    expect(await councilPage.getAttribute('href')).toBe(
      'http://www.derbyshiredales.gov.uk/environment-and-waste/bins-recycling/missed-collections',
    );
    expect(answer, 'a member council is not called an outsider').not.toContain('is not a member');
    await expectAccessible(page, `service page, answer for DE4 3AG (${mode})`);

    await goesTo(page, '/services/find-out-which-day-the-refuse-is-collected', () =>
      page.getByRole('link', { name: 'Check another postcode' }).click(),
    );
    expect(await page.getByRole('textbox', { name: /Enter your postcode/ }).inputValue()).toBe('');
  }

  it(
    'loads the home page with its styles, fonts and scripts, and no CSP violations or failed requests',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      const response = await page.goto('/');
      expect(response?.status()).toBe(200);
      await page.evaluate(() => document.fonts.ready);

      const loaded = await page.evaluate(() => ({
        stylesheets: [...document.styleSheets].map(
          (sheet) => `${new URL(sheet.href ?? 'inline:').pathname} ${sheet.cssRules.length > 0}`,
        ),
        fonts: [...document.fonts]
          .filter((font) => font.status === 'loaded')
          .map((font) => font.family.replace(/"/g, '')),
        headingFont: getComputedStyle(document.querySelector('h1')!).fontFamily,
        // Set by the template's inline script, which runs only if the CSP nonce is right.
        frontendSupported: document.body.classList.contains('govuk-frontend-supported'),
        // Set by GOV.UK Frontend's initAll(), from the nonce'd module script.
        navigationStarted:
          document
            .querySelector('[data-module="govuk-service-navigation"]')
            ?.hasAttribute('data-govuk-service-navigation-init') ?? false,
      }));
      expect(loaded.stylesheets).toEqual(['/public/build/govuk-frontend.css true', '/public/shirehall.css true']);
      // GOV.UK's typeface is for GOV.UK alone: a council service uses Arial, and loads no font files.
      expect(loaded.fonts).toEqual([]);
      expect(loaded.headingFont).toBe('arial, sans-serif');
      expect(loaded.frontendSupported).toBe(true);
      expect(loaded.navigationStarted).toBe(true);

      expect(await textOf(page.locator('.govuk-generic-header'))).toBe(partnership);
      expect(await textOf(page.getByRole('contentinfo'))).toContain(
        `${partnership}: councils and partners working as one`,
      );
      expectCleanLoad(problems);
      expect(problems.console, 'console errors and warnings').toEqual([]);
    },
    journeyTimeout,
  );

  it(
    'journey 1: searches for bins, opens the service and finds the council for DE4 3AG',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      await findWhoEmptiesTheBins(page, 'JavaScript on');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'journey 1 works the same with JavaScript turned off, as every form is a plain GET form',
    async () => {
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      await findWhoEmptiesTheBins(page, 'JavaScript off');
      expect(
        await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported')),
        'the page ran no script',
      ).toBe(false);
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'shows the answer as a GOV.UK page, with the header, fonts and styles (screenshot for a person to check)',
    async () => {
      const page = await shirehall.newPage({ viewport: { width: 1024, height: 768 } });
      await page.goto('/services/find-out-which-day-the-refuse-is-collected?postcode=DE4+3AG');
      await page.evaluate(() => document.fonts.ready);
      expect(await textOf(page.locator('.govuk-generic-header'))).toBe(partnership);
      expect(await textOf(page.getByRole('status'))).toContain(
        'In DE4 3AG this is provided by Derbyshire Dales District Council.',
      );
      // GOV.UK Frontend's styles are applied: the inset text has its left border, the heading its font.
      const styles = await page.evaluate(() => ({
        insetBorder: getComputedStyle(document.querySelector('.govuk-inset-text')!).borderLeftWidth,
        headingFont: getComputedStyle(document.querySelector('h1')!).fontFamily,
        headingWeight: getComputedStyle(document.querySelector('h1')!).fontWeight,
      }));
      expect(styles.insetBorder).toBe('10px');
      expect(styles.headingFont).toBe('arial, sans-serif');
      expect(styles.headingWeight).toBe('700');
      await saveScreenshot(page, 'service-answer');
    },
    journeyTimeout,
  );

  it(
    'journey 2: the A to Z letters jump to their headings',
    async () => {
      const page = await shirehall.newPage();
      await page.goto('/');
      await goesTo(page, '/services', () =>
        page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Services A to Z' }).click(),
      );
      expect(await heading(page)).toBe('Services A to Z');
      await expectAccessible(page, 'A to Z of all services');

      const letterLinks = page.getByRole('navigation', { name: 'Services by letter' }).getByRole('link');
      const letters = (await letterLinks.allInnerTexts()).map(normalise);
      const headings = await page.locator('main h2').allInnerTexts();
      expect(letters.length).toBeGreaterThan(15);
      expect(letters).toEqual(headings);
      for (const letter of letters) {
        expect(await letterLinks.getByText(letter, { exact: true }).getAttribute('href')).toBe(`#letter-${letter}`);
      }

      await letterLinks.getByText('M', { exact: true }).click();
      await page.waitForURL((url) => url.hash === '#letter-M');
      const target = page.locator(':target');
      expect(await target.evaluate((element) => `${element.tagName} ${element.id} ${element.textContent}`)).toBe(
        'H2 letter-M M',
      );
      // The heading is scrolled to the top of the window.
      await page.waitForFunction(() => Math.abs(document.getElementById('letter-M')!.getBoundingClientRect().top) < 2);
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
      expect(await textOf(page.locator('#letter-M + ul'))).toMatch(/^M/);
    },
    journeyTimeout,
  );

  it(
    'journey 2: a search with no results says no services match, and a search too long is an error',
    async () => {
      const page = await shirehall.newPage();
      await page.goto('/services');
      const search = page.getByRole('searchbox', { name: 'Search for a service' });
      await search.fill('xylophone repairs');
      await goesTo(page, '/services?q=xylophone+repairs', () =>
        page.getByRole('button', { name: 'Search services' }).click(),
      );
      expect(await textOf(page.getByRole('status'))).toBe('0 services match ‘xylophone repairs’. Show all services');
      expect(await mainText(page)).toContain(
        'No services match your search. Try fewer or different words, or browse all services.',
      );
      expect(await page.getByRole('navigation', { name: 'Services by letter' }).count()).toBe(0);
      await expectAccessible(page, 'A to Z search with no results');

      const tooLong = 'a'.repeat(101);
      await search.fill(tooLong);
      await goesTo(page, `/services?q=${tooLong}`, () => page.getByRole('button', { name: 'Search services' }).click());
      expect(await page.title()).toMatch(/^Error: /);
      const summary = page.locator('.govuk-error-summary');
      expect(await textOf(summary)).toBe('There is a problem Search for 100 characters or fewer');
      expect(await summary.getByRole('link').getAttribute('href')).toBe('#q');
      expect(await textOf(page.locator('#q-error'))).toBe('Error: Search for 100 characters or fewer');
      expect(await mainText(page)).not.toContain('No services match');
      await expectAccessible(page, 'A to Z search too long (error)');
      await expectErrorSummaryMovesFocus(page, 'q');
    },
    journeyTimeout,
  );

  it(
    'journey 3: the service page explains an empty, a malformed and an unknown postcode',
    async () => {
      const page = await shirehall.newPage();
      const slug = '/services/educating-your-child-at-home';
      await page.goto(slug);
      const field = page.getByRole('textbox', { name: 'Enter your postcode to find who provides it where you live' });
      const submit = page.getByRole('button', { name: 'Find who provides it' });

      await goesTo(page, `${slug}?postcode=`, () => submit.click());
      await expectPostcodeError(page, 'Enter a postcode', '');
      await expectAccessible(page, 'service page, empty postcode (error)');
      await expectErrorSummaryMovesFocus(page);

      await field.fill('hello');
      await goesTo(page, `${slug}?postcode=hello`, () => submit.click());
      await expectPostcodeError(page, 'Enter a real postcode, like DE4 3AG', 'hello');
      await expectAccessible(page, 'service page, malformed postcode (error)');
      await expectErrorSummaryMovesFocus(page);

      await field.fill('ZZ9 9ZZ');
      await goesTo(page, `${slug}?postcode=ZZ9+9ZZ`, () => submit.click());
      await expectPostcodeError(
        page,
        'ZZ9 9ZZ is not in our list of postcodes. Check it is right; if it is, try a postcode nearby',
        'ZZ9 9ZZ',
      );
      await expectAccessible(page, 'service page, unknown postcode (error)');
      await expectErrorSummaryMovesFocus(page);

      // Putting it right gives the answer, and the error is gone.
      await field.fill('DE4 3AG');
      await goesTo(page, `${slug}?postcode=DE4+3AG`, () => submit.click());
      expect(await page.title()).toBe(`Educating your child at home – ${partnership}`);
      expect(await page.locator('.govuk-error-summary').count()).toBe(0);
      expect(await textOf(page.getByRole('status'))).toContain(
        'In DE4 3AG this is provided by Derbyshire County Council.',
      );
    },
    journeyTimeout,
  );

  it(
    'journey 4: a county service is provided by the county, the city, or a council outside the partnership',
    async () => {
      const page = await shirehall.newPage();
      const slug = '/services/educating-your-child-at-home';
      await page.goto(slug);
      expect(await heading(page)).toBe('Educating your child at home');
      expect(await mainText(page)).toContain('Your county council provides this service.');

      const cases = [
        {
          postcode: 'DE4 3AG',
          council: 'Derbyshire County Council',
          website: 'http://www.derbyshire.gov.uk/',
          member: true,
        },
        { postcode: 'DE1 0AL', council: 'Derby City Council', website: 'https://www.derby.gov.uk/', member: true },
        {
          postcode: 'DE14 1AA',
          council: 'Staffordshire County Council',
          website: 'https://www.staffordshire.gov.uk/',
          member: false,
        },
      ];
      for (const { postcode, council, website, member } of cases) {
        await page.getByRole('textbox', { name: /Enter your postcode/ }).fill(postcode);
        await goesTo(page, `${slug}?postcode=${postcode.replace(' ', '+')}`, () =>
          page.getByRole('button', { name: 'Find who provides it' }).click(),
        );
        const answer = await textOf(page.getByRole('status'));
        expect(answer).toContain(`In ${postcode} this is provided by ${council}.`);
        expect(await page.getByRole('link', { name: `Go to ${council}’s website` }).getAttribute('href')).toBe(website);
        const outsider = `${council} is not a member of the ${partnership}. Contact it directly.`;
        if (member) expect(answer).not.toContain(outsider);
        else expect(answer).toContain(outsider);
        await expectAccessible(page, `county service, answer for ${postcode}`);
        await goesTo(page, slug, () => page.getByRole('link', { name: 'Check another postcode' }).click());
      }
    },
    journeyTimeout,
  );

  it(
    'journey 8: keyboard only, with the skip link, from the search results to the answer',
    async () => {
      const page = await shirehall.newPage();
      await page.goto('/services?q=bins');

      // The skip link is the first thing Tab reaches; it shows when focused and moves focus to the content.
      await page.keyboard.press('Tab');
      const skipLink = page.getByRole('link', { name: 'Skip to main content' });
      expect(await skipLink.evaluate((element) => element === document.activeElement)).toBe(true);
      expect((await skipLink.boundingBox())?.height ?? 0).toBeGreaterThan(10);
      await expectAccessible(page, 'search results, skip link focused');
      await page.keyboard.press('Enter');
      expect(await focused(page)).toBe('main-content');

      // Tab through the content to the result, and follow it with Enter.
      let reached = false;
      for (let presses = 0; presses < 20 && !reached; presses += 1) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(
          () => document.activeElement?.textContent?.trim() === 'Find out which day the refuse is collected',
        );
      }
      expect(reached, 'Tab reaches the bin collection result').toBe(true);
      await goesTo(page, '/services/find-out-which-day-the-refuse-is-collected', () => page.keyboard.press('Enter'));

      // On the service page: skip link, then the postcode field is the first thing in the content.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to main content');
      await page.keyboard.press('Enter');
      expect(await focused(page)).toBe('main-content');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('postcode');
      await expectAccessible(page, 'service page, postcode field focused');
      await page.keyboard.type('DE4 3AG');
      await goesTo(page, '/services/find-out-which-day-the-refuse-is-collected?postcode=DE4+3AG', () =>
        page.keyboard.press('Enter'),
      );
      expect(await textOf(page.getByRole('status'))).toContain(
        'In DE4 3AG this is provided by Derbyshire Dales District Council.',
      );
    },
    journeyTimeout,
  );

  it(
    'journey 6: an address that does not exist shows the GOV.UK "Page not found" page',
    async () => {
      const page = await shirehall.newPage();
      const response = await page.goto('/no-such-page');
      expect(response?.status()).toBe(404);
      expect(await page.title()).toBe(`Page not found – ${partnership}`);
      expect(await heading(page)).toBe('Page not found');
      expect(await mainText(page)).toContain('If you typed the web address, check it is correct.');
      expect(await textOf(page.locator('.govuk-generic-header'))).toBe(partnership);
      await expectAccessible(page, 'page not found');

      await goesTo(page, '/find-your-council', () =>
        page.getByRole('main').getByRole('link', { name: 'find your council' }).click(),
      );
      expect(await heading(page)).toBe('Find your council');
    },
    journeyTimeout,
  );
});
