import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { anonymous } from '../src/shared/actor.js';
import { casesServices } from '../test/support/cases.js';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import {
  expectAccessible,
  pagesWithoutJavaScript,
  saveScreenshot,
  watchForProblems,
  type PageProblems,
} from './support/checks.js';
import { expectErrorSummaryMovesFocus, focused, goesTo, heading, mainText, textOf } from './support/pages.js';
import { jpegWithLocation, textPretendingToBeJpeg } from '../test/support/images.js';
import { latestEmailTo, linkIn } from '../test/support/outbox.js';

const partnership = 'Derbyshire Partnership';

function expectCleanLoad(problems: PageProblems): void {
  expect(problems.cspViolations, 'Content Security Policy violations').toEqual([]);
  expect(problems.failedRequests, 'failed requests').toEqual([]);
  expect(problems.failedAssets, 'assets that answered with an error').toEqual([]);
  expect(problems.pageErrors, 'uncaught script errors').toEqual([]);
}

/** The GOV.UK error summary's links, as [href, text]. */
async function errorLinks(page: Page): Promise<string[][]> {
  const links = page.locator('.govuk-error-summary').getByRole('link');
  const found: string[][] = [];
  for (let index = 0; index < (await links.count()); index += 1) {
    const link = links.nth(index);
    found.push([(await link.getAttribute('href')) ?? '', (await link.innerText()).trim()]);
  }
  return found;
}

async function expectErrors(page: Page, expected: string[][], state: string): Promise<void> {
  expect(await page.title()).toMatch(/^Error: /);
  expect(await errorLinks(page)).toEqual(expected);
  await expectAccessible(page, state);
}

describeInBrowser('Reporting a problem and following it', () => {
  const shirehall = useBrowserApp();
  /** An open street light fault at DE4 3AG, reported by someone else: the "nearby" step offers it. */
  let existing: string;

  beforeAll(async () => {
    const services = await casesServices(shirehall.database.db, () => new Date());
    const result = await services.cases.submit(anonymous, {
      serviceCode: 'street-light',
      place: await services.place('DE4 3AG'),
      locationDescription: 'By the bus shelter',
      description: 'Out for a week',
      answers: { fault: 'out' },
      channel: 'web',
      contact: { name: 'Nell Neighbour', email: 'nell@example.com', phone: null },
      citizenId: null,
    });
    if (result.outcome !== 'created') throw new Error(result.outcome);
    existing = result.reference;
  });

  /**
   * The whole journey by mouse: what (an error, a search), where (an error), the nearby offer, the
   * questions (errors), about you (errors), check your answers, send, the confirmation, and following it.
   */
  async function reportAStreetLight(page: Page, mode: string): Promise<string> {
    const javaScript = !pagesWithoutJavaScript.has(page);
    await page.goto('/report');
    expect(await page.title()).toBe(`What do you want to report? – ${partnership}`);
    await expectAccessible(page, `what (${mode})`);
    await saveScreenshot(page, `report-what-${javaScript ? 'js' : 'no-js'}`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/report');
    await expectErrors(page, [['#serviceCode', 'Select what you want to report']], `what, nothing chosen (${mode})`);
    if (javaScript) await expectErrorSummaryMovesFocus(page, 'serviceCode');

    await page.getByRole('searchbox', { name: /Search, for example/ }).fill('lamp');
    await goesTo(page, '/report?search=lamp', () => page.getByRole('button', { name: 'Search', exact: true }).click());
    expect(await textOf(page.getByRole('status'))).toBe(
      '1 kind of request matches ‘lamp’. Show everything you can report',
    );
    await expectAccessible(page, `what, search results (${mode})`);
    await page.getByRole('radio', { name: 'Street light fault' }).check();
    await goesTo(page, '/report/where', () => page.getByRole('button', { name: 'Continue' }).click());

    expect(await heading(page)).toBe('Where is it?');
    await expectAccessible(page, `where (${mode})`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/report/where');
    await expectErrors(
      page,
      [
        ['#postcode', 'Enter a postcode'],
        ['#locationDescription', 'Describe where the problem is, like ‘outside number 12, by the post box’'],
      ],
      `where, nothing given (${mode})`,
    );
    await page.getByRole('textbox', { name: 'Postcode' }).fill('de4 3ag');
    await page.getByRole('textbox', { name: 'Where exactly is it?' }).fill('Opposite the church gate');
    await goesTo(page, '/report/nearby', () => page.getByRole('button', { name: 'Continue' }).click());

    expect(await heading(page)).toBe('Has someone already reported it?');
    expect(await page.getByRole('button', { name: `Follow this one instead (${existing})` }).count()).toBe(1);
    const view = page.getByRole('link', { name: `View its updates (${existing})` });
    expect(await view.getAttribute('href')).toBe(`/track/${existing}`);
    expect(await mainText(page)).toContain('Out for a week');
    expect(await mainText(page)).not.toContain('Nell');
    await expectAccessible(page, `nearby (${mode})`);
    await goesTo(page, '/report/questions', () => page.getByRole('button', { name: 'Report a new one' }).click());

    expect(await heading(page)).toBe('Tell us about the problem');
    await expectAccessible(page, `questions (${mode})`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/report/questions');
    await expectErrors(
      page,
      [
        ['#answer-fault', 'Select what is wrong with the light'],
        ['#description', 'Describe the problem'],
      ],
      `questions, nothing answered (${mode})`,
    );
    await page.getByRole('textbox', { name: 'Number on the lamp post (if you can see it)' }).fill('14B');
    await page.getByRole('radio', { name: 'Flickering' }).check();
    await page
      .getByRole('textbox', { name: 'Describe the problem' })
      .fill('It flickers all night and keeps the street awake.');
    // A file named as a photo that is not one: refused beside the field, the answers kept.
    await page.getByLabel('Add photos').setInputFiles({
      name: 'lamp.jpg',
      mimeType: 'image/jpeg',
      buffer: textPretendingToBeJpeg,
    });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/report/questions');
    await expectErrors(
      page,
      [['#photos', '‘lamp.jpg’ must be a JPG, PNG or HEIC photo']],
      `questions, not a photo (${mode})`,
    );
    expect(await page.getByRole('textbox', { name: 'Describe the problem' }).inputValue()).toBe(
      'It flickers all night and keeps the street awake.',
    );
    await page.getByLabel('Add photos').setInputFiles({
      name: 'lamp.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpegWithLocation(1600, 1200),
    });
    await goesTo(page, '/report/about-you', () => page.getByRole('button', { name: 'Continue' }).click());

    expect(await heading(page)).toBe('Your details');
    expect(await page.getByRole('radio').count(), 'a street light fault cannot be reported anonymously').toBe(0);
    await expectAccessible(page, `about you (${mode})`);
    await page.getByRole('textbox', { name: 'Email address' }).fill('not an email');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/report/about-you');
    await expectErrors(
      page,
      [
        ['#name', 'Enter your full name'],
        ['#email', 'Enter an email address in the correct format, like name@example.com'],
      ],
      `about you, mistakes (${mode})`,
    );
    expect(await page.getByRole('textbox', { name: 'Email address' }).inputValue()).toBe('not an email');
    await page.getByRole('textbox', { name: 'Full name' }).fill('Lena Lamplight');
    await page.getByRole('textbox', { name: 'Email address' }).fill('lena@example.com');
    await goesTo(page, '/report/check', () => page.getByRole('button', { name: 'Continue' }).click());

    expect(await heading(page)).toBe('Check your answers before sending your report');
    const summary = await mainText(page);
    for (const expected of [
      'Street light fault',
      'Postcode DE4 3AG',
      'Opposite the church gate',
      'Derbyshire County Council',
      '14B',
      'Flickering',
      'It flickers all night',
      'Lena Lamplight',
      'lena@example.com',
      'Photos 1 photo',
    ]) {
      expect(summary).toContain(expected);
    }
    await expectAccessible(page, `check your answers (${mode})`);
    await saveScreenshot(page, `report-check-${javaScript ? 'js' : 'no-js'}`);
    // Change a step and come back to the summary.
    await goesTo(page, '/report/where?change=yes', () =>
      page.getByRole('link', { name: 'Change where it is' }).click(),
    );
    await page.getByRole('textbox', { name: 'Where exactly is it?' }).fill('Opposite the church gate, on the corner');
    await goesTo(page, '/report/nearby?change=yes', () => page.getByRole('button', { name: 'Continue' }).click());
    await goesTo(page, '/report/check', () => page.getByRole('button', { name: 'Report a new one' }).click());
    expect(await mainText(page)).toContain('on the corner');

    await goesTo(page, '/report/confirmation', () => page.getByRole('button', { name: 'Send report' }).click());
    expect(await page.title()).toBe(`Report sent – ${partnership}`);
    const panel = await textOf(page.locator('.govuk-panel'));
    const reference = /DBY-\d{4}-\d{6}/.exec(panel)?.[0];
    expect(reference, `a reference in "${panel}"`).toBeDefined();
    expect(await mainText(page)).toContain('We have sent a confirmation email to lena@example.com');
    expect(await mainText(page)).toMatch(
      /Derbyshire County Council has your report \(street light fault\)\. It aims to deal with it by \d{1,2} [A-Z][a-z]+ \d{4}\./,
    );
    await expectAccessible(page, `confirmation (${mode})`);

    await goesTo(page, `/track/${reference}`, () => page.getByRole('link', { name: 'Follow your report' }).click());
    expect(await heading(page)).toBe('Street light fault');
    expect(await mainText(page)).toContain('Report received');
    expect(await mainText(page)).toContain('It flickers all night');
    await expectAccessible(page, `your request's tracking page (${mode})`);
    return reference!;
  }

  /** /track from another browser: a wrong email, then the right one, and the public page of someone else's. */
  async function trackIt(page: Page, reference: string, mode: string): Promise<void> {
    await page.goto(`/track?reference=${reference}`);
    expect(await heading(page)).toBe('Follow a request');
    expect(await page.getByRole('textbox', { name: 'Reference' }).inputValue()).toBe(reference);
    await expectAccessible(page, `track form (${mode})`);
    await page.getByRole('textbox', { name: 'Email address' }).fill('someone@example.com');
    await page.getByRole('button', { name: 'Find my request' }).click();
    await page.waitForURL('**/track');
    await expectErrors(
      page,
      [['#reference', 'We cannot find a request with that reference and email address']],
      `track, no match (${mode})`,
    );
    await page.getByRole('textbox', { name: 'Email address' }).fill('lena@example.com');
    await goesTo(page, `/track/${reference}`, () => page.getByRole('button', { name: 'Find my request' }).click());
    expect(await mainText(page)).toContain(`Your request ${reference}`);

    await page.goto(`/track/${existing}`);
    expect(await mainText(page)).toContain(`Public request ${existing}`);
    expect(await mainText(page)).not.toContain('Out for a week');
    await expectAccessible(page, `public tracking page (${mode})`);
  }

  it(
    'reports a street light fault and follows it, with JavaScript',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      const reference = await reportAStreetLight(page, 'JavaScript on');
      await saveScreenshot(page, 'report-tracking-page');
      await trackIt(await shirehall.newPage(), reference, 'JavaScript on');
      expectCleanLoad(problems);
    },
    journeyTimeout * 2,
  );

  it(
    'does the same with JavaScript turned off',
    async () => {
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      const reference = await reportAStreetLight(page, 'JavaScript off');
      expect(
        await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported')),
        'the page ran no script',
      ).toBe(false);
      await trackIt(await shirehall.newPage({ javaScriptEnabled: false }), reference, 'JavaScript off');
      expectCleanLoad(problems);
    },
    journeyTimeout * 2,
  );

  it(
    'follows a nearby request instead of reporting it again, by a confirmed email, without JavaScript',
    async () => {
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      await page.goto('/report');
      await page.getByRole('radio', { name: 'Street light fault' }).check();
      await goesTo(page, '/report/where', () => page.getByRole('button', { name: 'Continue' }).click());
      await page.getByRole('textbox', { name: 'Postcode' }).fill('DE4 3AG');
      await page.getByRole('textbox', { name: 'Where exactly is it?' }).fill('By the bus shelter');
      await goesTo(page, '/report/nearby', () => page.getByRole('button', { name: 'Continue' }).click());
      expect(await page.getByRole('img', { name: 'Map of the requests near the place you gave' }).count()).toBe(1);
      await expectAccessible(page, 'nearby, with its map (JavaScript off)');
      await saveScreenshot(page, 'report-nearby-no-js');
      await page.getByRole('button', { name: `Follow this one instead (${existing})` }).click();
      await page.waitForURL('**/report/nearby/follow');
      expect(await heading(page)).toBe('What is your email address?');
      await expectAccessible(page, 'follow, asking for an email address');
      await page.getByRole('textbox', { name: 'What is your email address?' }).fill('fay@example.com');
      await page.getByRole('button', { name: `Follow ${existing}` }).click();
      await page.waitForURL('**/report/nearby/follow');
      expect(await heading(page)).toBe('Check your email');
      await expectAccessible(page, 'follow, check your email');

      const email = await latestEmailTo(shirehall.database.db, 'fay@example.com');
      await page.goto(linkIn(email!.body_text, '/report/follow/confirm'));
      expect(await heading(page)).toBe(`You are following ${existing}`);
      expect(await mainText(page)).toContain('We will email fay@example.com when it is updated');
      await expectAccessible(page, 'follow, confirmed');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'tells a resident in a council outside the partnership where to report it instead',
    async () => {
      const page = await shirehall.newPage();
      await page.goto('/report');
      await page.getByRole('radio', { name: 'Pothole' }).check();
      await goesTo(page, '/report/where', () => page.getByRole('button', { name: 'Continue' }).click());
      await page.getByRole('textbox', { name: 'Postcode' }).fill('DE14 1AA');
      await page.getByRole('textbox', { name: 'Where exactly is it?' }).fill('On the high street');
      await goesTo(page, '/report/somewhere-else', () => page.getByRole('button', { name: 'Continue' }).click());
      expect(await heading(page)).toBe('Report it to Staffordshire County Council');
      expect(await mainText(page)).toContain(
        'DE14 1AA is in East Staffordshire. Staffordshire County Council deals with this kind of request (pothole) there.',
      );
      expect(
        await page
          .getByRole('button', { name: 'Report it on Staffordshire County Council’s website' })
          .getAttribute('href'),
      ).toMatch(/staffordshire\.gov\.uk/);
      await expectAccessible(page, 'somewhere else: outside the partnership');
    },
    journeyTimeout,
  );

  /** Presses Tab until the element matching `selector` has focus, as a keyboard user would. */
  async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
    for (let presses = 0; presses < limit; presses += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) ?? false, selector)) return;
    }
    throw new Error(`Tab never reached ${selector} on ${page.url()}`);
  }

  const continueButton = 'form[method="post"] button.govuk-button';

  it(
    'goes the whole way by keyboard alone, putting the pin on the map with Enter',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      await page.goto('/report');

      // An error first: the summary takes focus, and its link takes focus to the choices.
      await tabTo(page, continueButton);
      await page.keyboard.press('Enter');
      await page.waitForURL('**/report');
      await page.locator('.govuk-error-summary').waitFor();
      expect(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))).toBe(true);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      expect(await focused(page)).toBe('serviceCode');
      await expectAccessible(page, 'what, error, by keyboard');

      await tabTo(page, '#search');
      await page.keyboard.type('lamp');
      await goesTo(page, '/report?search=lamp', () => page.keyboard.press('Enter'));
      await tabTo(page, 'input[name="serviceCode"]');
      await page.keyboard.press('Space');
      expect(await page.getByRole('radio', { name: 'Street light fault' }).isChecked()).toBe(true);
      await tabTo(page, continueButton);
      await goesTo(page, '/report/where', () => page.keyboard.press('Enter'));

      // The postcode centres the map; Enter on the map puts the pin at its centre.
      await page.locator('[data-shirehall-location-picker][data-map-state="ready"]').waitFor();
      await tabTo(page, '#postcode');
      await page.keyboard.type('DE4 3AG');
      const centred = page.waitForResponse((response) => response.url().includes('/api/v1/places/postcodes/'));
      await page.keyboard.press('Tab');
      await centred;
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
        'Map for choosing where the problem is',
      );
      await page.waitForTimeout(500); // the map glides to the postcode
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('input[name="latitude"]').inputValue()).not.toBe('');
      await expectAccessible(page, 'where, pin put by keyboard');
      await saveScreenshot(page, 'report-where-pin');
      await tabTo(page, '#locationDescription');
      await page.keyboard.type('By the church gate');
      await tabTo(page, continueButton);
      await goesTo(page, '/report/nearby', () => page.keyboard.press('Enter'));

      await tabTo(page, 'a.govuk-button');
      await goesTo(page, '/report/questions', () => page.keyboard.press('Enter'));
      await tabTo(page, '#answer-column_number');
      await page.keyboard.type('7');
      await tabTo(page, 'input[name="answer-fault"]');
      await page.keyboard.press('Space');
      await tabTo(page, '#description');
      await page.keyboard.type('Dark since Sunday.');
      await tabTo(page, continueButton);
      await goesTo(page, '/report/about-you', () => page.keyboard.press('Enter'));

      await tabTo(page, '#name');
      await page.keyboard.type('Kim Keys');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('email');
      await page.keyboard.type('kim@example.com');
      await tabTo(page, continueButton);
      await goesTo(page, '/report/check', () => page.keyboard.press('Enter'));
      const summary = await mainText(page);
      expect(summary).toContain('The place you marked on the map');
      expect(summary).toContain('Not working');
      expect(summary).toContain('Kim Keys');

      await tabTo(page, continueButton);
      await goesTo(page, '/report/confirmation', () => page.keyboard.press('Enter'));
      expect(await textOf(page.locator('.govuk-panel'))).toMatch(/Report sent Your reference is DBY-\d{4}-\d{6}/);
      await expectAccessible(page, 'confirmation, by keyboard');
      expectCleanLoad(problems);
    },
    journeyTimeout * 2,
  );
});
