import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import type { TestClient } from './support/http.js';

const context = useTestApp();
let db: Kysely<Database>;
let admin: TestClient;
let county: number;
let amberValley: number;
let derby: number;

const binCollection = 524;
const libraries = 437;
const agreementCount = async () =>
  Number((await db.selectFrom('data_sharing_agreements').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const auditOf = (id: number) =>
  db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('record_type', '=', 'data-sharing-agreement')
    .where('record_id', '=', String(id))
    .orderBy('id')
    .execute();
const statusOf = async (id: number) =>
  (await db.selectFrom('data_sharing_agreements').select('status').where('id', '=', id).executeTakeFirstOrThrow())
    .status;

const validForm = () => ({
  title: 'Cases between the county and Amber Valley',
  parties: [String(county), String(amberValley)],
  purposeStatement: 'Contact centre enquiries',
  purpose: 'cases',
  coverage: 'chosen',
  services: [String(binCollection)],
  categories: ['status_reference'],
  roles: ['contact_centre_agent'],
  relationship: 'caller_verified',
  'validFrom-day': '1',
  'validFrom-month': '1',
  'validFrom-year': '2020',
  'validTo-day': '',
  'validTo-month': '',
  'validTo-year': '',
});

async function createAgreement(form: Record<string, string | string[]> = validForm()) {
  const response = await admin.post('/staff/agreements/new', form);
  expect(response.statusCode).toBe(303);
  return Number(/agreements\/(\d+)/.exec(String(response.headers.location))?.[1]);
}

const covers = (lgsl: number | null, from = county, to = amberValley) =>
  context.app.activeAgreements.coversSharing({ from, to, purpose: 'cases', lgsl, on: new Date() });

beforeAll(async () => {
  db = context.database.db;
  [county, amberValley, derby] = await Promise.all(
    ['E10000007', 'E07000032', 'E06000015'].map((gss) => organisationId(db, gss)),
  );
  ({ client: admin } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] }));
});

describe('adding an agreement', () => {
  it('saves a draft with its parties and services, audited, and shows it', async () => {
    const id = await createAgreement();
    const saved = await db
      .selectFrom('data_sharing_agreements')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({
      status: 'draft',
      purpose: 'cases',
      covers_all_services: false,
      valid_from: '2020-01-01',
      valid_to: null,
    });
    const parties = await db
      .selectFrom('agreement_parties')
      .select('organisation_id')
      .where('agreement_id', '=', id)
      .execute();
    expect(parties.map((party) => party.organisation_id).sort()).toEqual([county, amberValley].sort());
    const services = await db.selectFrom('agreement_services').select('lgsl').where('agreement_id', '=', id).execute();
    expect(services).toEqual([{ lgsl: binCollection }]);
    expect((await auditOf(id)).map((entry) => entry.action)).toEqual(['create']);

    const page = await admin.get(`/staff/agreements/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Amber Valley Borough Council, Derbyshire County Council');
    expect(page.body).toContain('Find out which day the refuse is collected (LGSL 524)');
    expect(page.body).toContain('1 January 2020');
    expect(page.body).toContain('No end date');
    expect(page.body).toContain('Draft');
    // A draft shares nothing.
    expect(await covers(binCollection)).toBe(false);
  });

  it('shows every problem beside its field, keeps what was typed, and saves nothing', async () => {
    const before = await agreementCount();
    const response = await admin.post('/staff/agreements/new', {
      ...validForm(),
      title: '',
      parties: [String(county)],
      purpose: '',
      services: [],
      'validFrom-day': '',
      'validFrom-month': '',
      'validFrom-year': '',
    });
    expect(response.statusCode).toBe(400);
    for (const [message, href] of [
      ['Enter the agreement’s title', '#title'],
      ['Select at least two organisations', '#parties'],
      ['Select what the agreement lets the parties share', '#purpose'],
      ['Select at least one service', '#services'],
      ['Enter the date the agreement is valid from', '#validFrom-day'],
    ]) {
      expect(response.body).toContain(message);
      expect(response.body).toContain(`href="${href}"`);
    }
    // The summary lists the problems in the order of the fields on the page.
    const positions = ['#title', '#parties', '#purpose', '#services', '#validFrom-day'].map((href) =>
      response.body.indexOf(`href="${href}"`),
    );
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(response.body).toMatch(new RegExp(`name="parties" type="checkbox" value="${county}" checked`));
    expect(await agreementCount()).toBe(before);
  });

  it('refuses a valid-to date before the valid-from date', async () => {
    const before = await agreementCount();
    const response = await admin.post('/staff/agreements/new', {
      ...validForm(),
      'validTo-day': '31',
      'validTo-month': '12',
      'validTo-year': '2019',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Valid to date must be the same as or after the valid from date');
    expect(response.body).toContain('href="#validTo-day"');
    expect(await agreementCount()).toBe(before);
  });

  it('refuses a service that is not on the LGSL list, and saves nothing', async () => {
    const before = await agreementCount();
    const response = await admin.post('/staff/agreements/new', { ...validForm(), services: ['999999'] });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Select services from the list');
    expect(await agreementCount()).toBe(before);
  });

  it('ignores chosen services when it covers all of them', async () => {
    const id = await createAgreement({ ...validForm(), coverage: 'all', services: [String(libraries)] });
    expect(await db.selectFrom('agreement_services').select('lgsl').where('agreement_id', '=', id).execute()).toEqual(
      [],
    );
  });
});

describe('an agreement’s life: draft, active, ended', () => {
  it('changes a draft, activates it so sharing is allowed, then ends it so sharing stops', async () => {
    const id = await createAgreement();
    const form = await admin.get(`/staff/agreements/${id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`value="${binCollection}" checked`);
    expect(form.body).toMatch(/name="validFrom-year" type="text" value="2020"/);

    const changed = await admin.post(`/staff/agreements/${id}/edit`, {
      ...validForm(),
      services: [String(binCollection), String(libraries)],
    });
    expect(changed.statusCode).toBe(303);
    expect(
      (await db.selectFrom('agreement_services').select('lgsl').where('agreement_id', '=', id).execute()).length,
    ).toBe(2);

    const activated = await admin.post(`/staff/agreements/${id}/activate`, {}, `/staff/agreements/${id}`);
    expect(activated.statusCode).toBe(303);
    expect(await statusOf(id)).toBe('active');
    expect(await covers(libraries)).toBe(true);
    expect(await covers(binCollection, amberValley, county)).toBe(true);
    expect(await covers(binCollection, county, derby)).toBe(false);

    // An active agreement is not rewritten, nor activated twice.
    const edit = await admin.get(`/staff/agreements/${id}/edit`);
    expect(edit.statusCode).toBe(409);
    expect(edit.body).toContain('Only a draft agreement can be changed');
    const again = await admin.post(`/staff/agreements/${id}/activate`, {}, `/staff/agreements/${id}`);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Only a draft agreement can be activated');

    const ended = await admin.post(`/staff/agreements/${id}/end`, {}, `/staff/agreements/${id}`);
    expect(ended.statusCode).toBe(303);
    expect(await statusOf(id)).toBe('ended');
    expect(await covers(libraries)).toBe(false);
    expect((await admin.post(`/staff/agreements/${id}/end`, {}, `/staff/agreements/${id}`)).statusCode).toBe(409);

    expect((await auditOf(id)).map((entry) => entry.action)).toEqual(['create', 'update', 'activate', 'end']);
  });

  it('cannot end a draft', async () => {
    const id = await createAgreement();
    const response = await admin.post(`/staff/agreements/${id}/end`, {}, `/staff/agreements/${id}`);
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('Only an active agreement can be ended');
    expect(await statusOf(id)).toBe('draft');
  });

  it('leaves a draft as it was when a change has errors', async () => {
    const id = await createAgreement();
    const response = await admin.post(`/staff/agreements/${id}/edit`, {
      ...validForm(),
      title: 'Changed',
      parties: [],
    });
    expect(response.statusCode).toBe(400);
    expect(
      (await db.selectFrom('data_sharing_agreements').select('title').where('id', '=', id).executeTakeFirstOrThrow())
        .title,
    ).toBe(validForm().title);
    expect(
      (await db.selectFrom('agreement_parties').select('organisation_id').where('agreement_id', '=', id).execute())
        .length,
    ).toBe(2);
  });
});

describe('who sees which agreements', () => {
  it('shows an organisation administrator only the agreements their organisation is party to', async () => {
    const ours = await createAgreement({ ...validForm(), title: 'Amber Valley and the county' });
    const theirs = await createAgreement({
      ...validForm(),
      title: 'Derby and the county',
      parties: [String(county), String(derby)],
    });
    const { client: amberAdmin } = await signedInStaff(context.app, db, {
      organisationId: amberValley,
      roles: ['organisation_admin'],
    });

    const list = await amberAdmin.get('/staff/agreements');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Amber Valley and the county');
    expect(list.body).not.toContain('Derby and the county');
    expect(list.body).not.toContain('href="/staff/agreements/new"');
    expect((await amberAdmin.get(`/staff/agreements/${ours}`)).statusCode).toBe(200);
    expect((await amberAdmin.get(`/staff/agreements/${theirs}`)).statusCode).toBe(403);

    // Viewing is not managing.
    expect((await amberAdmin.get(`/staff/agreements/${ours}/edit`)).statusCode).toBe(403);
    const token = /name="_csrf" value="([^"]+)"/.exec((await amberAdmin.get(`/staff/agreements/${ours}`)).body)?.[1];
    expect((await amberAdmin.postWithToken(`/staff/agreements/${ours}/activate`, {}, token)).statusCode).toBe(403);
    expect(await statusOf(ours)).toBe('draft');

    const all = await admin.get('/staff/agreements');
    expect(all.body).toContain('Amber Valley and the county');
    expect(all.body).toContain('Derby and the county');
  });

  it('answers 404 for an agreement that does not exist', async () => {
    expect((await admin.get('/staff/agreements/999999')).statusCode).toBe(404);
  });
});
