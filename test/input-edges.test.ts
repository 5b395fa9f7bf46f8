import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.js';
import { createStaff, organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';
import { issueTestKey, missedBin, parseXml, postForm } from './support/open311.js';

/**
 * Finding 3 of issue 9: each cause of a 500 that the fuzz suite (fuzz-inputs.test.ts) found, kept
 * as a plain example so it is clear what each answers now. Runs on PGlite and, with DATABASE_URL,
 * on PostgreSQL, where two requests really do run at the same moment.
 */
const context = useTestApp();
let db: Kysely<Database>;
let county: number;
let amberValley: number;
let officer: TestClient;
let admin: TestClient;
let partnershipAdmin: TestClient;

beforeAll(async () => {
  db = context.database.db;
  [county, amberValley] = await Promise.all(['E10000007', 'E07000032'].map((gss) => organisationId(db, gss)));
  ({ client: officer } = await signedInStaff(context.app, db, {
    organisationId: county,
    roles: ['service_officer', 'analyst', 'organisation_admin'],
  }));
  ({ client: admin } = await signedInStaff(context.app, db, { organisationId: county, roles: ['organisation_admin'] }));
  ({ client: partnershipAdmin } = await signedInStaff(context.app, db, {
    organisationId: county,
    roles: ['partnership_admin'],
  }));
});

const count = async (table: 'staff' | 'teams' | 'report_drafts' | 'email_outbox' | 'organisations') =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('a NUL byte in an address, a query or a form', () => {
  it('answers a page with 400, not 500', async () => {
    for (const url of ['/track/%00', '/track/DBY-2026%00-000001', '/services/%00']) {
      const response = await context.app.inject({ url });
      expect(response.statusCode, url).toBe(400);
      expect(response.body).toContain('There is a problem with your request');
    }
    for (const url of ['/staff/cases?q=%00', '/staff/cases/find?reference=%00', '/staff/audit?action=%00']) {
      expect((await officer.get(url)).statusCode, url).toBe(400);
    }
    const form = await new TestClient(context.app).post('/track', {
      reference: 'DBY-2026-000001\u0000',
      email: 'a@example.org',
    });
    expect(form.statusCode).toBe(400);
  });

  it('answers the JSON API in JSON', async () => {
    const response = await context.app.inject({ url: '/api/v1/places/postcodes/DE4%003AG' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].code).toMatch(/^(invalid_characters|invalid_postcode)$/);
  });

  it('answers Open311 in its own XML or JSON, without repeating the bad input', async () => {
    const xml = await context.app.inject({ url: '/open311/v2/requests/DBY-2026%00-000001.xml' });
    expect(xml.statusCode).toBe(400);
    expect(parseXml(xml.body).errors.error[0].code).toBe('400');
    const json = await context.app.inject({ url: '/open311/v2/requests.json?service_request_id=a%00b' });
    expect(json.statusCode).toBe(400);
    expect(json.json()[0].description).toContain('NUL byte');

    const { key } = await issueTestKey(db, 'Echo test');
    const posted = await postForm(
      context.app,
      '/open311/v2/requests.xml',
      missedBin(key, [['description', 'Bin out\u0000']]),
    );
    expect(posted.statusCode).toBe(400);
    expect(posted.body).not.toContain('\u0000');
    const asJson = await context.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ api_key: key, service_code: 'missed\u0000bin', address_string: 'DE4 3AG' }),
    });
    expect(asJson.statusCode).toBe(400);
  });
});

describe('a lone surrogate in text stored as jsonb', () => {
  it('is refused with 400 and the report draft is not saved', async () => {
    const client = new TestClient(context.app);
    const token = await client.csrfToken('/report');
    const drafts = await count('report_drafts');
    const response = await client.send({
      method: 'POST',
      url: '/report',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      payload: '{"serviceCode":"missed-bin","search":"\\ud800"}',
    });
    expect(response.statusCode).toBe(400);
    expect(await count('report_drafts')).toBe(drafts);
  });
});

describe('an empty or null JSON body posted to a form, with the CSRF token in a header', () => {
  it('is a bad request, not a server error', async () => {
    const client = new TestClient(context.app);
    const token = await client.csrfToken('/track');
    for (const url of ['/track', '/report', '/staff/sign-in', '/staff/reset-password', '/account/register']) {
      for (const payload of ['null', '[]', '"text"', '{"reference":{"a":1}}']) {
        const response = await client.send({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', 'x-csrf-token': token },
          payload,
        });
        expect(response.statusCode, `${url} ${payload}`).toBe(400);
      }
      const empty = await client.send({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        payload: '',
      });
      expect(empty.statusCode, `${url} empty`).toBe(400);
    }
  });

  it('takes a post with no body at all as a form with no fields: its errors, beside them', async () => {
    const client = new TestClient(context.app);
    const token = await client.csrfToken('/track');
    const response = await client.send({ method: 'POST', url: '/track', headers: { 'x-csrf-token': token } });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('govuk-error-summary');
  });

  it('shows the staff account form again when a field is missing altogether', async () => {
    const response = await admin.post('/staff/accounts/new', {
      name: 'No Organisation',
      email: 'no.organisation@derbyshire.example',
      roles: 'analyst',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Select an organisation');
  });
});

describe('a query parameter given twice', () => {
  it('is read once', async () => {
    const reset = await context.app.inject({ url: '/staff/reset-password?token=a&token=b' });
    expect(reset.statusCode).toBe(410);
    expect((await context.app.inject({ url: '/account/reset-password?token=a&token=b' })).statusCode).toBe(410);
    expect((await context.app.inject({ url: '/account/verify?token=a&token=b' })).statusCode).toBe(410);
    expect((await context.app.inject({ url: '/satisfaction?token=a&token=b' })).statusCode).toBe(404);
    const provider = await context.app.inject({ url: '/api/v1/services/524/provider?postcode=a&postcode=b' });
    expect(provider.statusCode).toBe(400);
    expect(provider.json().errors[0].code).toBe('invalid_postcode');
  });
});

describe('the staff account status form', () => {
  it('refuses anything but true or false beside its button, and changes nothing', async () => {
    const member = await createStaff(db, { organisationId: county, roles: ['analyst'] });
    for (const disabled of ['maybe', '', '1']) {
      const response = await admin.post(
        `/staff/accounts/${member.id}/status`,
        { disabled },
        `/staff/accounts/${member.id}`,
      );
      expect(response.statusCode, disabled).toBe(400);
      expect(response.body).toContain('href="#status-button">Choose to disable or enable the account with its button');
    }
    const twice = await admin.post(
      `/staff/accounts/${member.id}/status`,
      { disabled: ['true', 'false'] },
      `/staff/accounts/${member.id}`,
    );
    expect(twice.statusCode).toBe(400);
    const row = await db
      .selectFrom('staff')
      .select('disabled_at')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(row.disabled_at).toBeNull();
  });
});

describe('an email address that has a staff account already', () => {
  const message =
    'A new account cannot be made with this email address: it may have one already. Check the address, or ask a partnership administrator';

  it('gets the same answer whether the account is in this organisation or another, and nothing is saved or sent', async () => {
    const elsewhere = await createStaff(db, { organisationId: amberValley, roles: ['analyst'] });
    const here = await createStaff(db, { organisationId: county, roles: ['analyst'] });
    const [staff, emails] = [await count('staff'), await count('email_outbox')];
    const answers: string[] = [];
    for (const email of [elsewhere.email, here.email.toUpperCase()]) {
      // A role an organisation's administrator may grant (role-grants.ts), so only the address is in question.
      const response = await admin.post('/staff/accounts/new', {
        organisationId: String(county),
        name: 'New Person',
        email,
        roles: 'service_officer',
      });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain(`href="#email">${message}`);
      expect(response.body).not.toContain('Amber Valley');
      answers.push(/<div class="govuk-error-summary[\s\S]*?<\/div>\s*<\/div>/.exec(response.body)?.[0] ?? '');
    }
    expect(answers[0]).toBe(answers[1]);
    expect(await count('staff')).toBe(staff);
    expect(await count('email_outbox')).toBe(emails);
  });

  it('gives the second of two administrators adding one address at once the same answer, not 500', async () => {
    const token = await partnershipAdmin.csrfToken('/staff/accounts/new');
    const form = {
      organisationId: String(county),
      name: 'Twice Added',
      email: 'twice.added@derbyshire.example',
      roles: 'analyst',
    };
    const responses = await Promise.all([
      partnershipAdmin.postWithToken('/staff/accounts/new', form, token),
      partnershipAdmin.postWithToken('/staff/accounts/new', form, token),
    ]);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([303, 400]);
    const rows = await db.selectFrom('staff').select('id').where('email', '=', form.email).execute();
    expect(rows).toHaveLength(1);
    const invitations = await db.selectFrom('email_outbox').select('id').where('to_address', '=', form.email).execute();
    expect(invitations).toHaveLength(1);
  });
});

describe('two people creating things of the same name at the same moment', () => {
  it('tells the second that the team exists, beside its name', async () => {
    const token = await admin.csrfToken('/staff/teams/new');
    const form = { organisationId: String(county), name: 'Gritting at once', email: '' };
    const responses = await Promise.all([
      admin.postWithToken('/staff/teams/new', form, token),
      admin.postWithToken('/staff/teams/new', form, token),
    ]);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([303, 400]);
    expect(responses.find((response) => response.statusCode === 400)?.body).toContain(
      'already has a team called Gritting at once',
    );
    const teams = await db.selectFrom('teams').select('id').where('name', '=', form.name).execute();
    expect(teams).toHaveLength(1);
  });

  it('makes both organisations of one name, each with a slug of its own', async () => {
    const token = await partnershipAdmin.csrfToken('/staff/organisations/new');
    const form = { name: 'Twin Trust', type: 'housing', emailDomain: '' };
    const responses = await Promise.all(
      [0, 1, 2].map(() => partnershipAdmin.postWithToken('/staff/organisations/new', form, token)),
    );
    expect(responses.map((response) => response.statusCode)).toEqual([303, 303, 303]);
    const slugs = (await db.selectFrom('organisations').select('slug').where('name', '=', form.name).execute())
      .map((row) => row.slug)
      .sort();
    expect(slugs).toEqual(['twin-trust', 'twin-trust-2', 'twin-trust-3']);
  });
});
