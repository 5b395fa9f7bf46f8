import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { TEST_PASSWORD, createStaff, organisationId } from '../test/support/accounts.js';
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
  expect(problems.failedRequests, 'failed requests').toEqual([]);
  expect(problems.pageErrors, 'uncaught script errors').toEqual([]);
}

describeInBrowser('Administrators editing the request-type catalogue', () => {
  const shirehall = useBrowserApp();

  async function signInAsCountyAdministrator(page: Page): Promise<void> {
    const { db } = shirehall.database;
    const staff = await createStaff(db, {
      organisationId: await organisationId(db, 'E10000007'),
      roles: ['organisation_admin'],
    });
    await signInAsStaff(page, staff.email, TEST_PASSWORD);
  }

  /** Staff home → request types → change a target (an error first) → its questions: add (an error first), move, remove. */
  async function administratorEditsATypeAndItsQuestions(page: Page, mode: string, suffix: string): Promise<void> {
    const javaScript = mode === 'JavaScript on';
    await signInAsCountyAdministrator(page);
    await loads(page, () => page.getByRole('link', { name: 'Request types and teams' }).click());
    expect(await heading(page)).toBe('Request types');
    expect(await textOf(page.locator('caption').first())).toBe('Roads and pavements');
    await expectAccessible(page, `request types (${mode})`);
    if (javaScript) await saveScreenshot(page, 'catalogue-request-types');

    await loads(page, () => page.getByRole('link', { name: 'Street light fault' }).click());
    expect(await heading(page)).toBe('Street light fault');
    expect(await mainText(page)).toContain('The service code and tier cannot be changed');
    await expectAccessible(page, `a request type (${mode})`);

    const target = page.getByRole('textbox', { name: 'Target' });
    await target.fill('0');
    await loads(page, () => page.getByRole('button', { name: 'Save changes' }).click());
    expect(await page.title()).toMatch(/^Error: /);
    expect(await textOf(page.locator('#slaWorkingDays-error'))).toBe('Error: Target must be at least 1 working day');
    expect(await target.inputValue()).toBe('0');
    await expectAccessible(page, `a request type, target error (${mode})`);
    if (javaScript) await expectErrorSummaryMovesFocus(page, 'slaWorkingDays');

    await target.fill('8');
    await loads(page, () => page.getByRole('button', { name: 'Save changes' }).click());
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Street light fault saved.');
    expect(await textOf(page.getByRole('row', { name: /Street light fault/ }))).toContain('8 working days');

    await loads(page, () => page.getByRole('link', { name: 'Street light fault' }).click());
    await loads(page, () => page.getByRole('link', { name: 'Change questions' }).click());
    expect(await heading(page)).toBe('Questions');
    await expectAccessible(page, `questions (${mode})`);

    // A link styled as a button, which GOV.UK gives the button role.
    await loads(page, () => page.getByRole('button', { name: 'Add a question' }).click());
    expect(await heading(page)).toBe('Add a question');
    await expectAccessible(page, `add a question (${mode})`);
    await page.getByRole('textbox', { name: 'Code' }).fill(`colour_${suffix}`);
    await page.getByRole('textbox', { name: 'Question', exact: true }).fill(`What colour is the light? (${suffix})`);
    await page.getByRole('radio', { name: 'One choice from a list (singlevaluelist)' }).check();
    await page.getByRole('textbox', { name: 'Options, for a list' }).fill('orange');
    await page.getByRole('radio', { name: 'No' }).check();
    await loads(page, () => page.getByRole('button', { name: 'Add question' }).click());
    expect(await textOf(page.locator('#options-error'))).toBe(
      'Error: Line 1 must be a key, a colon and a name, like pavement: On the pavement',
    );
    await expectAccessible(page, `add a question, options error (${mode})`);
    await page.getByRole('textbox', { name: 'Options, for a list' }).fill('orange: Orange\nwhite: White');
    await loads(page, () => page.getByRole('button', { name: 'Add question' }).click());
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Question added.');

    await loads(page, () =>
      page
        .getByRole('button', { name: new RegExp(`^Move up\\s*: What colour is the light\\? \\(${suffix}\\)$`) })
        .click(),
    );
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Question moved.');
    const labels = await page.locator('tbody th').allInnerTexts();
    expect(labels.indexOf(`What colour is the light? (${suffix})`)).toBe(labels.length - 2);
    if (javaScript) await saveScreenshot(page, 'catalogue-questions');

    await loads(page, () => page.getByRole('link', { name: `Remove What colour is the light? (${suffix})` }).click());
    expect(await heading(page)).toBe(`Remove ‘What colour is the light? (${suffix})’?`);
    await expectAccessible(page, `remove a question (${mode})`);
    await loads(page, () => page.getByRole('button', { name: 'Remove question' }).click());
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Question removed.');
  }

  /** Request types → teams → a team's email (an error first) → add a request type (a tier contradiction first). */
  async function administratorEditsTeamsAndAddsAType(page: Page, mode: string, suffix: string): Promise<void> {
    await signInAsCountyAdministrator(page);
    await page.goto('/staff/request-types');
    await loads(page, () => page.getByRole('link', { name: 'Teams of Derbyshire County Council' }).click());
    expect(await heading(page)).toBe('Teams');
    await expectAccessible(page, `teams (${mode})`);
    await loads(page, () => page.getByRole('link', { name: 'Street lighting' }).click());
    expect(await heading(page)).toBe('Street lighting');
    await expectAccessible(page, `a team (${mode})`);
    await page.getByRole('textbox', { name: 'Team email address (optional)' }).fill('not an email');
    await loads(page, () => page.getByRole('button', { name: 'Save team' }).click());
    expect(await textOf(page.locator('#email-error'))).toBe(
      'Error: Enter an email address in the correct format, like highways@example.gov.uk',
    );
    await expectAccessible(page, `a team, email error (${mode})`);
    await page.getByRole('textbox', { name: 'Team email address (optional)' }).fill('lighting@derbyshire.example');
    await loads(page, () => page.getByRole('button', { name: 'Save team' }).click());
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Team saved.');

    await page.goto('/staff/request-types/new');
    expect(await heading(page)).toBe('Add a request type');
    await expectAccessible(page, `add a request type (${mode})`);
    const newCode = page.getByRole('textbox', { name: 'Service code of the new kind' });
    await page.getByRole('radio', { name: 'Missed bin collection (missed-bin)' }).check();
    await page.getByRole('radio', { name: 'County and unitary councils' }).check();
    await page.getByRole('textbox', { name: 'Name' }).fill(`Missed bin at a county site (${suffix})`);
    await page.getByRole('textbox', { name: 'Group' }).fill('Bins and recycling');
    await page.getByRole('textbox', { name: 'Target' }).fill('3');
    await page.getByRole('combobox', { name: 'Team that receives these requests' }).selectOption({ label: 'Highways' });
    await loads(page, () => page.getByRole('button', { name: 'Add request type' }).click());
    expect(await textOf(page.locator('#tier-error'))).toContain(
      'already receive missed-bin as a kind for district and unitary councils',
    );
    await expectAccessible(page, `add a request type, tier contradiction (${mode})`);

    await page.getByRole('radio', { name: 'A new kind of request' }).check();
    await newCode.fill(`fallen-sign-${suffix}`);
    await page.getByRole('textbox', { name: 'Name' }).fill(`Fallen road sign (${suffix})`);
    await page.getByRole('textbox', { name: 'Group' }).fill('Roads and pavements');
    await loads(page, () => page.getByRole('button', { name: 'Add request type' }).click());
    expect(await heading(page)).toBe(`Fallen road sign (${suffix})`);
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Request type added.');
    expect(await mainText(page)).toContain(`fallen-sign-${suffix}`);
  }

  it(
    'an organisation administrator changes a request type and its questions, with JavaScript',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      await administratorEditsATypeAndItsQuestions(page, 'JavaScript on', 'js');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'changes a request type and its questions without JavaScript',
    async () => {
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      await administratorEditsATypeAndItsQuestions(page, 'JavaScript off', 'nojs');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'an organisation administrator changes a team and adds a request type, with JavaScript',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      await administratorEditsTeamsAndAddsAType(page, 'JavaScript on', 'js');
      await saveScreenshot(page, 'catalogue-type-added');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'changes a team and adds a request type without JavaScript',
    async () => {
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      await administratorEditsTeamsAndAddsAType(page, 'JavaScript off', 'nojs');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'adds a question by keyboard alone',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      await signInAsCountyAdministrator(page);
      const { db } = shirehall.database;
      const gully = await db
        .selectFrom('request_types')
        .select('id')
        .where('organisation_id', '=', await organisationId(db, 'E10000007'))
        .where('service_code', '=', 'blocked-gully')
        .executeTakeFirstOrThrow();
      await page.goto(`/staff/request-types/${gully.id}/questions/new`);

      await page.getByRole('textbox', { name: 'Code' }).focus();
      await page.keyboard.type('smell');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('label');
      await page.keyboard.type('Does it smell of sewage?');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      // Into the answer radios: the arrow keys move between them and choose.
      expect(await focused(page)).toBe('datatype');
      for (let step = 0; step < 4; step++) await page.keyboard.press('ArrowDown');
      expect(await page.getByRole('radio', { name: 'One choice from a list (singlevaluelist)' }).isChecked()).toBe(
        true,
      );
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('options');
      await page.keyboard.type('yes: Yes');
      await page.keyboard.press('Enter');
      await page.keyboard.type('no: No');
      await page.keyboard.press('Tab');
      // "No" is chosen at first, so Tab lands on it; the left arrow chooses "Yes".
      expect(await focused(page)).toBe('required-2');
      await page.keyboard.press('ArrowLeft');
      expect(await page.getByRole('radio', { name: 'Yes' }).isChecked()).toBe(true);
      await page.keyboard.press('Tab');
      await loads(page, () => page.keyboard.press('Enter'));
      expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Question added.');
      expect(await mainText(page)).toContain('Does it smell of sewage?');
      const saved = await db
        .selectFrom('request_type_questions')
        .select(['datatype', 'required', 'options'])
        .where('request_type_id', '=', gully.id)
        .where('code', '=', 'smell')
        .executeTakeFirstOrThrow();
      expect(saved).toEqual({
        datatype: 'singlevaluelist',
        required: true,
        options: [
          { key: 'yes', name: 'Yes' },
          { key: 'no', name: 'No' },
        ],
      });
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );
});
