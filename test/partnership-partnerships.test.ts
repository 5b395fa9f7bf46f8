import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import type { TestClient } from './support/http.js';

const context = useTestApp();
let db: Kysely<Database>;
let admin: TestClient;
let officer: TestClient;
let county: number;
let derbyshire: number;
let citizensAdvice: number;

const membersOf = async (partnershipId: number) =>
  (
    await db
      .selectFrom('partnership_members')
      .select('organisation_id')
      .where('partnership_id', '=', partnershipId)
      .execute()
  ).map((row) => row.organisation_id);
const auditOf = (partnershipId: number) =>
  db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('record_type', '=', 'partnership')
    .where('record_id', '=', String(partnershipId))
    .orderBy('id')
    .execute();
const partnershipCount = async () =>
  Number((await db.selectFrom('partnerships').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

async function newPartnership(name: string, kind = 'local') {
  const response = await admin.post('/staff/partnerships/new', { name, kind, description: `${name} works together.` });
  expect(response.statusCode).toBe(303);
  return Number(/partnerships\/(\d+)/.exec(String(response.headers.location))?.[1]);
}

beforeAll(async () => {
  db = context.database.db;
  county = await organisationId(db, 'E10000007');
  derbyshire = (
    await db.selectFrom('partnerships').select('id').where('slug', '=', 'derbyshire').executeTakeFirstOrThrow()
  ).id;
  citizensAdvice = (
    await db
      .insertInto('organisations')
      .values({
        slug: 'citizens-advice-test',
        name: 'Citizens Advice Test',
        type: 'advice_agency',
        tier: null,
        gss: null,
        parent_gss: null,
        homepage_url: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  ({ client: admin } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] }));
  ({ client: officer } = await signedInStaff(context.app, db, { organisationId: county, roles: ['service_officer'] }));
});

describe('partnerships list', () => {
  it('shows each partnership with its kind and member count', async () => {
    const page = await officer.get('/staff/partnerships');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(
      /Derbyshire Partnership<\/a><\/td>\s*<td class="govuk-table__cell">Shire<\/td>\s*<td class="govuk-table__cell govuk-table__cell--numeric">10<\/td>/,
    );
    expect(page.body).not.toContain('href="/staff/partnerships/new"');
  });
});

describe('adding a partnership', () => {
  it('saves it with a unique slug and an audit entry, and lists it', async () => {
    const id = await newPartnership('Derby Website Partnership');
    const again = await newPartnership('Derby Website Partnership');
    const rows = await db
      .selectFrom('partnerships')
      .select(['id', 'slug', 'kind', 'description'])
      .where('id', 'in', [id, again])
      .orderBy('id')
      .execute();
    expect(rows.map((row) => row.slug)).toEqual(['derby-website-partnership', 'derby-website-partnership-2']);
    expect(rows[0]).toMatchObject({ kind: 'local', description: 'Derby Website Partnership works together.' });
    expect((await auditOf(id)).map((entry) => entry.action)).toEqual(['create']);
    const page = await admin.get(`/staff/partnerships/${id}?created`);
    expect(page.body).toContain('Partnership added.');
    expect(page.body).toContain('Local partnership');
    expect(page.body).toContain('0 members');
  });

  it('shows errors beside the fields and saves nothing', async () => {
    const before = await partnershipCount();
    const response = await admin.post('/staff/partnerships/new', { name: '', kind: 'galactic', description: 'Kept' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#name"');
    expect(response.body).toContain('Enter the partnership’s name');
    expect(response.body).toContain('href="#kind"');
    expect(response.body).toContain('Select the kind of partnership');
    expect(response.body).toContain('>Kept</textarea>');
    expect(await partnershipCount()).toBe(before);
  });

  it('is for partnership administrators only', async () => {
    expect((await officer.get('/staff/partnerships/new')).statusCode).toBe(403);
  });
});

describe('members', () => {
  it('adds a body to several partnerships, each change audited', async () => {
    const local = await newPartnership('Housing Benefit Assessments');
    for (const partnershipId of [derbyshire, local]) {
      const response = await admin.post(
        `/staff/partnerships/${partnershipId}/members`,
        { organisationId: String(citizensAdvice) },
        `/staff/partnerships/${partnershipId}`,
      );
      expect(response.statusCode).toBe(303);
      expect(await membersOf(partnershipId)).toContain(citizensAdvice);
      expect((await auditOf(partnershipId)).at(-1)).toMatchObject({
        action: 'add-member',
        detail: { organisationId: citizensAdvice },
      });
    }
    const page = await officer.get(`/staff/partnerships/${derbyshire}`);
    expect(page.body).toContain('Citizens Advice Test');
    expect(page.body).toContain('11 members');
  });

  it('says so when the body is a member already, and records nothing', async () => {
    const local = await newPartnership('Mobile Libraries');
    await admin.post(
      `/staff/partnerships/${local}/members`,
      { organisationId: String(county) },
      `/staff/partnerships/${local}`,
    );
    const entries = (await auditOf(local)).length;
    const response = await admin.post(
      `/staff/partnerships/${local}/members`,
      { organisationId: String(county) },
      `/staff/partnerships/${local}`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Derbyshire County Council is already a member of this partnership');
    expect(response.body).toContain('href="#organisationId"');
    expect((await auditOf(local)).length).toBe(entries);
  });

  it('asks for an organisation when none is chosen', async () => {
    const response = await admin.post(
      `/staff/partnerships/${derbyshire}/members`,
      { organisationId: '' },
      `/staff/partnerships/${derbyshire}`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Select an organisation');
  });

  it('removes a partner body', async () => {
    const local = await newPartnership('Joint Training');
    await admin.post(
      `/staff/partnerships/${local}/members`,
      { organisationId: String(citizensAdvice) },
      `/staff/partnerships/${local}`,
    );
    const response = await admin.post(
      `/staff/partnerships/${local}/members/remove`,
      { organisationId: String(citizensAdvice) },
      `/staff/partnerships/${local}`,
    );
    expect(response.statusCode).toBe(303);
    expect(await membersOf(local)).not.toContain(citizensAdvice);
    expect((await auditOf(local)).at(-1)).toMatchObject({
      action: 'remove-member',
      detail: { organisationId: citizensAdvice },
    });
  });

  it('refuses to remove a council from the partnership this installation serves, saying why', async () => {
    const page = await admin.get(`/staff/partnerships/${derbyshire}`);
    expect(page.body).toContain('its councils come from the partnership’s data file and cannot be removed here');
    const entries = (await auditOf(derbyshire)).length;
    const response = await admin.post(
      `/staff/partnerships/${derbyshire}/members/remove`,
      { organisationId: String(county) },
      `/staff/partnerships/${derbyshire}`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(
      'Derbyshire County Council cannot be removed: it is a council of Derbyshire Partnership, which this installation serves.',
    );
    expect(response.body).toContain('href="#members"');
    expect(await membersOf(derbyshire)).toContain(county);
    expect((await auditOf(derbyshire)).length).toBe(entries);
  });

  it('lets a council leave any other partnership', async () => {
    const local = await newPartnership('Derby Website');
    await admin.post(
      `/staff/partnerships/${local}/members`,
      { organisationId: String(county) },
      `/staff/partnerships/${local}`,
    );
    const response = await admin.post(
      `/staff/partnerships/${local}/members/remove`,
      { organisationId: String(county) },
      `/staff/partnerships/${local}`,
    );
    expect(response.statusCode).toBe(303);
    expect(await membersOf(local)).not.toContain(county);
  });

  it('refuses member changes to anyone but a partnership administrator', async () => {
    const before = await membersOf(derbyshire);
    const token = /name="_csrf" value="([^"]+)"/.exec(
      (await officer.get(`/staff/partnerships/${derbyshire}`)).body,
    )?.[1];
    const add = await officer.postWithToken(
      `/staff/partnerships/${derbyshire}/members`,
      { organisationId: String(citizensAdvice) },
      token,
    );
    const remove = await officer.postWithToken(
      `/staff/partnerships/${derbyshire}/members/remove`,
      { organisationId: String(citizensAdvice) },
      token,
    );
    expect([add.statusCode, remove.statusCode]).toEqual([403, 403]);
    expect(await membersOf(derbyshire)).toEqual(before);
  });

  it('answers 404 for a partnership that does not exist', async () => {
    expect((await officer.get('/staff/partnerships/999999')).statusCode).toBe(404);
  });
});
