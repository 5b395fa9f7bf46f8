import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { TEST_PASSWORD, createStaff, organisationId } from '../test/support/accounts.js';
import { missedBin, postForm } from '../test/support/open311.js';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, watchForProblems, type PageProblems } from './support/checks.js';
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

describeInBrowser('Partnership administrators issuing and revoking Open311 API keys', () => {
  const shirehall = useBrowserApp();

  async function signInAsPartnershipAdministrator(page: Page): Promise<void> {
    const { db } = shirehall.database;
    const staff = await createStaff(db, {
      organisationId: await organisationId(db, 'E10000007'),
      roles: ['partnership_admin'],
    });
    await signInAsStaff(page, staff.email, TEST_PASSWORD);
  }

  /** Staff home → API keys → issue one (a missing name first) → the key, once → it works → revoke it, after asking. */
  async function administratorIssuesAndRevokesAKey(page: Page, mode: string, name: string): Promise<void> {
    const javaScript = mode === 'JavaScript on';
    await signInAsPartnershipAdministrator(page);
    await loads(page, () => page.getByRole('link', { name: 'API keys' }).click());
    expect(await heading(page)).toBe('API keys');
    await expectAccessible(page, `API keys (${mode})`);

    await loads(page, () => page.getByRole('button', { name: 'Issue a new API key' }).click());
    expect(await heading(page)).toBe('Issue an API key');
    await expectAccessible(page, `issue an API key (${mode})`);
    await page.getByRole('radio', { name: 'Derbyshire Dales District Council' }).check();
    await loads(page, () => page.getByRole('button', { name: 'Issue key' }).click());
    expect(await page.title()).toMatch(/^Error: /);
    expect(await textOf(page.locator('#name-error'))).toBe('Error: Enter a name for the client');
    expect(await page.getByRole('radio', { name: 'Derbyshire Dales District Council' }).isChecked()).toBe(true);
    await expectAccessible(page, `issue an API key, name missing (${mode})`);
    if (javaScript) await expectErrorSummaryMovesFocus(page, 'name');

    await page.getByRole('textbox', { name: 'Client name' }).fill(name);
    await loads(page, () => page.getByRole('button', { name: 'Issue key' }).click());
    expect(await heading(page)).toBe('Copy the key now');
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(`API key issued for ${name}`);
    const key = await page.getByRole('textbox', { name: `API key for ${name}` }).inputValue();
    expect(key).toMatch(/^shk_[\w-]{43}$/);
    await expectAccessible(page, `API key issued (${mode})`);

    // The key works at once for the system it was given to.
    expect((await postForm(shirehall.app, '/open311/v2/requests.json', missedBin(key))).statusCode).toBe(201);

    await loads(page, () => page.getByRole('button', { name: 'Back to API keys' }).click());
    const row = page.getByRole('row', { name });
    expect(await textOf(row)).toContain(`Derbyshire Dales District Council ${key.slice(-4)}`);
    expect(await mainText(page)).not.toContain(key);

    await loads(page, () => page.getByRole('link', { name: `Revoke the key of ${name}` }).click());
    expect(await heading(page)).toBe(`Revoke the key of ${name}?`);
    await expectAccessible(page, `revoke a key (${mode})`);
    await loads(page, () => page.getByRole('button', { name: 'Revoke key' }).click());
    expect(await heading(page)).toBe('API keys');
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(`The key of ${name} is revoked.`);
    expect(await textOf(page.getByRole('row', { name }))).toContain('Revoked');
    await expectAccessible(page, `API keys, one revoked (${mode})`);
    expect((await postForm(shirehall.app, '/open311/v2/requests.json', missedBin(key))).statusCode).toBe(403);
  }

  it(
    'a partnership administrator issues and revokes a key, with JavaScript',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      await administratorIssuesAndRevokesAKey(page, 'JavaScript on', 'Dales back office (js)');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'the same journey works without JavaScript',
    async () => {
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      await administratorIssuesAndRevokesAKey(page, 'JavaScript off', 'Dales back office (no js)');
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );

  it(
    'issues a key by keyboard alone',
    async () => {
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      await signInAsPartnershipAdministrator(page);
      await page.goto('/staff/api-keys/new');
      await page.getByRole('textbox', { name: 'Client name' }).focus();
      await page.keyboard.type('FixMyStreet (keyboard)');
      await page.keyboard.press('Tab');
      // Into the radios: the first, "None", is chosen; the arrow keys would move between them.
      expect(await focused(page)).toBe('organisationId');
      expect(await page.getByRole('radio', { name: 'None' }).isChecked()).toBe(true);
      await page.keyboard.press('Tab');
      await loads(page, () => page.keyboard.press('Enter'));
      expect(await heading(page)).toBe('Copy the key now');
      expect(await page.getByRole('textbox', { name: 'API key for FixMyStreet (keyboard)' }).inputValue()).toMatch(
        /^shk_/,
      );
      expectCleanLoad(problems);
    },
    journeyTimeout,
  );
});
