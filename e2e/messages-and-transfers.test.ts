import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { anonymous } from '../src/shared/actor.js';
import { TEST_PASSWORD, createStaff, organisationId } from '../test/support/accounts.js';
import { casesServices } from '../test/support/cases.js';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, watchForProblems, type PageProblems } from './support/checks.js';
import { heading, loads, mainText, signInAsStaff, textOf } from './support/pages.js';

function expectCleanLoad(problems: PageProblems): void {
  expect(problems.cspViolations, 'Content Security Policy violations').toEqual([]);
  expect(problems.pageErrors, 'uncaught script errors').toEqual([]);
}

const errorLinks = (page: Page) => page.locator('.govuk-error-summary').getByRole('link').allInnerTexts();

describeInBrowser('Messages, transfers and following without email', () => {
  const shirehall = useBrowserApp();

  /** A missed bin in the Dales, recorded by phone for someone with no email address. */
  async function phoneCase() {
    const services = await casesServices(shirehall.database.db, () => new Date());
    const result = await services.cases.submit(anonymous, {
      serviceCode: 'missed-bin',
      place: await services.place('DE4 3AG'),
      locationDescription: 'Outside number 12',
      description: 'Bin missed again',
      answers: { bin_type: 'general' },
      channel: 'phone',
      contact: { name: 'Pat Phone', email: null, phone: '01629 580123' },
      citizenId: null,
    });
    if (result.outcome !== 'created') throw new Error(result.outcome);
    return result;
  }

  /** An officer transfers to a body that does not serve the place: warned, confirms, and the case keeps its status. */
  async function officerTransfers(page: Page, mode: string) {
    const { db } = shirehall.database;
    const { caseId, reference } = await phoneCase();
    const officer = await createStaff(db, {
      organisationId: await organisationId(db, 'E07000035'),
      roles: ['service_officer'],
    });
    await signInAsStaff(page, officer.email, TEST_PASSWORD, `/staff/cases/${caseId}`);
    expect(await mainText(page)).toContain('Letters to send');
    await page.getByRole('combobox', { name: 'Organisation to transfer it to' }).selectOption({
      label: 'Amber Valley Borough Council',
    });
    await page.getByRole('textbox', { name: 'Why are you transferring it?' }).fill('The caller says it is theirs');
    await loads(page, () => page.getByRole('button', { name: 'Transfer case' }).click());
    expect(await page.title()).toMatch(/^Error: /);
    expect(await errorLinks(page)).toEqual([
      'Amber Valley Borough Council does not deal with missed bin collection requests at this place: its area does not include where the case is. Check, then confirm to transfer it anyway',
    ]);
    await expectAccessible(page, `transfer warning (${mode})`);
    await page.getByRole('checkbox', { name: 'I have checked, transfer it anyway' }).check();
    await loads(page, () => page.getByRole('button', { name: 'Transfer case' }).click());
    expect(await mainText(page)).toContain(`Case ${reference} transferred to Amber Valley Borough Council.`);
    return { reference };
  }

  /** The resident, with no email address, follows it by reference and phone number. */
  async function residentFollowsByPhone(page: Page, reference: string, mode: string, byKeyboard: boolean) {
    await page.goto(`/track?reference=${reference}`);
    await loads(page, () => page.getByRole('link', { name: 'follow your request with your phone number' }).click());
    expect(await heading(page)).toBe('Follow a request with your phone number');
    await expectAccessible(page, `track by phone (${mode})`);
    const phone = page.getByRole('textbox', { name: 'Phone number' });
    await phone.fill('01629 999999');
    await loads(page, () => page.getByRole('button', { name: 'Find my request' }).click());
    expect(await errorLinks(page)).toEqual(['We cannot find a request with that reference and phone number']);
    await expectAccessible(page, `track by phone, no match (${mode})`);
    if (byKeyboard) {
      await phone.focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('+44 1629 580123');
      await loads(page, () => page.keyboard.press('Enter'));
    } else {
      await phone.fill('+44 1629 580123');
      await loads(page, () => page.getByRole('button', { name: 'Find my request' }).click());
    }
    expect(new URL(page.url()).pathname).toBe(`/track/${reference}`);
    const shown = await mainText(page);
    expect(shown).toContain(`Your request ${reference}`);
    expect(shown).toContain('Dealt with by Amber Valley Borough Council');
    await expectAccessible(page, `resident's page after a transfer (${mode})`);
  }

  /** An organisation administrator rewords a message; an unknown placeholder is refused beside the field. */
  async function adminRewordsAMessage(page: Page, mode: string) {
    const { db } = shirehall.database;
    const admin = await createStaff(db, {
      organisationId: await organisationId(db, 'E07000032'),
      roles: ['organisation_admin'],
    });
    await signInAsStaff(page, admin.email, TEST_PASSWORD, '/staff/messages');
    expect(await heading(page)).toBe('Messages');
    await expectAccessible(page, `messages list (${mode})`);
    await loads(page, () => page.getByRole('link', { name: 'Passed to another organisation' }).click());
    const body = page.getByRole('textbox', { name: 'Message' });
    await body.fill('Dear ((name)), ((organisation)) has it now: ((tracking_link))');
    await loads(page, () => page.getByRole('button', { name: 'Save message' }).click());
    const [problem] = await errorLinks(page);
    expect(problem).toMatch(/^The body uses \(\(tracking_link\)\), which this message does not have\./);
    expect(await textOf(page.locator('#body-error'))).toContain('((tracking_link))');
    await expectAccessible(page, `message with an unknown placeholder (${mode})`);
    await body.fill('Dear ((name)), ((organisation)) has it now: ((track_url))');
    await loads(page, () => page.getByRole('button', { name: 'Save message' }).click());
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(
      '“Passed to another organisation” saved.',
    );
  }

  it(
    'an officer transfers with the warning confirmed and the resident follows by phone, without JavaScript',
    async () => {
      const staffPage = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(staffPage);
      const { reference } = await officerTransfers(staffPage, 'JavaScript off');
      await residentFollowsByPhone(
        await shirehall.newPage({ javaScriptEnabled: false }),
        reference,
        'JavaScript off',
        false,
      );
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'the same with JavaScript, the resident by keyboard',
    async () => {
      const staffPage = await shirehall.newPage();
      const problems = await watchForProblems(staffPage);
      const { reference } = await officerTransfers(staffPage, 'JavaScript on');
      const residentPage = await shirehall.newPage();
      await residentFollowsByPhone(residentPage, reference, 'JavaScript on', true);
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'an organisation administrator rewords a message, without JavaScript',
    async () => {
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      await adminRewordsAMessage(page, 'JavaScript off');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );
});
