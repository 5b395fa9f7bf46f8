import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.js';
import type { Database } from '../../../src/db/schema.js';
import { signedInStaff } from '../../support/accounts.js';
import { testConfig, useTestApp } from '../../support/app.js';
import { TestClient } from '../../support/http.js';
import {
  gss,
  organisationId,
  partnerAgency,
  report,
  servicesFor,
  staffActor,
  type CasesServices,
} from '../staff/staff-cases-fixtures.js';

const context = useTestApp();
let db: Kysely<Database>;
let services: CasesServices;
let dales: number;

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const notFound = 'We cannot find a request with that reference and phone number';

beforeAll(async () => {
  db = context.database.db;
  services = await servicesFor(db);
  dales = await organisationId(db, gss.dales);
});

/** A case recorded for someone who gave a telephone number and no email address (the fixtures give 01629 580000). */
const phoneCase = () => report(services, 'missed-bin', 'DE4 3AG', { email: null, channel: 'phone' });

describe('following a request by reference and phone number', () => {
  it('opens the request’s own page for its phone number, written as people write it', async () => {
    const { reference } = await phoneCase();
    const resident = new TestClient(context.app);
    const start = await resident.get(`/track?reference=${reference}`);
    expect(text(start.body)).toContain('No email address?');
    expect(start.body).toContain(`href="/track/phone?reference=${reference}"`);
    const form = await resident.get(`/track/phone?reference=${reference}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('action="/track/phone"');
    expect(form.body).toContain(`value="${reference}"`);

    for (const phone of ['+44 1629 580000', '(01629) 580 000', '0044-1629-580000']) {
      const client = new TestClient(context.app);
      const found = await client.post('/track/phone', { reference: reference.toLowerCase(), phone }, '/track/phone');
      expect(found.statusCode).toBe(303);
      expect(found.headers.location).toBe(`/track/${reference}`);
      const page = await client.get(found.headers.location!);
      expect(text(page.body)).toContain(`Your request ${reference}`);
      expect(text(page.body)).toContain('Please deal with this');
    }
  });

  it('gives one answer for a wrong reference and a wrong number, so neither is revealed', async () => {
    const { reference } = await phoneCase();
    const client = new TestClient(context.app);
    const wrongPhone = await client.post('/track/phone', { reference, phone: '01629 999999' }, '/track/phone');
    const wrongReference = await client.post(
      '/track/phone',
      { reference: 'DBY-2026-999999', phone: '01629 580000' },
      '/track/phone',
    );
    for (const response of [wrongPhone, wrongReference]) {
      expect(response.statusCode).toBe(400);
      expect(text(response.body)).toContain(notFound);
    }
    // The same page but for what was typed, the CSRF token and the scripts' nonce.
    const withoutValues = (html: string) =>
      html
        .replace(/value="[^"]*"/g, '')
        .replace(/name="_csrf"[^>]*/g, '')
        .replace(/nonce="[^"]*"/g, '');
    expect(withoutValues(wrongPhone.body)).toBe(withoutValues(wrongReference.body));

    const anonymousCase = await report(services, 'missed-bin', 'DE4 3AG', { email: null });
    await db.updateTable('cases').set({ contact_phone: null }).where('id', '=', anonymousCase.id).execute();
    const noPhone = await client.post(
      '/track/phone',
      { reference: anonymousCase.reference, phone: '' },
      '/track/phone',
    );
    expect(noPhone.statusCode).toBe(400);
    expect(text(noPhone.body)).toContain('Enter the phone number you gave us');
  });

  it('lets the resident of a duplicate follow the original with their own phone number or email address', async () => {
    const original = await report(services, 'missed-bin', 'DE4 3AG', { email: 'original@example.com' });
    const duplicate = await phoneCase();
    await db.updateTable('cases').set({ contact_phone: '07700 900456' }).where('id', '=', duplicate.id).execute();
    const emailed = await report(services, 'missed-bin', 'DE4 3AG', { email: 'second@example.com' });
    const officer = await staffActor(db, dales, ['service_officer']);
    for (const { id } of [duplicate, emailed])
      await services.workflow.changeStatus(officer, id, {
        status: 'closed',
        closureReason: 'duplicate',
        duplicateOf: original.id,
        message: '',
      });

    const byPhone = new TestClient(context.app);
    const phoneFound = await byPhone.post(
      '/track/phone',
      { reference: original.reference, phone: '07700900456' },
      '/track/phone',
    );
    expect(phoneFound.headers.location).toBe(`/track/${original.reference}`);
    const byEmail = new TestClient(context.app);
    const emailFound = await byEmail.post(
      '/track',
      { reference: original.reference, email: 'second@example.com' },
      '/track',
    );
    expect(emailFound.headers.location).toBe(`/track/${original.reference}`);
  });
});

describe('the confirmation of a recorded contact says how the client can follow it', () => {
  it('gives the agent the reference, the address and “the phone number you gave us”', async () => {
    const agent = await signedInStaff(context.app, db, { organisationId: dales, roles: ['contact_centre_agent'] });
    const query = new URLSearchParams({ channel: 'phone', kind: 'missed-bin', postcode: 'DE4 3AG' });
    const sent = await agent.client.post(
      '/staff/record-a-contact/details',
      {
        channel: 'phone',
        kind: 'missed-bin',
        postcode: 'DE4 3AG',
        locationDescription: 'By the gate',
        q_bin_type: 'general',
        description: 'Missed again',
        contactName: 'Phil Phone',
        contactEmail: '',
        contactPhone: '07700 900111',
      },
      `/staff/record-a-contact/details?${query}`,
    );
    expect(sent.statusCode).toBe(303);
    const done = text((await agent.client.get(sent.headers.location!)).body);
    const reference = /Reference (DBY-\d{4}-\d{6})/.exec(done)![1];
    expect(done).toMatch(
      new RegExp(
        `They can follow it at https?://\\S+/track with the reference ${reference} and the phone number you gave us\\.`,
      ),
    );
  });

  it('tells a partner adviser they follow it for their client', async () => {
    const agency = await partnerAgency(db, 'advice-follow-test');
    const adviser = await signedInStaff(context.app, db, { organisationId: agency, roles: ['partner_adviser'] });
    const query = new URLSearchParams({ channel: 'partner_agency', kind: 'missed-bin', postcode: 'DE4 3AG' });
    const today = new Date().toISOString().slice(0, 10).split('-');
    const sent = await adviser.client.post(
      '/staff/record-a-contact/details',
      {
        channel: 'partner_agency',
        kind: 'missed-bin',
        postcode: 'DE4 3AG',
        locationDescription: 'By the gate',
        q_bin_type: 'general',
        description: 'Missed again',
        contactName: 'Cleo Client',
        contactEmail: '',
        contactPhone: '',
        consentGivenBy: 'Cleo Client',
        'consentGivenOn-day': today[2],
        'consentGivenOn-month': today[1],
        'consentGivenOn-year': today[0],
        consentPurpose: 'To follow her bin collection',
        consentLasts: '6',
      },
      `/staff/record-a-contact/details?${query}`,
    );
    expect(sent.statusCode).toBe(303);
    const done = text((await adviser.client.get(sent.headers.location!)).body);
    expect(done).toContain('They gave no email address or phone number, so they cannot follow it online.');
    expect(done).toContain('Your organisation follows it for them: it is in “Cases we recorded for other partners”');
  });
});

describe('the phone form is rate limited', () => {
  let limitedApp: FastifyInstance;
  beforeAll(async () => {
    limitedApp = await buildApp({ config: testConfig({ signInAttemptsPerMinute: 3 }), db });
  });
  afterAll(async () => {
    await limitedApp?.close();
  });

  it('answers 429 after too many tries in a minute', async () => {
    const client = new TestClient(limitedApp);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++)
      statuses.push(
        (await client.post('/track/phone', { reference: 'DBY-2026-000001', phone: '01629 111111' }, '/track/phone'))
          .statusCode,
      );
    expect(statuses).toEqual([400, 400, 400, 429]);
  });
});
