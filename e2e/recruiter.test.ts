import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { TEST_PASSWORD, createStaff, organisationId } from '../test/support/accounts.js';
import { createVacancy } from '../test/support/recruitment.js';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, watchForProblems } from './support/checks.js';
import { heading, loads, mainText, signInAsStaff } from './support/pages.js';

/**
 * A recruiter of Chesterfield Borough Council, without JavaScript: creates a vacancy with its
 * criteria (adding a row by the form's own button) and a job description, publishes it, finds it on
 * the overview, records a paper application, extends and closes it. Axe on each page.
 */
describeInBrowser('The recruiter’s journey', () => {
  const shirehall = useBrowserApp();
  const DAY_MS = 86_400_000;

  async function fillDate(page: Page, legend: string, date: Date) {
    const group = page.getByRole('group', { name: legend });
    await group.getByRole('textbox', { name: 'Day', exact: true }).fill(String(date.getUTCDate()));
    await group.getByRole('textbox', { name: 'Month', exact: true }).fill(String(date.getUTCMonth() + 1));
    await group.getByRole('textbox', { name: 'Year', exact: true }).fill(String(date.getUTCFullYear()));
  }

  it(
    'creates, publishes, records a paper application, extends and closes a vacancy, without JavaScript',
    async () => {
      const { db } = shirehall.database;
      const recruiter = await createStaff(db, {
        organisationId: await organisationId(db, 'E07000034'),
        roles: ['recruiter'],
      });
      const page = await shirehall.newPage({ javaScriptEnabled: false });
      const problems = await watchForProblems(page);
      await signInAsStaff(page, recruiter.email, TEST_PASSWORD, '/staff/recruitment');
      expect(await heading(page)).toBe('Recruitment');
      await expectAccessible(page, 'the overview, empty');

      await loads(page, () => page.getByRole('link', { name: 'Create a vacancy' }).click());
      expect(await heading(page)).toBe('Create a vacancy');
      await expectAccessible(page, 'the create form');
      // Saved with nothing filled in: the errors beside their fields.
      await loads(page, () => page.getByRole('button', { name: 'Save vacancy' }).click());
      expect(await page.title()).toMatch(/^Error: /);
      await expectAccessible(page, 'the create form with errors');

      await page.getByRole('textbox', { name: 'Job title', exact: true }).fill('Environmental health officer');
      await page.getByRole('textbox', { name: 'Service area', exact: true }).fill('Environmental health');
      await page.getByRole('textbox', { name: 'Where the job is based', exact: true }).fill('Town Hall, Chesterfield');
      await page.getByRole('textbox', { name: 'Postcode of where the job is based', exact: true }).fill('S40 1LP');
      await page.getByRole('textbox', { name: 'Lowest salary', exact: true }).fill('34,434');
      await page.getByRole('textbox', { name: 'Highest salary (optional)', exact: true }).fill('37,035');
      await page.getByRole('radio', { name: 'A year' }).check();
      await page.getByRole('textbox', { name: 'Hours a week', exact: true }).fill('37');
      await page.getByRole('radio', { name: 'Full time' }).check();
      await page.getByRole('radio', { name: 'Permanent' }).check();
      await fillDate(page, 'Closing date', new Date(Date.now() + 21 * DAY_MS));
      await page.getByRole('textbox', { name: 'Closing time', exact: true }).fill('5pm');
      await page
        .getByRole('textbox', { name: 'Description', exact: true })
        .fill('Inspect food businesses and investigate complaints.');
      await page
        .getByRole('textbox', { name: 'What applicants must show (criterion 1)', exact: true })
        .fill('A degree in environmental health');
      await page
        .getByRole('textbox', { name: 'What applicants must show (criterion 2)', exact: true })
        .fill('Registration with the EHRB');
      await page
        .getByRole('textbox', { name: 'What applicants must show (criterion 3)', exact: true })
        .fill('Experience of food hygiene inspections');
      // A fourth row, by the form's own button: nothing is saved, what was typed stays.
      await loads(page, () => page.getByRole('button', { name: 'Add another criterion' }).click());
      expect(
        await page.getByRole('textbox', { name: 'What applicants must show (criterion 1)', exact: true }).inputValue(),
      ).toBe('A degree in environmental health');
      await page
        .getByRole('textbox', { name: 'What applicants must show (criterion 4)', exact: true })
        .fill('A full UK driving licence');
      await page.getByRole('radio', { name: 'Yes' }).first().check();
      await page
        .getByRole('group', { name: 'Does the job need a DBS check?' })
        .getByRole('radio', { name: 'No' })
        .check();
      // Saved by keyboard: Enter in a field submits the form as Save does (not as the first Remove button).
      await page.getByRole('textbox', { name: 'Job title', exact: true }).focus();
      await loads(page, () => page.keyboard.press('Enter'));
      expect(await heading(page)).toBe('Environmental health officer');
      expect(await mainText(page)).toContain('A full UK driving licence');
      await expectAccessible(page, 'the draft vacancy');

      await loads(page, () => page.getByRole('link', { name: /^Documents/ }).click());
      await expectAccessible(page, 'the documents page');
      await page.getByRole('radio', { name: 'Job description' }).check();
      await page.getByLabel('Upload a file').setInputFiles({
        name: 'EHO job description.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
      });
      await loads(page, () => page.getByRole('button', { name: 'Upload document' }).click());
      expect(await mainText(page)).toContain('EHO job description.pdf');
      await expectAccessible(page, 'a document uploaded');
      await loads(page, () => page.getByRole('link', { name: 'Back to the vacancy' }).click());

      await loads(page, () => page.getByRole('button', { name: 'Publish', exact: true }).click());
      expect(await mainText(page)).toContain('Vacancy published: it is live');
      await expectAccessible(page, 'the live vacancy');

      await loads(page, () => page.goto(`${shirehall.baseUrl}/staff/recruitment?phase=live`));
      expect(await mainText(page)).toContain('Environmental health officer');
      await expectAccessible(page, 'the overview of live vacancies');
      await loads(page, () => page.getByRole('link', { name: 'Environmental health officer', exact: true }).click());

      await loads(page, () => page.getByRole('link', { name: 'Record a paper application' }).click());
      await expectAccessible(page, 'the paper application form');
      await page.getByRole('textbox', { name: 'First name', exact: true }).fill('Pat');
      await page.getByRole('textbox', { name: 'Last name', exact: true }).fill('Postal');
      await page.getByRole('textbox', { name: 'Address', exact: true }).fill('3 Spire Walk, Chesterfield');
      await page.getByRole('textbox', { name: 'Employment history', exact: true }).fill('EHO at Bolsover, 2015 to now');
      await page.getByRole('textbox', { name: 'Supporting statement', exact: true }).fill('Ten years of inspections.');
      await fillDate(page, 'Date received', new Date());
      await loads(page, () => page.getByRole('button', { name: 'Record application' }).click());
      expect(await mainText(page)).toContain('Paper application recorded');

      await loads(page, () => page.getByRole('link', { name: 'Extend the closing date' }).click());
      await expectAccessible(page, 'the extend form');
      await fillDate(page, 'New closing date', new Date(Date.now() + 35 * DAY_MS));
      await page.getByRole('textbox', { name: 'New closing time', exact: true }).fill('12:00');
      await page
        .getByRole('textbox', { name: 'Reason', exact: true })
        .fill('More time for applicants over the holidays');
      await loads(page, () => page.getByRole('button', { name: 'Extend the closing date' }).click());
      expect(await mainText(page)).toContain('Closing date extended');
      expect(await mainText(page)).toContain('More time for applicants over the holidays');

      await loads(page, () => page.getByRole('link', { name: 'Close early' }).click());
      await page.getByRole('textbox', { name: 'Reason', exact: true }).fill('Enough strong applicants');
      await loads(page, () => page.getByRole('button', { name: 'Close the vacancy early' }).click());
      expect(await mainText(page)).toContain('Vacancy closed');
      await expectAccessible(page, 'the closed vacancy');
      expect(problems.cspViolations).toEqual([]);
      expect(problems.pageErrors).toEqual([]);
    },
    journeyTimeout,
  );

  it(
    'fits a 375-pixel screen: the overview, the vacancy and its form, with JavaScript',
    async () => {
      const { db } = shirehall.database;
      const employer = await organisationId(db, 'E07000034');
      const recruiter = await createStaff(db, { organisationId: employer, roles: ['recruiter'] });
      const vacancy = await createVacancy(db, {
        organisationId: employer,
        title: 'Senior planning officer (development management)',
      });
      const page = await shirehall.newPage({ viewport: { width: 375, height: 800 } });
      const problems = await watchForProblems(page);
      await signInAsStaff(page, recruiter.email, TEST_PASSWORD, '/staff/recruitment');
      for (const path of [
        '/staff/recruitment',
        `/staff/recruitment/vacancies/${vacancy.id}`,
        '/staff/recruitment/vacancies/new',
      ]) {
        await loads(page, () => page.goto(`${shirehall.baseUrl}${path}`));
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, path).toBeLessThanOrEqual(375);
        await expectAccessible(page, `${path} at 375 pixels`);
      }
      expect(problems.cspViolations).toEqual([]);
      expect(problems.pageErrors).toEqual([]);
    },
    journeyTimeout,
  );
});
