import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { staffRoles, type Database, type StaffRole } from '../src/db/schema.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';

const context = useTestApp();
let db: Kysely<Database>;
const clients = new Map<StaffRole, TestClient>();
let pages: { url: string; allowed: StaffRole[] }[] = [];
let changes: { url: string; form: Record<string, string | string[]>; allowed: StaffRole[] }[] = [];

const everyone = [...staffRoles];
const administrators: StaffRole[] = ['partnership_admin'];
const recorders: StaffRole[] = ['partnership_admin', 'service_manager', 'analyst'];
const agreementViewers: StaffRole[] = ['partnership_admin', 'organisation_admin', 'service_manager', 'analyst'];

async function insert<T extends 'organisations' | 'partnership_projects' | 'data_sharing_agreements'>(
  table: T,
  values: Record<string, unknown>,
) {
  const row = await db
    .insertInto(table)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one helper for three fixture tables
    .values(values as any)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id as number;
}

beforeAll(async () => {
  db = context.database.db;
  const [county, amberValley, derby] = await Promise.all(
    ['E10000007', 'E07000032', 'E06000015'].map((gss) => organisationId(db, gss)),
  );
  const derbyshire = (
    await db.selectFrom('partnerships').select('id').where('slug', '=', 'derbyshire').executeTakeFirstOrThrow()
  ).id;
  const partnerBody = await insert('organisations', {
    slug: 'access-test-body',
    name: 'Access Test Body',
    type: 'other',
    tier: null,
    gss: null,
    parent_gss: null,
    homepage_url: null,
  });
  const project = await insert('partnership_projects', {
    partnership_id: derbyshire,
    name: 'Access Test Project',
    status: 'proposed',
  });
  const agreement = (title: string) =>
    insert('data_sharing_agreements', {
      title,
      purpose: 'cases',
      valid_from: '2025-01-01',
      status: 'draft',
      created_by_staff_id: null,
    });
  const ours = await agreement('County and Amber Valley');
  const theirs = await agreement('Derby and Amber Valley');
  await db
    .insertInto('agreement_parties')
    .values([
      { agreement_id: ours, organisation_id: county },
      { agreement_id: ours, organisation_id: amberValley },
      { agreement_id: theirs, organisation_id: derby },
      { agreement_id: theirs, organisation_id: amberValley },
    ])
    .execute();

  pages = [
    { url: '/staff/organisations', allowed: everyone },
    { url: '/staff/organisations/new', allowed: administrators },
    { url: `/staff/organisations/${partnerBody}/edit`, allowed: administrators },
    { url: '/staff/partnerships', allowed: everyone },
    { url: '/staff/partnerships/new', allowed: administrators },
    { url: `/staff/partnerships/${derbyshire}`, allowed: everyone },
    { url: `/staff/partnerships/${derbyshire}/projects/new`, allowed: recorders },
    { url: `/staff/projects/${project}`, allowed: everyone },
    { url: `/staff/projects/${project}/edit`, allowed: recorders },
    { url: `/staff/projects/${project}/lessons/new`, allowed: recorders },
    { url: '/staff/lessons', allowed: everyone },
    { url: '/staff/agreements', allowed: agreementViewers },
    { url: '/staff/agreements/new', allowed: administrators },
    { url: `/staff/agreements/${ours}`, allowed: agreementViewers },
    { url: `/staff/agreements/${ours}/edit`, allowed: administrators },
    // The county's staff are not party to this one: only a partnership administrator sees it.
    { url: `/staff/agreements/${theirs}`, allowed: administrators },
  ];

  const projectForm = { name: 'Posted project', status: 'proposed' };
  const agreementForm = {
    title: 'Posted agreement',
    parties: [String(county), String(derby)],
    purposeStatement: 'Performance figures',
    purpose: 'insight',
    coverage: 'all',
    categories: 'status_reference',
    roles: 'analyst',
    relationship: 'figures_only',
    'validFrom-day': '1',
    'validFrom-month': '1',
    'validFrom-year': '2025',
  };
  changes = [
    { url: '/staff/organisations/new', form: { name: 'Posted body', type: 'other' }, allowed: administrators },
    {
      url: `/staff/organisations/${partnerBody}/edit`,
      form: { name: 'Access Test Body', type: 'other' },
      allowed: administrators,
    },
    { url: '/staff/partnerships/new', form: { name: 'Posted partnership', kind: 'local' }, allowed: administrators },
    { url: `/staff/partnerships/${derbyshire}/projects/new`, form: projectForm, allowed: recorders },
    {
      url: `/staff/projects/${project}/edit`,
      form: { ...projectForm, name: 'Access Test Project' },
      allowed: recorders,
    },
    {
      url: `/staff/projects/${project}/lessons/new`,
      form: { outcome: 'worked', lesson: 'Posted lesson' },
      allowed: recorders,
    },
    { url: '/staff/agreements/new', form: agreementForm, allowed: administrators },
    {
      url: `/staff/agreements/${ours}/edit`,
      form: { ...agreementForm, title: 'County and Amber Valley', parties: [String(county), String(amberValley)] },
      allowed: administrators,
    },
  ];

  for (const role of staffRoles) {
    clients.set(role, (await signedInStaff(context.app, db, { organisationId: county, roles: [role] })).client);
  }
}, 120_000);

describe('who may open each page', () => {
  it.each(staffRoles)('%s gets 200 where allowed and 403 elsewhere', async (role) => {
    const client = clients.get(role)!;
    const expected: Record<string, number> = {};
    const actual: Record<string, number> = {};
    for (const page of pages) {
      expected[page.url] = page.allowed.includes(role) ? 200 : 403;
      actual[page.url] = (await client.get(page.url)).statusCode;
    }
    expect(actual).toEqual(expected);
  });

  it.each(staffRoles)('%s may make only the changes their role allows', async (role) => {
    const client = clients.get(role)!;
    const token = /name="_csrf" value="([^"]+)"/.exec((await client.get('/staff')).body)?.[1];
    const expected: Record<string, number> = {};
    const actual: Record<string, number> = {};
    for (const change of changes) {
      expected[change.url] = change.allowed.includes(role) ? 303 : 403;
      actual[change.url] = (await client.postWithToken(change.url, change.form, token)).statusCode;
    }
    expect(actual).toEqual(expected);
  });

  it('sends someone signed out to sign in, for every page', async () => {
    const anonymous = new TestClient(context.app);
    for (const page of pages) {
      const response = await anonymous.get(page.url);
      expect(response.statusCode, page.url).toBe(302);
      expect(response.headers.location, page.url).toBe(`/staff/sign-in?next=${encodeURIComponent(page.url)}`);
    }
  });

  it.each(staffRoles)('%s sees links on the staff home page to what they may open', async (role) => {
    const home = await clients.get(role)!.get('/staff');
    expect(home.body).toContain('href="/staff/organisations"');
    expect(home.body).toContain('href="/staff/partnerships"');
    expect(home.body).toContain('href="/staff/lessons"');
    expect(home.body.includes('href="/staff/agreements"')).toBe(agreementViewers.includes(role));
  });
});
