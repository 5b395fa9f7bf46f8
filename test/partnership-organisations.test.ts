import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import type { TestClient } from './support/http.js';

const context = useTestApp();
let db: Kysely<Database>;
let admin: TestClient;
let analyst: TestClient;
let county: number;

const organisationCount = async () =>
  Number((await db.selectFrom('organisations').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const auditOf = (recordType: string, recordId: number) =>
  db
    .selectFrom('audit_log')
    .select(['action', 'detail', 'actor_id'])
    .where('record_type', '=', recordType)
    .where('record_id', '=', String(recordId))
    .orderBy('id')
    .execute();
const idFromRedirect = (location: unknown) => Number(/saved=(\d+)/.exec(String(location))?.[1]);

beforeAll(async () => {
  db = context.database.db;
  county = await organisationId(db, 'E10000007');
  ({ client: admin } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] }));
  ({ client: analyst } = await signedInStaff(context.app, db, { organisationId: county, roles: ['analyst'] }));
});

describe('organisations list', () => {
  it('lists councils and partner bodies with their type, for any member of staff', async () => {
    const page = await analyst.get('/staff/organisations');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Derbyshire County Council');
    expect(page.body).toContain('Council (county)');
    expect(page.body).toContain('Amber Valley Borough Council');
    // Only partnership administrators are offered changes.
    expect(page.body).not.toContain('href="/staff/organisations/new"');
    expect((await admin.get('/staff/organisations')).body).toContain('href="/staff/organisations/new"');
  });

  it('filters by type', async () => {
    await admin.post('/staff/organisations/new', { name: 'Derbyshire Constabulary', type: 'police' });
    const police = await analyst.get('/staff/organisations?type=police');
    expect(police.body).toContain('Derbyshire Constabulary');
    expect(police.body).not.toContain('Derbyshire County Council');
    expect(police.body).toContain('1 organisation<');
  });
});

describe('adding a partner body', () => {
  it('saves it with a slug, an email domain and an audit entry', async () => {
    const response = await admin.post('/staff/organisations/new', {
      name: 'Citizens Advice Derbyshire Districts',
      type: 'advice_agency',
      emailDomain: 'CADD.org.uk',
    });
    expect(response.statusCode).toBe(303);
    const id = idFromRedirect(response.headers.location);
    const saved = await db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(saved).toMatchObject({
      slug: 'citizens-advice-derbyshire-districts',
      type: 'advice_agency',
      tier: null,
      email_domain: 'cadd.org.uk',
    });
    expect((await auditOf('organisation', id)).map((entry) => entry.action)).toEqual(['create']);
    const list = await admin.get(String(response.headers.location));
    expect(list.body).toContain('Citizens Advice Derbyshire Districts saved.');
    expect(list.body).toContain('Advice agency');
  });

  it('numbers the slug when the name is taken', async () => {
    const first = await admin.post('/staff/organisations/new', { name: 'Rural Action Derbyshire', type: 'other' });
    const second = await admin.post('/staff/organisations/new', { name: 'Rural Action Derbyshire', type: 'other' });
    const slugs = await db
      .selectFrom('organisations')
      .select('slug')
      .where('id', 'in', [idFromRedirect(first.headers.location), idFromRedirect(second.headers.location)])
      .orderBy('id')
      .execute();
    expect(slugs.map((row) => row.slug)).toEqual(['rural-action-derbyshire', 'rural-action-derbyshire-2']);
  });

  it('shows each error beside its field, keeps what was typed, and saves nothing', async () => {
    const before = await organisationCount();
    const response = await admin.post('/staff/organisations/new', { name: ' ', emailDomain: 'not a domain' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('There is a problem');
    expect(response.body).toContain('href="#name"');
    expect(response.body).toContain('Enter the organisation’s name');
    expect(response.body).toContain('href="#type"');
    expect(response.body).toContain('Select the type of organisation');
    expect(response.body).toContain('Enter an email domain in the correct format, like citizensadvice.org.uk');
    expect(response.body).toContain('value="not a domain"');
    expect(response.body).toMatch(/<title>Error: /);
    expect(await organisationCount()).toBe(before);
  });

  it('refuses an email domain another organisation has, and saves nothing', async () => {
    await admin.post('/staff/organisations/new', {
      name: 'Derbyshire Fire and Rescue',
      type: 'fire_and_rescue',
      emailDomain: 'derbys-fire.gov.uk',
    });
    const before = await organisationCount();
    const response = await admin.post('/staff/organisations/new', {
      name: 'Another Fire Service',
      type: 'fire_and_rescue',
      emailDomain: 'derbys-fire.gov.uk',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('derbys-fire.gov.uk is already the email domain of Derbyshire Fire and Rescue');
    expect(response.body).toContain('href="#emailDomain"');
    expect(await organisationCount()).toBe(before);
  });

  it('is refused to anyone but a partnership administrator', async () => {
    const before = await organisationCount();
    expect((await analyst.get('/staff/organisations/new')).statusCode).toBe(403);
    const token = /name="_csrf" value="([^"]+)"/.exec((await analyst.get('/staff/organisations')).body)?.[1];
    const response = await analyst.postWithToken(
      '/staff/organisations/new',
      { name: 'Sneaky Body', type: 'other' },
      token,
    );
    expect(response.statusCode).toBe(403);
    expect(await organisationCount()).toBe(before);
  });
});

describe('changing a partner body', () => {
  it('saves the change with its before and after in the audit log', async () => {
    const created = await admin.post('/staff/organisations/new', { name: 'Derbyshire Healthcare', type: 'health' });
    const id = idFromRedirect(created.headers.location);
    const form = await admin.get(`/staff/organisations/${id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Derbyshire Healthcare"');
    const response = await admin.post(`/staff/organisations/${id}/edit`, {
      name: 'Derbyshire Healthcare NHS Foundation Trust',
      type: 'health',
      emailDomain: 'derbyshcft.nhs.uk',
    });
    expect(response.statusCode).toBe(303);
    const saved = await db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(saved).toMatchObject({
      name: 'Derbyshire Healthcare NHS Foundation Trust',
      email_domain: 'derbyshcft.nhs.uk',
      slug: 'derbyshire-healthcare',
    });
    const audit = await auditOf('organisation', id);
    expect(audit.map((entry) => entry.action)).toEqual(['create', 'update']);
    expect(audit[1].detail).toMatchObject({
      from: { name: 'Derbyshire Healthcare' },
      to: { name: 'Derbyshire Healthcare NHS Foundation Trust' },
    });
  });

  it('keeps its own email domain when saved again', async () => {
    const created = await admin.post('/staff/organisations/new', {
      name: 'Peak Housing',
      type: 'housing',
      emailDomain: 'peakhousing.org.uk',
    });
    const id = idFromRedirect(created.headers.location);
    const response = await admin.post(`/staff/organisations/${id}/edit`, {
      name: 'Peak Housing Trust',
      type: 'housing',
      emailDomain: 'peakhousing.org.uk',
    });
    expect(response.statusCode).toBe(303);
  });

  it('shows errors and leaves the body as it was', async () => {
    const created = await admin.post('/staff/organisations/new', { name: 'Erewash CVS', type: 'other' });
    const id = idFromRedirect(created.headers.location);
    const response = await admin.post(`/staff/organisations/${id}/edit`, { name: '', type: 'other' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Enter the organisation’s name');
    expect(
      (await db.selectFrom('organisations').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name,
    ).toBe('Erewash CVS');
    expect((await auditOf('organisation', id)).map((entry) => entry.action)).toEqual(['create']);
  });

  it('refuses to change a council', async () => {
    expect((await admin.get(`/staff/organisations/${county}/edit`)).statusCode).toBe(403);
    const response = await admin.post(
      `/staff/organisations/${county}/edit`,
      { name: 'Renamed Council', type: 'other' },
      '/staff/organisations',
    );
    expect(response.statusCode).toBe(403);
    const council = await db
      .selectFrom('organisations')
      .select(['name', 'type'])
      .where('id', '=', county)
      .executeTakeFirstOrThrow();
    expect(council).toEqual({ name: 'Derbyshire County Council', type: 'council' });
  });

  it('answers 404 for an organisation that does not exist', async () => {
    expect((await admin.get('/staff/organisations/999999/edit')).statusCode).toBe(404);
    expect((await admin.get('/staff/organisations/abc/edit')).statusCode).toBe(404);
  });
});
