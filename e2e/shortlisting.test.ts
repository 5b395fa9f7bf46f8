import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { recruitmentPaths as paths } from '../src/modules/recruitment/paths.js';
import { TEST_PASSWORD, createStaff, organisationId } from '../test/support/accounts.js';
import { latestEmailTo, linkIn } from '../test/support/outbox.js';
import { createApplicant, createApplication, createVacancy } from '../test/support/recruitment.js';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, watchForProblems } from './support/checks.js';
import { heading, loads, mainText, signInAsStaff } from './support/pages.js';

/**
 * Shortlisting to appointment, as Derbyshire Dales' people use it: a service manager on the panel
 * scores anonymised applications and sees no names; the recruiter shortlists in bulk and invites to
 * interview; the applicant books a time and accepts the offer; a referee answers by link; the
 * recruiter appoints. JavaScript off throughout, by keyboard, axe on each page.
 */
describeInBrowser('Shortlisting to appointment', () => {
  const shirehall = useBrowserApp();

  async function press(page: Page, button: string) {
    await page.getByRole('button', { name: button, exact: true }).focus();
    await loads(page, () => page.keyboard.press('Enter'));
  }

  it(
    'a panel member scores without names, a recruiter shortlists in bulk and appoints, the applicant books and accepts',
    async () => {
      const { db } = shirehall.database;
      const dales = await organisationId(db, 'E07000035');
      const recruiter = await createStaff(db, { organisationId: dales, roles: ['recruiter'] });
      const manager = await createStaff(db, {
        organisationId: dales,
        roles: ['service_manager'],
        name: 'Morag Manager',
      });
      const vacancy = await createVacancy(db, { organisationId: dales, title: 'Park ranger' });
      const applicant = await createApplicant(db);
      const first = await createApplication(db, {
        vacancyId: vacancy.id,
        citizen_id: applicant.id,
        personal: { first_name: 'Petra', last_name: 'Parkland', email: applicant.email },
        referees: JSON.stringify([
          {
            name: 'Rob Referee',
            email: 'rob.referee@test.example',
            phone: '',
            relationship: 'Manager',
            contact_before_offer: true,
          },
        ]),
      });
      const second = await createApplication(db, {
        vacancyId: vacancy.id,
        personal: { first_name: 'Quentin', last_name: 'Quarry' },
      });
      const newPage = () => shirehall.newPage({ javaScriptEnabled: false });

      // The recruiter puts the service manager on the panel.
      const page = await newPage();
      const problems = await watchForProblems(page);
      await signInAsStaff(page, recruiter.email, TEST_PASSWORD, paths.staff.shortlist({ id: vacancy.id }));
      await expectAccessible(page, 'shortlisting and the panel');
      await page
        .getByRole('combobox', { name: 'Add to the panel' })
        .selectOption({ label: `Morag Manager (${manager.email})` });
      await press(page, 'Add to the panel');
      expect(await mainText(page)).toContain('Morag Manager');

      // The panel member scores both, seeing no names.
      const panel = await newPage();
      await signInAsStaff(panel, manager.email, TEST_PASSWORD, paths.staff.applications({ id: vacancy.id }));
      await expectAccessible(panel, 'applications, as the panel sees them');
      for (const [application, score] of [
        [first, '3'],
        [second, '1'],
      ] as const) {
        await panel.goto(paths.staff.applicationScores({ id: application.id }));
        expect(await heading(panel)).toBe(`Score Applicant A-${application.id}`);
        const text = await mainText(panel);
        expect(text).not.toContain('Parkland');
        expect(text).not.toContain('Quarry');
        await expectAccessible(panel, 'scoring an application');
        for (const criterion of vacancy.criteria)
          await panel.locator(`#score-${criterion.id}-${Number(score) + 1}`).check();
        await press(panel, 'Save scores');
        expect(await mainText(panel)).toContain('Your scores are saved');
      }

      // The recruiter shortlists the first in bulk, then invites them to interview.
      await page.goto(`${paths.staff.applications({ id: vacancy.id })}?sort=score`);
      await expectAccessible(page, 'applications, sorted by score');
      await page.getByRole('checkbox', { name: `Select Applicant A-${first.id}` }).check();
      await page.getByRole('combobox', { name: 'Move them to' }).selectOption('shortlisted');
      await press(page, 'Move the selected applications');
      expect(await mainText(page)).toContain('1 applications moved');
      expect(await mainText(page)).toContain('Petra Parkland');

      await page.goto(paths.staff.interviewSlots({ id: vacancy.id }));
      const day = new Date(Date.now() + 7 * 86_400_000);
      await page.getByRole('textbox', { name: 'Day' }).fill(String(day.getUTCDate()));
      await page.getByRole('textbox', { name: 'Month' }).fill(String(day.getUTCMonth() + 1));
      await page.getByRole('textbox', { name: 'Year' }).fill(String(day.getUTCFullYear()));
      await page.getByRole('textbox', { name: 'Time' }).fill('10:00');
      await page.getByRole('textbox', { name: 'Place' }).fill('Ranger station, Matlock Bath');
      await press(page, 'Add the time');
      await expectAccessible(page, 'interview times');
      await page.goto(`${paths.staff.applications({ id: vacancy.id })}?stage=shortlisted`);
      await page.getByRole('checkbox', { name: `Select Applicant A-${first.id}` }).check();
      await page.getByRole('combobox', { name: 'Move them to' }).selectOption('interview_invited');
      await press(page, 'Move the selected applications');

      // The applicant follows the emailed link, signs in and books.
      const invite = await latestEmailTo(db, applicant.email);
      const them = await newPage();
      await them.goto(linkIn(invite!.body_text, '/jobs/applications/'));
      await them.getByRole('textbox', { name: 'Email address' }).fill(applicant.email);
      await them.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
      await press(them, 'Sign in');
      expect(await heading(them)).toBe('Choose your interview time');
      await expectAccessible(them, 'choosing an interview time');
      await them.getByRole('radio').first().check();
      await press(them, 'Book this time');
      expect(await heading(them)).toBe('Your interview is booked');

      // Interview, offer, acceptance.
      const move = async (stage: string) => {
        await page.goto(paths.staff.application({ id: first.id }));
        await page.getByRole('radio', { name: stage, exact: true }).check();
        await press(page, 'Move the application');
      };
      await move('Interviewed');
      await expectAccessible(page, 'an application page');
      await move('Conditional offer');
      await them.goto(paths.applicant.offer({ id: first.id }));
      await expectAccessible(them, 'the offer');
      await them.getByRole('radio', { name: 'Yes, I accept' }).check();
      await press(them, 'Continue');
      await press(them, 'Yes, accept the offer');
      await move('Pre-employment checks');

      // Checks: right to work, a reference by link, appointment.
      await page.goto(paths.staff.applicationChecks({ id: first.id }));
      await expectAccessible(page, 'pre-employment checks');
      await press(page, 'Confirm the right to work');
      await page.getByRole('checkbox', { name: /Rob Referee/ }).check();
      await press(page, 'Ask for references');
      const referee = await newPage();
      await referee.goto(linkIn((await latestEmailTo(db, 'rob.referee@test.example'))!.body_text, '/references/'));
      await expectAccessible(referee, 'the referee’s form');
      await referee.getByRole('textbox', { name: 'How do you know the applicant?' }).fill('I managed her');
      await referee.getByRole('textbox', { name: 'How long have you known them?' }).fill('3 years');
      await referee.getByRole('textbox', { name: 'How suitable are they for this post?' }).fill('Very');
      await referee.getByRole('radio', { name: 'No' }).check();
      await referee.getByRole('checkbox', { name: /true to the best of my knowledge/ }).check();
      await press(referee, 'Send the reference');
      expect(await heading(referee)).toBe('Reference sent');

      await page.reload();
      await press(page, 'Appoint the applicant');
      expect(await mainText(page)).toContain('The applicant is appointed');
      expect(problems.cspViolations).toEqual([]);
      expect(problems.pageErrors).toEqual([]);
    },
    journeyTimeout * 3,
  );
});
