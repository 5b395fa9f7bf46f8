/**
 * Sharing by purpose (issue 9, finding 7): another body's case is seen only under an agreement that
 * names the viewer's role, through its relationship test (the caller verified, or the client's
 * consent), and only the categories of data the agreement shares. Every such read is audited with
 * the agreement it relied on.
 */
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.js';
import { signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';
import {
  dayFromToday,
  gss,
  organisationId,
  partnerAgency,
  referencesIn,
  report,
  servicesFor,
  sharingAgreement,
  staffActor,
  type CasesServices,
} from './cases/staff/staff-cases-fixtures.js';
import { errorSummary } from './support/error-summary.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let dales: number;
let derby: number;
let amberValley: number;
let agency: number;
let contactCentreAgreement: number;
let adviceAgreement: number;

const casePage = (id: number) => `/staff/cases/${id}`;

const auditOf = (caseId: number, staffId: number) =>
  db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('record_type', '=', 'case')
    .where('record_id', '=', String(caseId))
    .where('actor_type', '=', 'staff')
    .where('actor_id', '=', staffId)
    .orderBy('id')
    .execute();

/** Asks the find page for a case by reference, with what the caller gives to prove it is theirs. */
const verify = (client: TestClient, reference: string, verification: string) =>
  client.post('/staff/cases/find', { reference, verification }, '/staff/cases/find');

/** A request a partner adviser records for a client who consented, as record-a-contact makes it. */
async function consentedCase(serviceCode = 'missed-bin', postcode = 'DE4 3AG') {
  const adviser = await staffActor(db, agency, ['partner_adviser']);
  const made = await services.cases.submit(adviser, {
    serviceCode,
    place: await services.place(postcode),
    locationDescription: 'Flat 2, Dale Road',
    description: 'Client’s bin missed three weeks running',
    answers: { bin_type: 'general' },
    channel: 'partner_agency',
    contact: { name: 'Cleo Client', email: 'cleo@example.com', phone: '07700 900123' },
    citizenId: null,
    consent: { givenBy: 'Cleo Client', givenOn: dayFromToday(-1), purpose: 'Report the bin and follow it up' },
  });
  if (made.outcome !== 'created') throw new Error(made.outcome);
  return { id: made.caseId, reference: made.reference };
}

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  [dales, derby, amberValley] = await Promise.all(
    [gss.dales, gss.derby, gss.amberValley].map((code) => organisationId(db, code)),
  );
  agency = await partnerAgency(db, 'sharing-agency');
  contactCentreAgreement = await sharingAgreement(db, [dales, derby, amberValley], {
    purposeStatement: 'Contact centre enquiries',
    categories: ['status_reference'],
    roles: ['contact_centre_agent'],
    relationship: 'caller_verified',
  });
  adviceAgreement = await sharingAgreement(db, [agency, dales], {
    purposeStatement: 'Advice casework',
    categories: ['status_reference', 'location_description', 'contact_details'],
    roles: ['partner_adviser'],
    relationship: 'client_consent',
  });
});

describe('a contact-centre agent of another council, under a contact-centre agreement', () => {
  it('cannot open a district case by its id, nor find it by its reference alone', async () => {
    const { id, reference } = await report(services, 'missed-bin', 'DE4 3AG');
    const agent = await signedInStaff(context.app, db, { organisationId: derby, roles: ['contact_centre_agent'] });
    const page = await agent.client.get(casePage(id));
    expect(page.statusCode).toBe(403);
    expect(page.body).not.toContain(reference);
    const found = await agent.client.get(`/staff/cases/find?reference=${reference}`);
    expect(found.statusCode).toBe(404);
    expect((await auditOf(id, agent.staff.id)).map((entry) => entry.action)).toEqual([]);
  });

  it('opens it once the caller’s reference and postcode match, sees only status and reference, for 30 minutes, audited with the agreement', async () => {
    const { id, reference } = await report(services, 'missed-bin', 'DE4 3AG', {
      description: 'Bin left unemptied by the gate',
      email: 'ada.caller@example.com',
    });
    await services.workflow.addUpdate(await staffActor(db, dales, ['service_officer']), id, {
      body: 'The crew will return on Friday',
      isPublic: true,
    });
    const agent = await signedInStaff(context.app, db, { organisationId: derby, roles: ['contact_centre_agent'] });

    const wrong = await verify(agent.client, reference, 'DE1 1AA');
    expect(wrong.statusCode).toBe(404);
    expect(errorSummary(wrong.body)).toEqual([
      {
        href: '#reference',
        text: `No case you may see has the reference ${reference} with that postcode or email address. Check both with the caller and try again`,
      },
    ]);
    expect((await agent.client.get(casePage(id))).statusCode).toBe(403);

    const before = Date.now();
    const right = await verify(agent.client, reference.toLowerCase(), 'de43ag');
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe(casePage(id));
    const page = await agent.client.get(casePage(id));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Case ${reference}`);
    expect(page.body).toContain('The crew will return on Friday');
    // Status and reference only: nothing of where, what, or who.
    for (const hidden of [
      'ada.caller@example.com',
      '01629 580000',
      'Ada Resident',
      'Bin left unemptied by the gate',
      'Outside number 12',
      'DE4 3AG',
      'Which bins were missed?',
      'data-shirehall-map',
    ]) {
      expect(page.body, hidden).not.toContain(hidden);
    }
    // Reading it changes nothing: only a contact may be noted.
    expect(page.body).not.toContain(`action="/staff/cases/${id}/status"`);

    const checks = await db
      .selectFrom('case_caller_checks')
      .selectAll()
      .where('staff_id', '=', agent.staff.id)
      .orderBy('id')
      .execute();
    expect(checks.map((check) => check.succeeded)).toEqual([false, true]);
    expect(checks[1]).toMatchObject({ case_id: id, agreement_id: contactCentreAgreement });
    const lasts = checks[1].expires_at!.getTime() - before;
    expect(lasts).toBeGreaterThan(29 * 60_000);
    expect(lasts).toBeLessThanOrEqual(31 * 60_000);

    const audit = await auditOf(id, agent.staff.id);
    expect(audit.map((entry) => entry.action)).toEqual(['verify-caller-failed', 'verify-caller', 'read']);
    expect(audit[1].detail).toMatchObject({ agreementId: contactCentreAgreement, matched: 'postcode' });
    expect(audit[2].detail).toMatchObject({
      agreementId: contactCentreAgreement,
      categories: ['status_reference'],
      relationship: 'caller_verified',
    });

    // When the time is up, so is the access.
    await db
      .updateTable('case_caller_checks')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', checks[1].id)
      .execute();
    expect((await agent.client.get(casePage(id))).statusCode).toBe(403);
  });

  it('verifies by the email address on the case too, whatever its case', async () => {
    const { id, reference } = await report(services, 'graffiti', 'DE4 3AG', { email: 'Graffiti.Caller@example.com' });
    const agent = await signedInStaff(context.app, db, { organisationId: derby, roles: ['contact_centre_agent'] });
    const right = await verify(agent.client, reference, ' graffiti.caller@EXAMPLE.com ');
    expect(right.statusCode).toBe(303);
    expect((await agent.client.get(casePage(id))).statusCode).toBe(200);
  });

  it('is for the roles the agreement names: a service officer of the same council gets nothing', async () => {
    const { id, reference } = await report(services, 'missed-bin', 'DE4 3AG');
    const officer = await signedInStaff(context.app, db, { organisationId: derby, roles: ['service_officer'] });
    expect((await verify(officer.client, reference, 'DE4 3AG')).statusCode).toBe(404);
    expect((await officer.client.get(casePage(id))).statusCode).toBe(403);
  });

  it('stops after five wrong tries in half an hour, right or wrong', async () => {
    const { reference } = await report(services, 'missed-bin', 'DE4 3AG');
    const agent = await signedInStaff(context.app, db, { organisationId: derby, roles: ['contact_centre_agent'] });
    for (const guess of ['DE4 3AA', 'DE4 3AB', 'DE4 3AD', 'DE4 3AE', 'DE4 3AF'])
      expect((await verify(agent.client, reference, guess)).statusCode).toBe(404);
    const locked = await verify(agent.client, reference, 'DE4 3AG');
    expect(locked.statusCode).toBe(429);
    expect(errorSummary(locked.body)).toEqual([
      { href: '#verification', text: 'You have tried to verify callers too many times. Try again in 30 minutes' },
    ]);
  });
});

describe('a partner adviser, under an advice casework agreement', () => {
  it('sees a consented client’s case, contact details included, only while the consent holds', async () => {
    const { id, reference } = await consentedCase();
    const adviser = await signedInStaff(context.app, db, { organisationId: agency, roles: ['partner_adviser'] });
    const page = await adviser.client.get(casePage(id));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('cleo@example.com');
    expect(page.body).toContain('Report the bin and follow it up');
    const read = (await auditOf(id, adviser.staff.id)).filter((entry) => entry.action === 'read');
    expect(read.at(-1)?.detail).toMatchObject({
      agreementId: adviceAgreement,
      categories: ['status_reference', 'location_description', 'contact_details'],
      relationship: 'client_consent',
    });

    // Expired: gone at once; renewed: back.
    await db
      .updateTable('case_consents')
      .set({ expires_on: dayFromToday(-1) })
      .where('case_id', '=', id)
      .execute();
    expect((await adviser.client.get(casePage(id))).statusCode).toBe(403);
    await db
      .updateTable('case_consents')
      .set({ expires_on: dayFromToday(30) })
      .where('case_id', '=', id)
      .execute();
    expect((await adviser.client.get(casePage(id))).statusCode).toBe(200);

    // Withdrawn by the adviser: gone at once, from the case page and from the list of cases it recorded.
    expect(referencesIn((await adviser.client.get('/staff/cases?applied=yes&whose=recorded')).body)).toContain(
      reference,
    );
    const withdrawn = await adviser.client.post(`/staff/cases/${id}/consent/withdraw`, {}, casePage(id));
    expect(withdrawn.statusCode).toBe(303);
    const confirmation = await adviser.client.get(withdrawn.headers.location!);
    expect(confirmation.statusCode).toBe(200);
    expect(confirmation.body).toContain(`Citizens Advice Test can no longer see case ${reference}`);
    expect((await adviser.client.get(casePage(id))).statusCode).toBe(403);
    expect(referencesIn((await adviser.client.get('/staff/cases?applied=yes&whose=recorded')).body)).not.toContain(
      reference,
    );
    const consent = await db
      .selectFrom('case_consents')
      .selectAll()
      .where('case_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ withdrawn_by: 'staff', withdrawn_by_staff_id: adviser.staff.id });
    expect(consent.withdrawn_at).not.toBeNull();
    expect((await auditOf(id, adviser.staff.id)).map((entry) => entry.action)).toContain('withdraw-consent');
    // The council that has the case is told, in an internal note.
    const note = await db
      .selectFrom('case_events')
      .select('body')
      .where('case_id', '=', id)
      .where('kind', '=', 'internal_note')
      .executeTakeFirstOrThrow();
    expect(note.body).toContain('withdrew');
  });

  it('loses the case at once when the resident withdraws their consent on the tracking page', async () => {
    const { id, reference } = await consentedCase();
    const adviser = await signedInStaff(context.app, db, { organisationId: agency, roles: ['partner_adviser'] });
    expect((await adviser.client.get(casePage(id))).statusCode).toBe(200);

    const resident = new TestClient(context.app);
    const proven = await resident.post('/track', { reference, email: 'cleo@example.com' }, '/track');
    expect(proven.statusCode).toBe(303);
    const tracking = await resident.get(proven.headers.location!);
    expect(tracking.body).toContain('Citizens Advice Test can see this request');
    const stopped = await resident.post(`/track/${reference}/consent/withdraw`, {}, proven.headers.location!);
    expect(stopped.statusCode).toBe(303);
    const after = await resident.get(stopped.headers.location!);
    expect(after.body).toContain('Citizens Advice Test can no longer see this request');
    expect((await adviser.client.get(casePage(id))).statusCode).toBe(403);
    expect(
      await db.selectFrom('case_consents').select('withdrawn_by').where('case_id', '=', id).executeTakeFirstOrThrow(),
    ).toEqual({ withdrawn_by: 'resident' });

    // Someone who has not proved the reference and email cannot withdraw it.
    const { reference: other } = await consentedCase();
    const stranger = new TestClient(context.app);
    const refused = await stranger.post(`/track/${other}/consent/withdraw`, {}, '/track');
    expect(refused.statusCode).toBe(403);
  });

  it('sees no case of a client who did not consent, even of a council the agreement names', async () => {
    const { id } = await report(services, 'missed-bin', 'DE4 3AG');
    const adviser = await signedInStaff(context.app, db, { organisationId: agency, roles: ['partner_adviser'] });
    expect((await adviser.client.get(casePage(id))).statusCode).toBe(403);
  });

  it('is for the roles the agreement names: the agency’s administrator does not see its clients’ cases', async () => {
    const { id } = await consentedCase();
    const administrator = await signedInStaff(context.app, db, {
      organisationId: agency,
      roles: ['organisation_admin'],
    });
    expect((await administrator.client.get(casePage(id))).statusCode).toBe(403);
  });
});

describe('the categories of data an agreement shares', () => {
  it('hides contact details unless the agreement shares them, and special-category answers unless it shares those', async () => {
    const otherAgency = await partnerAgency(db, 'sharing-agency-without-contact');
    const agreement = await sharingAgreement(db, [otherAgency, dales], {
      purposeStatement: 'Advice casework, without contact details',
      categories: ['status_reference', 'location_description'],
      roles: ['partner_adviser'],
      relationship: 'client_consent',
    });
    const adviserActor = await staffActor(db, otherAgency, ['partner_adviser']);
    const made = await services.cases.submit(adviserActor, {
      serviceCode: 'missed-bin',
      place: await services.place('DE4 3AG'),
      locationDescription: 'Back gate',
      description: 'Missed again',
      answers: { bin_type: 'general' },
      channel: 'partner_agency',
      contact: { name: 'Dee Client', email: 'dee@example.com', phone: '07700 900456' },
      citizenId: null,
      consent: { givenBy: 'Dee Client', givenOn: dayFromToday(0), purpose: 'Chase the bin' },
    });
    if (made.outcome !== 'created') throw new Error(made.outcome);
    // The bin question is marked special category here, for the test's sake.
    const record = await services.repository.findById(made.caseId);
    await db
      .updateTable('request_type_questions')
      .set({ special_category: true })
      .where('request_type_id', '=', record!.request_type_id)
      .where('code', '=', 'bin_type')
      .execute();
    try {
      const adviser = await signedInStaff(context.app, db, { organisationId: otherAgency, roles: ['partner_adviser'] });
      const page = await adviser.client.get(casePage(made.caseId));
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Missed again');
      expect(page.body).toContain('Back gate');
      for (const hidden of ['Dee Client', 'dee@example.com', '07700 900456', 'Which bins were missed?'])
        expect(page.body, hidden).not.toContain(hidden);
      const read = (await auditOf(made.caseId, adviser.staff.id)).at(-1);
      expect(read?.detail).toMatchObject({
        agreementId: agreement,
        categories: ['status_reference', 'location_description'],
      });

      // The council that owns it sees everything.
      const officer = await signedInStaff(context.app, db, { organisationId: dales, roles: ['service_officer'] });
      const own = await officer.client.get(casePage(made.caseId));
      for (const shown of ['Dee Client', 'dee@example.com', 'Which bins were missed?'])
        expect(own.body, shown).toContain(shown);

      // Shared as special category too: the answer appears.
      await db
        .updateTable('data_sharing_agreements')
        .set({ categories: ['status_reference', 'location_description', 'special_category'] })
        .where('id', '=', agreement)
        .execute();
      const special = await adviser.client.get(casePage(made.caseId));
      expect(special.body).toContain('Which bins were missed?');
      expect(special.body).not.toContain('dee@example.com');
    } finally {
      await db
        .updateTable('request_type_questions')
        .set({ special_category: false })
        .where('request_type_id', '=', record!.request_type_id)
        .where('code', '=', 'bin_type')
        .execute();
    }
  });
});

describe('the find form, posted', () => {
  it('refuses staff who do not work with cases, and shows a missing reference beside its field', async () => {
    const analyst = await signedInStaff(context.app, db, { organisationId: derby, roles: ['analyst'] });
    const token = /name="_csrf" value="([^"]+)"/.exec((await analyst.client.get('/staff')).body)?.[1];
    expect(token).toBeDefined();
    expect(
      (await analyst.client.postWithToken('/staff/cases/find', { reference: '', verification: '' }, token)).statusCode,
    ).toBe(403);
    const agent = await signedInStaff(context.app, db, { organisationId: derby, roles: ['contact_centre_agent'] });
    const empty = await verify(agent.client, '', 'DE4 3AG');
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual([{ href: '#reference', text: 'Enter a case reference' }]);
    expect(empty.body).toContain('value="DE4 3AG"');
  });
});
