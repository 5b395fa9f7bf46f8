import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { anonymous } from '../src/shared/actor.js';
import { TEST_PASSWORD, createStaff, organisationId } from '../test/support/accounts.js';
import { casesServices } from '../test/support/cases.js';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, saveScreenshot, watchForProblems, type PageProblems } from './support/checks.js';
import {
  expectErrorSummaryMovesFocus,
  focused,
  heading,
  mainText,
  textOf,
  loads,
  signInAsStaff,
} from './support/pages.js';

function expectCleanLoad(problems: PageProblems): void {
  expect(problems.cspViolations, 'Content Security Policy violations').toEqual([]);
  expect(problems.pageErrors, 'uncaught script errors').toEqual([]);
}

describeInBrowser('Staff working cases', () => {
  const shirehall = useBrowserApp();

  const signIn = (page: Page, email: string, next: string) => signInAsStaff(page, email, TEST_PASSWORD, next);

  /** A resident's missed bin in Derbyshire Dales, reported online, and an officer of the Dales to work it. */
  async function caseAndOfficer(description: string) {
    const { db } = shirehall.database;
    const services = await casesServices(db, () => new Date());
    const result = await services.cases.submit(anonymous, {
      serviceCode: 'missed-bin',
      place: await services.place('DE4 3AG'),
      locationDescription: 'Outside number 12',
      description,
      answers: { bin_type: 'general' },
      channel: 'web',
      contact: { name: 'Ada Resident', email: 'ada.e2e@example.com', phone: null },
      citizenId: null,
    });
    if (result.outcome !== 'created') throw new Error(result.outcome);
    const officer = await createStaff(db, {
      organisationId: await organisationId(db, 'E07000035'),
      roles: ['service_officer'],
      name: 'Sam Officer',
    });
    return { ...result, officer };
  }

  /** Worklist → case → public update (with its error first) → resolved. */
  async function officerWorksACase(page: Page, mode: string): Promise<void> {
    const { caseId, reference, officer } = await caseAndOfficer(`Bin missed (${mode})`);
    await signIn(page, officer.email, '/staff/cases');
    expect(await heading(page)).toBe('Cases');
    expect(await mainText(page)).toContain(reference);
    await expectAccessible(page, `worklist (${mode})`);

    await page.getByRole('combobox', { name: 'Kind of request' }).selectOption({ label: 'Missed bin collection' });
    await page.getByRole('textbox', { name: 'Search' }).fill(reference);
    await loads(page, () => page.getByRole('button', { name: 'Apply filters' }).click());
    expect(await textOf(page.locator('#cases'))).toBe('1 case');
    await expectAccessible(page, `worklist filtered to one case (${mode})`);

    await loads(page, () => page.getByRole('link', { name: reference }).click());
    expect(new URL(page.url()).pathname).toBe(`/staff/cases/${caseId}`);
    expect(await heading(page)).toBe(`Case ${reference}`);
    expect(await mainText(page)).toContain('ada.e2e@example.com');
    expect(await mainText(page)).toContain('in postcode DE4 3AG: Outside number 12.');
    await expectAccessible(page, `case page (${mode})`);

    await loads(page, () => page.getByRole('button', { name: 'Send update' }).click());
    expect(await page.title()).toMatch(/^Error: Case /);
    expect(await textOf(page.locator('#update-error'))).toBe('Error: Enter the update for the resident');
    await expectAccessible(page, `case page, empty update error (${mode})`);
    if (mode === 'JavaScript on') await expectErrorSummaryMovesFocus(page, 'update');

    await page
      .getByRole('textbox', { name: 'Add an update for the resident' })
      .fill('The crew will be there tomorrow morning');
    await loads(page, () => page.getByRole('button', { name: 'Send update' }).click());
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(
      'Update added to the resident’s timeline and emailed to them.',
    );
    expect(await mainText(page)).toContain('The crew will be there tomorrow morning');
    await expectAccessible(page, `case page, update sent (${mode})`);

    await page.getByRole('radio', { name: 'Resolved' }).check();
    await page.getByRole('textbox', { name: 'Message to the resident (optional)' }).fill('Emptied this morning');
    await loads(page, () => page.getByRole('button', { name: 'Change status' }).click());
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Status changed to resolved.');
    expect(await textOf(page.locator('main .govuk-tag').first())).toBe('Resolved');
    await expectAccessible(page, `case page, resolved (${mode})`);

    const emails = await shirehall.database.db
      .selectFrom('email_outbox')
      .select('subject')
      .where('to_address', '=', 'ada.e2e@example.com')
      .where('subject', 'like', `%${reference}%`)
      .orderBy('id')
      .execute();
    expect(emails.map((email) => email.subject)).toEqual([
      `We have your report: Missed bin collection (${reference})`,
      `Update on your report ${reference}`,
      `Your report ${reference} has been resolved`,
    ]);
  }

  /** Record a contact: what and where → the details (with their errors first) → the reference. */
  async function agentRecordsAPhoneContact(page: Page, mode: string, byKeyboard: boolean): Promise<void> {
    const { db } = shirehall.database;
    const agent = await createStaff(db, {
      organisationId: await organisationId(db, 'E06000015'),
      roles: ['contact_centre_agent'],
      name: 'Chloe Agent',
    });
    await signIn(page, agent.email, '/staff/record-a-contact');
    expect(await heading(page)).toBe('Record a contact');
    await expectAccessible(page, `record a contact, step 1 (${mode})`);

    const phone = page.getByRole('radio', { name: 'Phone' });
    const kind = page.getByRole('combobox', { name: 'What is it about?' });
    const postcode = page.getByRole('textbox', { name: 'Postcode of the place' });
    if (byKeyboard) {
      await phone.focus();
      await page.keyboard.press('Space');
      // A group of radios is one stop of the Tab key.
      await page.keyboard.press('Tab');
      expect(await kind.evaluate((element) => element === document.activeElement)).toBe(true);
      // Type-ahead on a closed select, as a keyboard user chooses from it.
      await page.keyboard.type('Roads and pavements: P', { delay: 20 });
      await page.keyboard.press('Tab');
      await page.keyboard.type('DE4 3AG');
      await loads(page, () => page.keyboard.press('Enter'));
    } else {
      await phone.check();
      await kind.selectOption({ label: 'Roads and pavements: Pothole' });
      await postcode.fill('DE4 3AG');
      await loads(page, () => page.getByRole('button', { name: 'Continue' }).click());
    }
    expect(await heading(page)).toBe('Pothole');
    expect(await mainText(page)).toContain('It goes to Derbyshire County Council');
    await expectAccessible(page, `record a contact, details (${mode})`);

    await loads(page, () => page.getByRole('button', { name: 'Record contact' }).click());
    expect(await page.title()).toMatch(/^Error: /);
    const summaryLinks = await page.locator('.govuk-error-summary').getByRole('link').allInnerTexts();
    expect(summaryLinks).toEqual([
      'Describe where exactly, like outside number 12',
      'Select where the pothole is',
      'Enter what the request is about',
    ]);
    await expectAccessible(page, `record a contact, details with errors (${mode})`);
    if (mode === 'JavaScript on') {
      // GOV.UK Frontend focuses the summary; its first link, followed by keyboard, focuses the field.
      expect(
        await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary') ?? false),
      ).toBe(true);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      expect(await focused(page)).toBe('locationDescription');
    }

    const fill = async (name: string, text: string) => {
      const field = page.getByRole('textbox', { name });
      if (byKeyboard) {
        await field.focus();
        await page.keyboard.type(text);
      } else await field.fill(text);
    };
    await fill('Where exactly?', 'Outside the post office');
    if (byKeyboard) {
      await page.getByRole('radio', { name: 'In the road' }).focus();
      await page.keyboard.press('Space');
    } else await page.getByRole('radio', { name: 'In the road' }).check();
    await fill('What is it about?', 'Caller says it is deep enough to damage a tyre');
    await fill('Full name (optional)', 'Bea Caller');
    await fill('Email address (optional)', 'bea.e2e@example.com');
    await loads(page, () => page.getByRole('button', { name: 'Record contact' }).click());

    expect(await textOf(page.locator('.govuk-panel__title'))).toBe('Contact recorded');
    const reference = (await textOf(page.locator('.govuk-panel__body strong'))).trim();
    expect(reference).toMatch(/^DBY-\d{4}-\d{6}$/);
    await expectAccessible(page, `record a contact, confirmation (${mode})`);
    const record = await db
      .selectFrom('cases')
      .select(['channel', 'recorded_by_organisation_id'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(record).toEqual({ channel: 'phone', recorded_by_organisation_id: await organisationId(db, 'E06000015') });
  }

  it(
    'an officer works a case from the worklist to resolved, with JavaScript',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      await officerWorksACase(page, 'JavaScript on');
      await saveScreenshot(page, 'staff-case-resolved');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'an officer works a case the same way without JavaScript',
    async () => {
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      await officerWorksACase(page, 'JavaScript off');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'an officer on a 375-pixel phone: the page never scrolls sideways, the table scrolls in its region; sorting and a bulk change by keyboard',
    async () => {
      const page = await shirehall.newPage({ viewport: { width: 375, height: 740 } });
      const problems = await watchForProblems(page);
      const { caseId, reference, officer } = await caseAndOfficer('Bin missed (phone width)');
      await signIn(page, officer.email, '/staff/cases');
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        region: document.querySelector('.shirehall-table-scroll')!.scrollWidth,
        regionShown: document.querySelector('.shirehall-table-scroll')!.clientWidth,
      }));
      expect(widths.page, 'the page scrolls sideways').toBeLessThanOrEqual(375);
      expect(widths.regionShown).toBeLessThanOrEqual(375);
      expect(widths.region, 'the table is wider than the screen, so its region scrolls').toBeGreaterThan(
        widths.regionShown,
      );
      await expectAccessible(page, 'worklist at 375 pixels');

      await page.getByRole('link', { name: /^Due/ }).click();
      await page.waitForURL(/sort=due&order=descending/);
      expect(await page.locator('th[aria-sort="descending"]').innerText()).toContain('Due');

      await page.locator(`#case-${caseId}`).focus();
      await page.keyboard.press('Space');
      await page.getByRole('radio', { name: 'Assign them' }).check();
      await page.getByRole('combobox', { name: 'Assign to' }).selectOption(String(officer.id));
      await page.getByRole('button', { name: 'Change the selected cases' }).click();
      expect(await heading(page)).toBe('1 case changed');
      expect(await mainText(page)).toContain(reference);
      await expectAccessible(page, 'bulk change done, at 375 pixels');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'an agent records a phone contact by keyboard, with JavaScript',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      await agentRecordsAPhoneContact(page, 'JavaScript on', true);
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'an agent records a phone contact without JavaScript',
    async () => {
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      await agentRecordsAPhoneContact(page, 'JavaScript off', false);
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );
});
