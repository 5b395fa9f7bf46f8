import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { organisationId } from '../test/support/accounts.js';
import { TEST_PASSWORD } from '../test/support/accounts.js';
import { createApplicant, createVacancy } from '../test/support/recruitment.js';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, watchForProblems } from './support/checks.js';
import { heading, loads, mainText } from './support/pages.js';

/**
 * An applicant's journey, by keyboard: signs in, fills in their profile, starts an application for a
 * live vacancy, saves and comes back, completes every section (equality monitoring too), checks their
 * answers and submits, and finds it in "your applications". Without JavaScript, and with it; axe on
 * each page.
 */
describeInBrowser('An applicant', () => {
  const shirehall = useBrowserApp();

  /** Presses a button or follows a link from the keyboard, as someone without a mouse does. */
  async function press(page: Page, target: Locator) {
    await target.focus();
    await loads(page, () => page.keyboard.press('Enter'));
  }

  async function applies(page: Page, mode: string) {
    const { db } = shirehall.database;
    const dales = await organisationId(db, 'E07000035');
    const vacancy = await createVacancy(db, { organisationId: dales, title: `Countryside ranger (${mode})` });
    const applicant = await createApplicant(db);
    const problems = await watchForProblems(page);

    // Not signed in: the vacancy's "apply" address sends them to sign in and back.
    await page.goto(`/jobs/${vacancy.slug}/apply`);
    expect(await heading(page)).toMatch(/Sign in/);
    await page.getByRole('textbox', { name: 'Email address' }).fill(applicant.email);
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await loads(page, () => page.keyboard.press('Enter'));
    expect(await heading(page)).toBe(`Apply for ${vacancy.title}`);
    await expectAccessible(page, `before you start (${mode})`);

    // The profile first, which the application copies.
    await page.goto('/jobs/profile');
    expect(await heading(page)).toBe('Your profile');
    await expectAccessible(page, `profile (${mode})`);
    await press(page, page.getByRole('link', { name: 'Change personal details' }));
    await page.getByRole('textbox', { name: 'First name' }).fill('Mary');
    await page.getByRole('textbox', { name: 'Last name' }).fill('Anning');
    await page.getByRole('textbox', { name: 'Phone number' }).fill('not a phone');
    await press(page, page.getByRole('button', { name: 'Save' }));
    expect(await page.title()).toMatch(/^Error: /);
    expect(await mainText(page)).toContain('Enter a telephone number, like 01632 960 001 or 07700 900 982');
    await expectAccessible(page, `profile's personal details, with an error (${mode})`);
    await page.getByRole('textbox', { name: 'Phone number' }).fill('01629 580000');
    await page.getByRole('textbox', { name: 'Address', exact: true }).fill('1 Bank Road, Matlock');
    await page.getByRole('textbox', { name: 'Postcode' }).fill('DE4 3AG');
    await page.getByRole('radio', { name: 'Yes' }).check();
    await press(page, page.getByRole('button', { name: 'Save' }));
    expect(await mainText(page)).toContain('Mary Anning');

    // Start the application.
    await page.goto(`/jobs/${vacancy.slug}/apply`);
    await press(page, page.getByRole('button', { name: 'Start your application' }));
    expect(await heading(page)).toBe(vacancy.title);
    await expectAccessible(page, `task list (${mode})`);

    // Personal details are pre-filled: save them to come back later.
    await press(page, page.getByRole('link', { name: 'Personal details' }));
    expect(await page.getByRole('textbox', { name: 'First name' }).inputValue()).toBe('Mary');
    await expectAccessible(page, `personal details (${mode})`);
    await press(page, page.getByRole('button', { name: 'Save and come back later' }));
    expect(await mainText(page)).toContain('Your answers have been saved');

    // Come back: from "your applications", as after signing in on another day.
    await page.goto('/jobs/applications');
    expect(await mainText(page)).toContain('Not submitted');
    await expectAccessible(page, `your applications, a draft (${mode})`);
    await press(page, page.getByRole('link', { name: vacancy.title }));
    await press(page, page.getByRole('link', { name: 'Personal details' }));
    await press(page, page.getByRole('button', { name: 'Save and continue' }));

    // Employment history: one job, then its form's error, then the list.
    await press(page, page.getByRole('link', { name: 'Employment history' }));
    await expectAccessible(page, `employment history (${mode})`);
    await press(page, page.getByRole('link', { name: 'Add a job' }));
    await page.getByRole('textbox', { name: 'Employer' }).fill('Derbyshire Wildlife Trust');
    await page.getByRole('textbox', { name: 'Job title' }).fill('Volunteer warden');
    const started = page.getByRole('group', { name: 'When did you start?' });
    await started.getByRole('textbox', { name: 'Month' }).fill('14');
    await started.getByRole('textbox', { name: 'Year' }).fill('2020');
    await press(page, page.getByRole('button', { name: 'Save this job' }));
    expect(await mainText(page)).toContain('Enter a real month and year you started, like 4 2019');
    await expectAccessible(page, `a job, with an error (${mode})`);
    await started.getByRole('textbox', { name: 'Month' }).fill('4');
    await press(page, page.getByRole('button', { name: 'Save this job' }));
    expect(await mainText(page)).toContain('Volunteer warden at Derbyshire Wildlife Trust');
    await press(page, page.getByRole('button', { name: 'Save and continue' }));

    // Qualifications.
    await press(page, page.getByRole('link', { name: 'Qualifications' }));
    await press(page, page.getByRole('link', { name: 'Add a qualification' }));
    await expectAccessible(page, `a qualification (${mode})`);
    await page.getByRole('textbox', { name: 'Subject or name of the qualification' }).fill('Countryside management');
    await page.getByRole('textbox', { name: 'Level' }).fill('NVQ level 3');
    await page.getByRole('textbox', { name: 'Year awarded' }).fill('2019');
    await press(page, page.getByRole('button', { name: 'Save this qualification' }));
    await press(page, page.getByRole('button', { name: 'Save and continue' }));

    // Supporting statement: one answer per criterion.
    await press(page, page.getByRole('link', { name: 'Supporting statement' }));
    await expectAccessible(page, `supporting statement (${mode})`);
    for (const criterion of vacancy.criteria)
      await page.getByRole('textbox', { name: criterion.text }).fill(`My evidence for: ${criterion.text}.`);
    await press(page, page.getByRole('button', { name: 'Save and continue' }));

    // Two referees.
    await press(page, page.getByRole('link', { name: 'Referees' }));
    for (const name of ['Gilbert White', 'Dorothy Wordsworth']) {
      await press(page, page.getByRole('link', { name: /Add a(nother)? referee/ }));
      await page.getByRole('textbox', { name: 'Referee’s name' }).fill(name);
      await page
        .getByRole('textbox', { name: 'Their email address' })
        .fill(`${name.split(' ')[0].toLowerCase()}@referee.example`);
      await page.getByRole('textbox', { name: 'How do they know you?' }).fill('My manager');
      await page.getByRole('radio', { name: 'Yes' }).check();
      await press(page, page.getByRole('button', { name: 'Save this referee' }));
    }
    await expectAccessible(page, `referees (${mode})`);
    await press(page, page.getByRole('button', { name: 'Save and continue' }));

    // Adjustments and a guaranteed interview.
    await press(page, page.getByRole('link', { name: 'Adjustments and guaranteed interviews' }));
    await expectAccessible(page, `adjustments (${mode})`);
    await page.getByRole('textbox', { name: /adjustments/ }).fill('A step-free interview room');
    await page.getByRole('checkbox', { name: /armed forces/ }).check();
    await press(page, page.getByRole('button', { name: 'Save and continue' }));

    // Equality monitoring.
    await press(page, page.getByRole('link', { name: 'Equality monitoring' }));
    await expectAccessible(page, `equality monitoring (${mode})`);
    await page.getByRole('group', { name: 'What is your age?' }).getByRole('radio', { name: '35 to 44' }).check();
    await page.getByRole('group', { name: 'What is your sex?' }).getByRole('radio', { name: 'Female' }).check();
    await page
      .getByRole('group', { name: 'What is your religion or belief?' })
      .getByRole('radio', { name: 'Prefer not to say' })
      .check();
    await press(page, page.getByRole('button', { name: 'Save and continue' }));
    expect(await mainText(page)).toContain('You have completed 7 of 7 sections');

    // Check answers and submit: the declaration first.
    await press(page, page.getByRole('link', { name: 'Check your answers and submit' }));
    expect(await heading(page)).toBe('Check your answers before you submit your application');
    await expectAccessible(page, `check answers (${mode})`);
    await press(page, page.getByRole('button', { name: 'Submit application' }));
    expect(await page.title()).toMatch(/^Error: /);
    await expectAccessible(page, `check answers, with an error (${mode})`);
    await page.getByRole('checkbox', { name: /I confirm/ }).check();
    await press(page, page.getByRole('button', { name: 'Submit application' }));
    expect(await mainText(page)).toContain('Application submitted');
    await expectAccessible(page, `submitted (${mode})`);

    await page.goto('/jobs/applications');
    const list = await mainText(page);
    expect(list).toContain(vacancy.title);
    expect(list).toContain('Submitted');
    await press(page, page.getByRole('link', { name: vacancy.title }));
    expect(await mainText(page)).toContain('You cannot change a submitted application');
    await expectAccessible(page, `a submitted application (${mode})`);
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  }

  it(
    'applies without JavaScript, by keyboard',
    async () => {
      await applies(await shirehall.newPage({ javaScriptEnabled: false }), 'JavaScript off');
    },
    journeyTimeout * 2,
  );

  it(
    'applies with JavaScript, by keyboard',
    async () => {
      await applies(await shirehall.newPage(), 'JavaScript on');
    },
    journeyTimeout * 2,
  );
});
