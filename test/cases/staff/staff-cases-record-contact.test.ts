import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import type { TestClient } from '../../support/http.js';
import {
  dayFromToday,
  gss,
  organisationId,
  partnerAgency,
  servicesFor,
  sharingAgreement,
  staffActor,
  type CasesServices,
} from './staff-cases-fixtures.js';
import { errorSummary } from '../../support/error-summary.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let derby: number;
let agency: number;
let agent: { client: TestClient; staff: { id: number } };

const start = '/staff/record-a-contact';
const details = '/staff/record-a-contact/details';
const detailsFor = (channel: string, kind: string, postcode: string) =>
  `${details}?${new URLSearchParams({ channel, kind, postcode })}`;

const casesCount = async () =>
  Number(
    (
      await db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow()
    ).count,
  );

const potholeForm = (channel: string, extra: Record<string, string> = {}) => ({
  channel,
  kind: 'pothole',
  postcode: 'DE4 3AG',
  locationDescription: 'Outside the post office',
  q_where_on_road: 'carriageway',
  q_depth_cm: '8',
  description: 'Caller says it is getting deeper',
  contactName: 'Bea Caller',
  contactEmail: 'bea@example.com',
  contactPhone: '01629 580002',
  ...extra,
});

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  derby = await organisationId(db, gss.derby);
  agency = await partnerAgency(db);
  agent = await signedInStaff(context.app, db, { organisationId: derby, roles: ['contact_centre_agent'] });
});

describe('an agent records a phone contact', () => {
  it('goes from what and where, to the details, to a confirmation with the reference', async () => {
    const first = await agent.client.get(start);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('<option value="pothole">Roads and pavements: Pothole</option>');
    for (const channel of ['phone', 'face_to_face', 'email', 'outreach', 'partner_agency'])
      expect(first.body).toContain(`value="${channel}"`);

    const second = await agent.client.get(detailsFor('phone', 'pothole', 'de43ag'));
    expect(second.statusCode).toBe(200);
    expect(second.body).toMatch(
      /It goes to\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*Derbyshire County Council/,
    );
    expect(second.body).toContain('name="q_where_on_road"');
    expect(second.body).toContain('Roughly how deep is it, in centimetres? (optional)');
    expect(second.body).not.toContain('The client’s consent');

    const sent = await agent.client.post(details, potholeForm('phone'), detailsFor('phone', 'pothole', 'DE4 3AG'));
    expect(sent.statusCode).toBe(303);
    const caseId = Number(/^\/staff\/record-a-contact\/recorded\/(\d+)$/.exec(sent.headers.location ?? '')?.[1]);
    const record = (await services.repository.findById(caseId))!;
    expect(record).toMatchObject({
      channel: 'phone',
      organisation_name: 'Derbyshire County Council',
      recorded_by_organisation_id: derby,
      created_by_staff_id: agent.staff.id,
      contact_email: 'bea@example.com',
      location_description: 'Outside the post office',
      postcode: 'DE4 3AG',
    });
    expect(record.answers).toEqual({ where_on_road: 'carriageway', depth_cm: 8 });

    const done = await agent.client.get(sent.headers.location!);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain(`Reference<br><strong>${record.reference}</strong>`);
    expect(done.body).toContain('we have emailed it to bea@example.com');
    const receipt = await db
      .selectFrom('email_outbox')
      .select('subject')
      .where('to_address', '=', 'bea@example.com')
      .executeTakeFirstOrThrow();
    expect(receipt.subject).toBe(`We have your report: Pothole (${record.reference})`);
    // The agent's council does not own it, but recorded it, so may follow it.
    expect((await agent.client.get(`/staff/cases/${caseId}`)).statusCode).toBe(200);
    expect((await agent.client.get('/staff/cases?whose=recorded&applied=yes')).body).toContain(record.reference);
  });

  it('records each channel as it was', async () => {
    const officer = await signedInStaff(context.app, db, {
      organisationId: await organisationId(db, gss.county),
      roles: ['service_officer'],
    });
    for (const channel of ['phone', 'face_to_face', 'email', 'outreach', 'partner_agency']) {
      const sent = await officer.client.post(
        details,
        potholeForm(channel, { contactEmail: '' }),
        detailsFor(channel, 'pothole', 'DE4 3AG'),
      );
      expect(sent.statusCode, channel).toBe(303);
      const caseId = Number(sent.headers.location?.split('/').at(-1));
      const record = await services.repository.findById(caseId);
      expect(record?.channel).toBe(channel);
      const created = await db
        .selectFrom('case_events')
        .select('channel')
        .where('case_id', '=', caseId)
        .where('kind', '=', 'created')
        .executeTakeFirstOrThrow();
      expect(created.channel).toBe(channel);
    }
  });

  it('takes a contact with no contact details at all, for any kind', async () => {
    const sent = await agent.client.post(
      details,
      {
        channel: 'face_to_face',
        kind: 'missed-bin',
        postcode: 'DE1 0AL',
        locationDescription: 'Flat 3',
        q_bin_type: ['general', 'food'],
        description: 'Missed twice',
      },
      detailsFor('face_to_face', 'missed-bin', 'DE1 0AL'),
    );
    expect(sent.statusCode).toBe(303);
    const record = await services.repository.findById(Number(sent.headers.location?.split('/').at(-1)));
    expect(record).toMatchObject({
      organisation_name: 'Derby City Council',
      contact_email: null,
      contact_phone: null,
      answers: { bin_type: ['general', 'food'] },
    });
  });
});

describe('routing, as the resident’s own journey routes', () => {
  it('names the council that deals with a place outside the partnership, and records nothing', async () => {
    const before = await casesCount();
    const response = await agent.client.get(detailsFor('phone', 'pothole', 'DE14 1AA'));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<h1 class="govuk-heading-l">Staffordshire County Council deals with this</h1>');
    expect(response.body).toContain('Nothing has been recorded.');
    const posted = await agent.client.post(details, potholeForm('phone', { postcode: 'DE14 1AA' }), start);
    expect(posted.statusCode).toBe(200);
    expect(posted.body).toContain('Staffordshire County Council deals with this');
    expect(await casesCount()).toBe(before);
  });

  it('says what is missing or wrong in step 1', async () => {
    const empty = await agent.client.get(`${details}?channel=&kind=&postcode=`);
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toEqual([
      { href: '#channel', text: 'Select how the person got in touch' },
      { href: '#kind', text: 'Select the kind of request' },
      { href: '#postcode', text: 'Enter the postcode of the place' },
    ]);
    const malformed = await agent.client.get(detailsFor('phone', 'pothole', 'not a postcode'));
    expect(errorSummary(malformed.body)).toEqual([{ href: '#postcode', text: 'Enter a real postcode, like DE4 3AG' }]);
    expect(malformed.body).toContain('value="not a postcode"');
    expect(malformed.body).toMatch(/value="phone" checked/);
    const unknown = await agent.client.get(detailsFor('phone', 'pothole', 'DE4 9ZZ'));
    expect(errorSummary(unknown.body)).toEqual([
      {
        href: '#postcode',
        text: 'DE4 9ZZ is not in our list of postcodes. Check it is right; if it is, enter a postcode nearby',
      },
    ]);
    const noSuchKind = await agent.client.get(detailsFor('phone', 'dragon-sighting', 'DE4 3AG'));
    expect(errorSummary(noSuchKind.body)).toEqual([{ href: '#kind', text: 'Select the kind of request' }]);
  });

  it('says what is wrong in the details, in the order of the form, keeping what was typed', async () => {
    const before = await casesCount();
    const response = await agent.client.post(
      details,
      potholeForm('email', {
        locationDescription: '',
        q_where_on_road: '',
        q_depth_cm: 'deep',
        description: '',
        contactEmail: 'not-an-email',
        contactPhone: '12',
      }),
      detailsFor('email', 'pothole', 'DE4 3AG'),
    );
    expect(response.statusCode).toBe(400);
    expect(errorSummary(response.body)).toEqual([
      { href: '#locationDescription', text: 'Describe where exactly, like outside number 12' },
      { href: '#q_where_on_road', text: 'Select where the pothole is' },
      { href: '#q_depth_cm', text: 'Your answer must be a number, like 5' },
      { href: '#description', text: 'Enter what the request is about' },
      { href: '#contactEmail', text: 'Enter an email address in the correct format, like name@example.com' },
      { href: '#contactPhone', text: 'Enter a telephone number, like 01632 960 001 or 07700 900 982' },
    ]);
    expect(response.body).toContain('value="deep"');
    expect(response.body).toContain('value="Bea Caller"');
    expect(await casesCount()).toBe(before);
  });
});

describe('a partner adviser records a contact for a client', () => {
  it('must record the client’s consent: who, when and for what', async () => {
    const adviser = await signedInStaff(context.app, db, { organisationId: agency, roles: ['partner_adviser'] });
    const form = potholeForm('partner_agency', { postcode: 'S40 1AA' });
    const page = await adviser.client.get(detailsFor('partner_agency', 'pothole', 'S40 1AA'));
    expect(page.body).toContain('The client’s consent');

    const before = await casesCount();
    const missing = await adviser.client.post(details, form, detailsFor('partner_agency', 'pothole', 'S40 1AA'));
    expect(missing.statusCode).toBe(400);
    expect(errorSummary(missing.body)).toEqual([
      { href: '#consentGivenBy', text: 'Enter the name of the person who gave consent' },
      { href: '#consentGivenOn-day', text: 'Enter the date consent was given' },
      { href: '#consentPurpose', text: 'Enter what the client agreed to' },
    ]);
    const tomorrow = dayFromToday(2).split('-');
    const future = await adviser.client.post(
      details,
      {
        ...form,
        consentGivenBy: 'Bea Caller',
        'consentGivenOn-day': tomorrow[2],
        'consentGivenOn-month': tomorrow[1],
        'consentGivenOn-year': tomorrow[0],
        consentPurpose: 'Report it',
      },
      detailsFor('partner_agency', 'pothole', 'S40 1AA'),
    );
    expect(errorSummary(future.body)).toEqual([
      { href: '#consentGivenOn-day', text: 'The date consent was given must be today or in the past' },
    ]);
    expect(future.body).toContain('>Report it</textarea>');
    expect(await casesCount()).toBe(before);

    const yesterday = dayFromToday(-1).split('-');
    const sent = await adviser.client.post(
      details,
      {
        ...form,
        consentGivenBy: 'Bea Caller',
        'consentGivenOn-day': yesterday[2],
        'consentGivenOn-month': yesterday[1],
        'consentGivenOn-year': yesterday[0],
        consentPurpose: 'Report the pothole and follow it up',
      },
      detailsFor('partner_agency', 'pothole', 'S40 1AA'),
    );
    expect(sent.statusCode).toBe(303);
    const caseId = Number(sent.headers.location?.split('/').at(-1));
    expect(await services.repository.findById(caseId)).toMatchObject({
      channel: 'partner_agency',
      recorded_by_organisation_id: agency,
    });
    const consent = await db
      .selectFrom('case_consents')
      .selectAll()
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(consent).toMatchObject({
      given_by: 'Bea Caller',
      given_on: dayFromToday(-1),
      purpose: 'Report the pothole and follow it up',
      recorded_by_staff_id: adviser.staff.id,
    });

    // The confirmation says where it went; following the case needs an agreement for clients who consent.
    const confirmation = await adviser.client.get(sent.headers.location!);
    expect(confirmation.statusCode).toBe(200);
    expect(confirmation.body).not.toContain(`href="/staff/cases/${caseId}"`);
    expect((await adviser.client.get(`/staff/cases/${caseId}`)).statusCode).toBe(403);
    const record = await services.repository.findById(caseId);
    await sharingAgreement(db, [agency, record!.organisation_id], {
      categories: ['status_reference', 'location_description', 'contact_details'],
      roles: ['partner_adviser'],
      relationship: 'client_consent',
    });
    const casePage = await adviser.client.get(`/staff/cases/${caseId}`);
    expect(casePage.statusCode).toBe(200);
    expect(casePage.body).toContain('Report the pothole and follow it up');
    expect(casePage.body).toContain('Citizens Advice Test');
  });

  it('records how long the consent lasts, and for whom: the adviser’s organisation', async () => {
    const adviser = await signedInStaff(context.app, db, { organisationId: agency, roles: ['partner_adviser'] });
    const from = detailsFor('partner_agency', 'pothole', 'S40 1AA');
    const [year, month, day] = dayFromToday(-1).split('-');
    const consentFields = {
      consentGivenBy: 'Cy Client',
      'consentGivenOn-day': day,
      'consentGivenOn-month': month,
      'consentGivenOn-year': year,
      consentPurpose: 'Report it',
    };
    const wrong = await adviser.client.post(
      details,
      { ...potholeForm('partner_agency', { postcode: 'S40 1AA' }), ...consentFields, consentLasts: '99' },
      from,
    );
    expect(wrong.statusCode).toBe(400);
    expect(errorSummary(wrong.body)).toEqual([{ href: '#consentLasts', text: 'Select how long the consent lasts' }]);

    const sent = await adviser.client.post(
      details,
      { ...potholeForm('partner_agency', { postcode: 'S40 1AA' }), ...consentFields, consentLasts: '3' },
      from,
    );
    expect(sent.statusCode).toBe(303);
    const caseId = Number(sent.headers.location?.split('/').at(-1));
    const consent = await db
      .selectFrom('case_consents')
      .select(['organisation_id', 'expires_on', 'withdrawn_at'])
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    const threeMonths = new Date(
      Date.UTC(
        Number(year),
        Number(month) - 1 + 3,
        Math.min(Number(day), new Date(Date.UTC(Number(year), Number(month) + 3, 0)).getUTCDate()),
      ),
    );
    expect(consent).toEqual({
      organisation_id: agency,
      expires_on: threeMonths.toISOString().slice(0, 10),
      withdrawn_at: null,
    });
  });

  it('is refused by the core without consent, whatever the form does', async () => {
    const adviser = await staffActor(db, agency, ['partner_adviser']);
    const result = await services.cases.submit(adviser, {
      serviceCode: 'pothole',
      place: await services.place('S40 1AA'),
      locationDescription: 'x',
      description: 'y',
      answers: { where_on_road: 'carriageway' },
      channel: 'partner_agency',
      contact: { name: null, email: null, phone: null },
      citizenId: null,
    });
    expect(result).toEqual({ outcome: 'consent-required' });
  });
});

describe('who may record a contact', () => {
  it('refuses staff who do not work with cases', async () => {
    for (const role of ['recruiter', 'analyst', 'partnership_admin'] as const) {
      const member = await signedInStaff(context.app, db, { organisationId: derby, roles: [role] });
      expect((await member.client.get(start)).statusCode, role).toBe(403);
      expect((await member.client.get(detailsFor('phone', 'pothole', 'DE4 3AG'))).statusCode, role).toBe(403);
    }
  });

  it('sends people who are not signed in to sign in', async () => {
    const response = await context.app.inject({ method: 'GET', url: start });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/staff/sign-in?next=%2Fstaff%2Frecord-a-contact');
  });
});
