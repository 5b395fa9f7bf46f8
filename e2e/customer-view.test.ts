import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { anonymous } from '../src/shared/actor.js';
import { TEST_PASSWORD, createStaff, organisationId } from '../test/support/accounts.js';
import { casesServices } from '../test/support/cases.js';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, watchForProblems } from './support/checks.js';
import { heading, loads, mainText, signInAsStaff } from './support/pages.js';

/**
 * The customer view, as a contact-centre agent and a service manager of Derbyshire Dales use it: find
 * a caller by a misspelt name and by phone, see their cases on one page, correct their details, and
 * merge two records of one person. With and without JavaScript, by keyboard, axe on each page.
 */
describeInBrowser('The customer view', () => {
  const shirehall = useBrowserApp();

  /** Each journey's own people, so that the second does not find the first's. */
  const namesFor = (mode: string) =>
    mode === 'JavaScript on'
      ? { full: 'Margaret Thornbury', short: 'M Thornbury', misspelt: 'Margret Thornbery' }
      : { full: 'Margaret Ashworth', short: 'M Ashworth', misspelt: 'Margret Ashwerth' };

  async function peopleAndStaff(mode: string) {
    const names = namesFor(mode);
    const { db } = shirehall.database;
    const services = await casesServices(db, () => new Date());
    const report = async (contact: { name: string; email: string | null; phone: string | null }) => {
      const result = await services.cases.submit(anonymous, {
        serviceCode: 'missed-bin',
        place: await services.place('DE4 3AG'),
        locationDescription: 'Outside number 12',
        description: `Bin missed (${mode})`,
        answers: { bin_type: 'general' },
        channel: 'phone',
        contact,
        citizenId: null,
      });
      if (result.outcome !== 'created') throw new Error(result.outcome);
      return result.reference;
    };
    const slug = mode.replace(/\W+/g, '-').toLowerCase();
    const byEmail = await report({ name: names.full, email: `margaret.${slug}@example.com`, phone: null });
    const byPhone = await report({
      name: names.short,
      email: null,
      phone: mode === 'JavaScript on' ? '07700 900461' : '07700 900462',
    });
    const dales = await organisationId(db, 'E07000035');
    const agent = await createStaff(db, { organisationId: dales, roles: ['contact_centre_agent'] });
    const manager = await createStaff(db, { organisationId: dales, roles: ['service_manager'] });
    return { byEmail, byPhone, agent, manager, phone: mode === 'JavaScript on' ? '07700 900461' : '07700 900462' };
  }

  async function findsAndMerges(newPage: () => Promise<Page>, mode: string) {
    const { byEmail, byPhone, agent, manager, phone } = await peopleAndStaff(mode);
    const names = namesFor(mode);
    const page = await newPage();
    const problems = await watchForProblems(page);
    await signInAsStaff(page, agent.email, TEST_PASSWORD, '/staff/people');
    expect(await heading(page)).toBe('Find a person');
    await expectAccessible(page, `find a person (${mode})`);

    // A misspelt name, typed and sent by keyboard.
    await page.getByRole('textbox', { name: /Name, email address/ }).fill(names.misspelt);
    await loads(page, () => page.keyboard.press('Enter'));
    expect(await mainText(page)).toContain(names.full);
    await expectAccessible(page, `people found (${mode})`);
    await loads(page, () => page.getByRole('link', { name: names.full }).click());
    expect(await heading(page)).toBe(names.full);
    expect(await mainText(page)).toContain(byEmail);
    await expectAccessible(page, `a person's page (${mode})`);

    // Correct their details: a bad phone number first, beside its field.
    await loads(page, () => page.getByRole('button', { name: 'Change their details' }).click());
    await page.getByRole('textbox', { name: 'Phone number (optional)' }).fill('12');
    await loads(page, () => page.getByRole('button', { name: 'Save their details' }).click());
    expect(await page.title()).toMatch(/^Error: /);
    await expectAccessible(page, `their details, with an error (${mode})`);
    await page.getByRole('textbox', { name: 'Phone number (optional)' }).fill('01629 580100');
    await page.getByRole('radio', { name: 'Letter' }).check();
    await page.getByRole('textbox', { name: 'Accessibility or language needs (optional)' }).fill('Large print');
    await loads(page, () => page.getByRole('button', { name: 'Save their details' }).click());
    expect(await mainText(page)).toContain('Their details have been changed');
    expect(await mainText(page)).toContain('Large print');

    // The manager merges the caller who gave only a phone number into her record.
    const managerPage = await newPage();
    await signInAsStaff(managerPage, manager.email, TEST_PASSWORD, '/staff/people');
    await managerPage
      .getByRole('textbox', { name: /Name, email address/ })
      .fill(`margaret.${mode.replace(/\W+/g, '-').toLowerCase()}@example.com`);
    await loads(managerPage, () => managerPage.getByRole('button', { name: 'Search' }).click());
    await loads(managerPage, () => managerPage.getByRole('link', { name: names.full }).click());
    await loads(managerPage, () => managerPage.getByRole('button', { name: 'Merge with another record' }).click());
    await managerPage.getByRole('textbox', { name: /Name, email address/ }).fill(phone);
    await loads(managerPage, () => managerPage.getByRole('button', { name: 'Search' }).click());
    await managerPage.getByRole('radio', { name: names.short }).check();
    await expectAccessible(managerPage, `merge: the other record chosen (${mode})`);
    await loads(managerPage, () => managerPage.getByRole('button', { name: 'Continue' }).click());
    expect(await heading(managerPage)).toBe('Are these the same person?');
    await expectAccessible(managerPage, `merge: both records side by side (${mode})`);
    await loads(managerPage, () => managerPage.getByRole('button', { name: 'Merge the records' }).click());
    const merged = await mainText(managerPage);
    expect(merged).toContain('The two records are now one');
    expect(merged).toContain(byEmail);
    expect(merged).toContain(byPhone);
    expect(merged).toContain('Cases (2)');
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  }

  it(
    'an agent finds a caller by a misspelt name and corrects their details; a manager merges two records, with JavaScript',
    () => findsAndMerges(() => shirehall.newPage(), 'JavaScript on'),
    journeyTimeout,
  );

  it(
    'the same without JavaScript',
    () => findsAndMerges(() => shirehall.newPage({ javaScriptEnabled: false }), 'JavaScript off'),
    journeyTimeout,
  );
});
