/**
 * The agreement form as an information-sharing agreement is written: the purpose, the categories of
 * data shared, the roles of the receiving bodies that may use them, and the relationship test.
 */
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import type { TestClient } from './support/http.js';
import { errorSummary } from './support/error-summary.js';

const context = useTestApp();
let db: Kysely<Database>;
let admin: TestClient;
let county: number;
let derby: number;

const validForm = (): Record<string, string | string[]> => ({
  title: 'Contact centre enquiries, county and Derby',
  parties: [String(county), String(derby)],
  purposeStatement: 'Contact centre enquiries',
  purpose: 'cases',
  coverage: 'all',
  categories: ['status_reference'],
  roles: ['contact_centre_agent'],
  relationship: 'caller_verified',
  'validFrom-day': '1',
  'validFrom-month': '4',
  'validFrom-year': '2026',
});

beforeAll(async () => {
  db = context.database.db;
  [county, derby] = await Promise.all(['E10000007', 'E06000015'].map((gss) => organisationId(db, gss)));
  ({ client: admin } = await signedInStaff(context.app, db, { organisationId: county, roles: ['partnership_admin'] }));
});

describe('the agreement form', () => {
  it('asks for the purpose, the categories of data, the receiving roles and the relationship test', async () => {
    const form = await admin.get('/staff/agreements/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="purposeStatement"');
    for (const category of ['status_reference', 'location_description', 'contact_details', 'special_category'])
      expect(form.body).toMatch(new RegExp(`name="categories" type="checkbox" value="${category}"`));
    for (const role of ['contact_centre_agent', 'partner_adviser', 'service_officer'])
      expect(form.body).toMatch(new RegExp(`name="roles" type="checkbox" value="${role}"`));
    for (const relationship of ['client_consent', 'caller_verified'])
      expect(form.body).toMatch(new RegExp(`name="relationship" type="radio" value="${relationship}"`));
  });

  it('shows each missing choice beside its field, in the order of the page, and saves nothing', async () => {
    const before = (await db.selectFrom('data_sharing_agreements').select('id').execute()).length;
    const response = await admin.post('/staff/agreements/new', {
      ...validForm(),
      purposeStatement: '',
      categories: [],
      roles: [],
      relationship: '',
    });
    expect(response.statusCode).toBe(400);
    expect(errorSummary(response.body)).toEqual([
      { href: '#purposeStatement', text: 'Enter what the sharing is for' },
      { href: '#categories', text: 'Select the categories of data the agreement shares' },
      { href: '#roles', text: 'Select the roles that may use the data' },
      { href: '#relationship', text: 'Select the relationship test' },
    ]);
    expect(response.body).toContain('<p id="categories-error" class="govuk-error-message">');
    expect((await db.selectFrom('data_sharing_agreements').select('id').execute()).length).toBe(before);
  });

  it('always shares status and reference, and keeps figures-only agreements to insight', async () => {
    const withoutStatus = await admin.post('/staff/agreements/new', {
      ...validForm(),
      categories: ['contact_details'],
    });
    expect(withoutStatus.statusCode).toBe(400);
    expect(errorSummary(withoutStatus.body)).toEqual([
      { href: '#categories', text: 'Select status and reference: every agreement shares at least these' },
    ]);
    expect(withoutStatus.body).toMatch(/name="categories" type="checkbox" value="contact_details" checked/);

    const figures = await admin.post('/staff/agreements/new', { ...validForm(), relationship: 'figures_only' });
    expect(errorSummary(figures.body)).toEqual([
      {
        href: '#relationship',
        text: 'Figures only is for insight agreements: choose client consent or caller verified',
      },
    ]);
  });

  it('saves the scope, audits it, shows it, and fills the edit form with it', async () => {
    const saved = await admin.post('/staff/agreements/new', {
      ...validForm(),
      title: 'Advice casework',
      purposeStatement: 'Advice casework',
      categories: ['status_reference', 'location_description', 'contact_details'],
      roles: ['partner_adviser'],
      relationship: 'client_consent',
    });
    expect(saved.statusCode).toBe(303);
    const id = Number(/agreements\/(\d+)/.exec(String(saved.headers.location))?.[1]);
    const row = await db
      .selectFrom('data_sharing_agreements')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      purpose_statement: 'Advice casework',
      categories: ['status_reference', 'location_description', 'contact_details'],
      receiving_roles: ['partner_adviser'],
      relationship: 'client_consent',
    });
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('record_type', '=', 'data-sharing-agreement')
      .where('record_id', '=', String(id))
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({
      categories: ['status_reference', 'location_description', 'contact_details'],
      receiving_roles: ['partner_adviser'],
      relationship: 'client_consent',
    });

    const page = await admin.get(`/staff/agreements/${id}`);
    for (const text of [
      'Advice casework',
      'Status and reference',
      'Location and description',
      'Contact details',
      'Partner adviser',
      'The client’s consent',
    ])
      expect(page.body, text).toContain(text);
    expect(page.body).not.toContain('Special category');

    const edit = await admin.get(`/staff/agreements/${id}/edit`);
    expect(edit.body).toMatch(/name="categories" type="checkbox" value="contact_details" checked/);
    expect(edit.body).toMatch(/name="roles" type="checkbox" value="partner_adviser" checked/);
    expect(edit.body).toMatch(/name="relationship" type="radio" value="client_consent" checked/);
    expect(edit.body).toContain('value="Advice casework"');
  });
});
