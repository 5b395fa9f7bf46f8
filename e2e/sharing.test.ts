import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { anonymous } from '../src/shared/actor.js';
import { TEST_PASSWORD, createStaff, organisationId } from '../test/support/accounts.js';
import { casesServices } from '../test/support/cases.js';
import { partnerAgency, sharingAgreement } from '../test/cases/staff/staff-cases-fixtures.js';
import { journeyTimeout, useBrowserApp } from './support/app.js';
import { describeInBrowser } from './support/browser.js';
import { expectAccessible, watchForProblems } from './support/checks.js';
import { heading, loads, mainText, signInAsStaff, textOf } from './support/pages.js';

/**
 * Sharing by purpose in a browser: an agent of another council finds a caller's case only by
 * verifying it, and sees its status and reference alone; an adviser withdraws a client's consent and
 * loses the case; an administrator writes an agreement's scope. axe on each page state.
 */
describeInBrowser('Sharing by purpose', () => {
  const shirehall = useBrowserApp();
  const signIn = (page: Page, email: string, next: string) => signInAsStaff(page, email, TEST_PASSWORD, next);

  async function agentAndCase() {
    const { db } = shirehall.database;
    const services = await casesServices(db, () => new Date());
    const [dales, derby] = await Promise.all(['E07000035', 'E06000015'].map((gss) => organisationId(db, gss)));
    await sharingAgreement(db, [dales, derby], {
      purposeStatement: 'Contact centre enquiries',
      categories: ['status_reference'],
      roles: ['contact_centre_agent'],
      relationship: 'caller_verified',
    });
    const made = await services.cases.submit(anonymous, {
      serviceCode: 'missed-bin',
      place: await services.place('DE4 3AG'),
      locationDescription: 'Outside number 12',
      description: 'Bin missed again',
      answers: { bin_type: 'general' },
      channel: 'web',
      contact: { name: 'Ada Resident', email: 'ada.sharing@example.com', phone: null },
      citizenId: null,
    });
    if (made.outcome !== 'created') throw new Error(made.outcome);
    const agent = await createStaff(db, {
      organisationId: derby,
      roles: ['contact_centre_agent'],
      name: 'Chloe Agent',
    });
    return { ...made, agent };
  }

  it(
    'an agent verifies a caller, then sees that case’s status and reference only',
    async () => {
      const { caseId, reference, agent } = await agentAndCase();
      const page = await shirehall.newPage();
      const problems = await watchForProblems(page);
      await signIn(page, agent.email, '/staff/cases/find');
      await expectAccessible(page, 'find a case, empty');

      await page.getByRole('textbox', { name: 'Reference' }).fill(reference);
      await page.getByRole('textbox', { name: /Postcode or email address/ }).fill('DE1 1AA');
      await loads(page, () => page.getByRole('button', { name: 'Find case' }).click());
      expect(await textOf(page.locator('.govuk-error-summary'))).toContain('with that postcode or email address');
      await expectAccessible(page, 'find a case, not verified');

      await page.getByRole('textbox', { name: /Postcode or email address/ }).fill('de4 3ag');
      await loads(page, () => page.getByRole('button', { name: 'Find case' }).click());
      expect(new URL(page.url()).pathname).toBe(`/staff/cases/${caseId}`);
      expect(await heading(page)).toBe(`Case ${reference}`);
      const text = await mainText(page);
      expect(text).toContain('Shared with you under the agreement');
      expect(text).not.toContain('ada.sharing@example.com');
      expect(text).not.toContain('Bin missed again');
      await expectAccessible(page, 'another body’s case, status and reference only');
      expect(problems.cspViolations).toEqual([]);
      expect(problems.pageErrors).toEqual([]);
    },
    journeyTimeout,
  );

  it(
    'an adviser withdraws a client’s consent, without JavaScript, and the case is gone',
    async () => {
      const { db } = shirehall.database;
      const services = await casesServices(db, () => new Date());
      const agency = await partnerAgency(db, 'e2e-agency');
      const county = await organisationId(db, 'E10000007');
      await sharingAgreement(db, [agency, county], {
        purposeStatement: 'Advice casework',
        categories: ['status_reference', 'location_description', 'contact_details'],
        roles: ['partner_adviser'],
        relationship: 'client_consent',
      });
      const adviser = await createStaff(db, { organisationId: agency, roles: ['partner_adviser'], name: 'Jo Adviser' });
      const actor = {
        kind: 'staff' as const,
        staffId: adviser.id,
        name: 'Jo Adviser',
        email: adviser.email,
        organisationId: agency,
        organisationName: 'Citizens Advice Test',
        roles: ['partner_adviser' as const],
      };
      const made = await services.cases.submit(actor, {
        serviceCode: 'pothole',
        place: await services.place('S40 1AA'),
        locationDescription: 'By the bus stop',
        description: 'Deep pothole',
        answers: { where_on_road: 'carriageway' },
        channel: 'partner_agency',
        contact: { name: 'Cleo Client', email: 'cleo.e2e@example.com', phone: null },
        citizenId: null,
        consent: {
          givenBy: 'Cleo Client',
          givenOn: new Date().toISOString().slice(0, 10),
          purpose: 'Report it and follow it up',
        },
      });
      if (made.outcome !== 'created') throw new Error(made.outcome);

      const page = await shirehall.newPage({ javaScriptEnabled: false });
      await signIn(page, adviser.email, `/staff/cases/${made.caseId}`);
      expect(await mainText(page)).toContain('Report it and follow it up');
      await expectAccessible(page, 'a consented client’s case, for the adviser');
      await loads(page, () => page.getByRole('button', { name: 'Withdraw consent' }).click());
      expect(await textOf(page.locator('.govuk-panel__title'))).toBe('Consent withdrawn');
      expect(await mainText(page)).toContain(`Citizens Advice Test can no longer see case ${made.reference}`);
      await expectAccessible(page, 'consent withdrawn');
      const gone = await page.goto(`/staff/cases/${made.caseId}`);
      expect(gone?.status()).toBe(403);
    },
    journeyTimeout,
  );

  it(
    'a resident stops a partner seeing their request from its tracking page',
    async () => {
      const { db } = shirehall.database;
      const services = await casesServices(db, () => new Date());
      const agency = await partnerAgency(db, 'e2e-agency-resident');
      const adviser = await createStaff(db, { organisationId: agency, roles: ['partner_adviser'], name: 'Jo Adviser' });
      const actor = {
        kind: 'staff' as const,
        staffId: adviser.id,
        name: 'Jo Adviser',
        email: adviser.email,
        organisationId: agency,
        organisationName: 'Citizens Advice Test',
        roles: ['partner_adviser' as const],
      };
      const made = await services.cases.submit(actor, {
        serviceCode: 'pothole',
        place: await services.place('S40 1AA'),
        locationDescription: 'By the bus stop',
        description: 'Deep pothole',
        answers: { where_on_road: 'carriageway' },
        channel: 'partner_agency',
        contact: { name: 'Dan Resident', email: 'dan.e2e@example.com', phone: null },
        citizenId: null,
        consent: {
          givenBy: 'Dan Resident',
          givenOn: new Date().toISOString().slice(0, 10),
          purpose: 'Report it and follow it up',
        },
      });
      if (made.outcome !== 'created') throw new Error(made.outcome);

      const page = await shirehall.newPage();
      await page.goto(`/track?reference=${made.reference}`);
      await page.getByRole('textbox', { name: /email/i }).fill('dan.e2e@example.com');
      await loads(page, () => page.getByRole('button', { name: /Find|Continue|Track/ }).click());
      expect(await mainText(page)).toContain('Citizens Advice Test can see this request');
      await expectAccessible(page, 'tracking page with a partner’s consent');
      await loads(page, () =>
        page.getByRole('button', { name: 'Stop Citizens Advice Test seeing this request' }).click(),
      );
      expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(
        'Citizens Advice Test can no longer see this request',
      );
      await expectAccessible(page, 'tracking page, consent withdrawn');
      const consent = await db
        .selectFrom('case_consents')
        .select('withdrawn_by')
        .where('case_id', '=', made.caseId)
        .executeTakeFirstOrThrow();
      expect(consent.withdrawn_by).toBe('resident');
    },
    journeyTimeout,
  );

  it(
    'an administrator writes an agreement’s categories, roles and relationship test, errors beside the fields',
    async () => {
      const { db } = shirehall.database;
      const admin = await createStaff(db, {
        organisationId: await organisationId(db, 'E10000007'),
        roles: ['partnership_admin'],
        name: 'Priya Admin',
      });
      const page = await shirehall.newPage();
      await signIn(page, admin.email, '/staff/agreements/new');
      await expectAccessible(page, 'agreement form, empty');
      await loads(page, () => page.getByRole('button', { name: 'Save agreement' }).click());
      const summary = await textOf(page.locator('.govuk-error-summary'));
      for (const message of [
        'Select the categories of data the agreement shares',
        'Select the roles that may use the data',
        'Select the relationship test',
      ])
        expect(summary).toContain(message);
      expect(await textOf(page.locator('#categories-error'))).toContain(
        'Select the categories of data the agreement shares',
      );
      await expectAccessible(page, 'agreement form, with errors');
    },
    journeyTimeout,
  );
});
