/**
 * The authorisation matrix of the staff pages: every page × every role × the organisation whose
 * record it is (the actor's own, another without an agreement, another with an active agreement
 * for cases), each with the expected answer. Not a sample: every cell is requested and checked.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { staffRoles, type StaffRole } from '../src/db/schema.js';
import { anonymous } from '../src/shared/actor.js';
import { createStaff, organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import { casesServices } from './support/cases.js';
import type { TestClient } from './support/http.js';

const context = useTestApp();

type Scope = 'own' | 'other, no agreement' | 'other, with agreement';
const scopes: Scope[] = ['own', 'other, no agreement', 'other, with agreement'];

/** What each scope's record is: a staff account, an agreement, an organisation and a case there. */
interface Fixture {
  organisationId: number;
  staffId: number;
  agreementId: number;
  caseId: number;
  /** The customer view's record of the person who reported the case. */
  personId: number;
}

interface PageRule {
  name: string;
  method: 'GET' | 'POST';
  path: (fixture: Fixture) => string;
  /** For POSTs: the page the form is on, for its CSRF token. */
  from?: (fixture: Fixture) => string;
  allowed: (role: StaffRole, scope: Scope) => boolean;
}

const admin = (role: StaffRole) => role === 'partnership_admin';
const manages = (role: StaffRole, scope: Scope) => admin(role) || (role === 'organisation_admin' && scope === 'own');
const caseRoles: StaffRole[] = [
  'contact_centre_agent',
  'service_officer',
  'service_manager',
  'organisation_admin',
  'partner_adviser',
];
const actingRoles: StaffRole[] = ['service_officer', 'service_manager', 'organisation_admin'];
const mergingRoles: StaffRole[] = ['contact_centre_agent', 'service_manager', 'organisation_admin'];

const pages: PageRule[] = [
  { name: 'staff home', method: 'GET', path: () => '/staff', allowed: () => true },
  {
    name: 'staff accounts',
    method: 'GET',
    path: () => '/staff/accounts',
    allowed: (role) => admin(role) || role === 'organisation_admin',
  },
  { name: 'a staff account', method: 'GET', path: (f) => `/staff/accounts/${f.staffId}`, allowed: manages },
  {
    name: 'end a staff account’s sessions',
    method: 'POST',
    path: (f) => `/staff/accounts/${f.staffId}/sessions`,
    from: () => '/staff',
    allowed: manages,
  },
  {
    name: 'audit log',
    method: 'GET',
    path: () => '/staff/audit',
    allowed: (role) => admin(role) || role === 'organisation_admin',
  },
  { name: 'audit chain check', method: 'GET', path: () => '/staff/audit/verify', allowed: admin },
  { name: 'email outbox', method: 'GET', path: () => '/staff/outbox', allowed: admin },
  { name: 'organisations', method: 'GET', path: () => '/staff/organisations', allowed: () => true },
  { name: 'add a partner body', method: 'GET', path: () => '/staff/organisations/new', allowed: admin },
  {
    name: 'single sign-on settings',
    method: 'GET',
    path: (f) => `/staff/organisations/${f.organisationId}/single-sign-on`,
    allowed: admin,
  },
  { name: 'lessons learned', method: 'GET', path: () => '/staff/lessons', allowed: () => true },
  {
    name: 'agreements',
    method: 'GET',
    path: () => '/staff/agreements',
    allowed: (role) => ['partnership_admin', 'organisation_admin', 'service_manager', 'analyst'].includes(role),
  },
  {
    name: 'an agreement',
    method: 'GET',
    path: (f) => `/staff/agreements/${f.agreementId}`,
    // Its own organisation is a party to the first and last; the middle one is between others.
    allowed: (role, scope) =>
      admin(role) ||
      (['organisation_admin', 'service_manager', 'analyst'].includes(role) && scope !== 'other, no agreement'),
  },
  { name: 'new agreement', method: 'GET', path: () => '/staff/agreements/new', allowed: admin },
  {
    name: 'request types',
    method: 'GET',
    path: () => '/staff/request-types',
    allowed: (role) => ['partnership_admin', 'organisation_admin', 'service_manager'].includes(role),
  },
  {
    name: 'teams',
    method: 'GET',
    path: () => '/staff/teams',
    allowed: (role) => ['partnership_admin', 'organisation_admin', 'service_manager'].includes(role),
  },
  {
    name: 'messages',
    method: 'GET',
    path: (f) => `/staff/messages?organisation=${f.organisationId}`,
    allowed: manages,
  },
  {
    name: 'a message’s wording',
    method: 'GET',
    path: (f) => `/staff/messages/transferred?organisation=${f.organisationId}`,
    allowed: manages,
  },
  { name: 'Open311 API keys', method: 'GET', path: () => '/staff/api-keys', allowed: admin },
  { name: 'case worklist', method: 'GET', path: () => '/staff/cases', allowed: (role) => caseRoles.includes(role) },
  { name: 'case export', method: 'GET', path: () => '/staff/cases.csv', allowed: (role) => caseRoles.includes(role) },
  {
    name: 'open and overdue work',
    method: 'GET',
    path: () => '/staff/cases/overview',
    allowed: (role) => ['service_manager', 'organisation_admin', 'analyst'].includes(role),
  },
  {
    name: 'record a contact',
    method: 'GET',
    path: () => '/staff/record-a-contact',
    allowed: (role) => caseRoles.includes(role),
  },
  {
    name: 'a case',
    method: 'GET',
    path: (f) => `/staff/cases/${f.caseId}`,
    // Sharing by purpose: an agreement alone opens no case of the other body by its id; its
    // relationship test does (a verified caller, a client's consent: test/sharing-by-purpose.test.ts).
    allowed: (role, scope) => caseRoles.includes(role) && scope === 'own',
  },
  {
    name: 'a public update on a case',
    method: 'POST',
    path: (f) => `/staff/cases/${f.caseId}/public-update`,
    from: (f) => `/staff/cases/${f.caseId}`,
    allowed: (role, scope) => actingRoles.includes(role) && scope === 'own',
  },
  {
    name: 'save worklist filters',
    method: 'GET',
    path: () => '/staff/cases/saved-filters?type=pothole',
    allowed: (role) => caseRoles.includes(role),
  },
  { name: 'find a person', method: 'GET', path: () => '/staff/people', allowed: (role) => caseRoles.includes(role) },
  {
    name: 'a person',
    method: 'GET',
    path: (f) => `/staff/people/${f.personId}`,
    // Seen through a case of theirs the viewer may open; the matrix's agreements open none by id.
    allowed: (role, scope) => caseRoles.includes(role) && scope === 'own',
  },
  {
    name: 'change a person’s details',
    method: 'GET',
    path: (f) => `/staff/people/${f.personId}/edit`,
    allowed: (role, scope) => caseRoles.includes(role) && scope === 'own',
  },
  {
    name: 'merge a person’s records',
    method: 'GET',
    path: (f) => `/staff/people/${f.personId}/merge`,
    allowed: (role, scope) => mergingRoles.includes(role) && scope === 'own',
  },
];

const ACTOR = 'E07000032'; // Amber Valley: the actors' organisation
const WITHOUT = 'E07000033'; // Bolsover: no agreement with Amber Valley
const WITH = 'E07000036'; // Erewash: an active agreement for cases with Amber Valley
const THIRD = 'E07000034'; // Chesterfield: the other party of agreements the actors are not in

let fixtures: Record<Scope, Fixture> | undefined;
const clients = new Map<StaffRole, TestClient>();

async function agreementBetween(a: number, b: number, title: string): Promise<number> {
  const db = context.database.db;
  const { id } = await db
    .insertInto('data_sharing_agreements')
    .values({ title, purpose: 'cases', valid_from: '2026-01-01', valid_to: null, status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('agreement_parties')
    .values([
      { agreement_id: id, organisation_id: a },
      { agreement_id: id, organisation_id: b },
    ])
    .execute();
  return id;
}

async function prepare(): Promise<Record<Scope, Fixture>> {
  if (fixtures) return fixtures;
  const db = context.database.db;
  const [actor, without, withAgreement, third] = await Promise.all(
    [ACTOR, WITHOUT, WITH, THIRD].map((gss) => organisationId(db, gss)),
  );
  const services = await casesServices(db, () => new Date());
  const postcodes: Record<Scope, string> = {
    own: 'DE5 3NA',
    'other, no agreement': 'S44 6JJ',
    'other, with agreement': 'DE7 5RP',
  };
  const organisations: Record<Scope, number> = {
    own: actor,
    'other, no agreement': without,
    'other, with agreement': withAgreement,
  };
  const agreements: Record<Scope, number> = {
    own: await agreementBetween(actor, third, 'Amber Valley and Chesterfield'),
    'other, no agreement': await agreementBetween(without, third, 'Bolsover and Chesterfield'),
    'other, with agreement': await agreementBetween(actor, withAgreement, 'Amber Valley and Erewash'),
  };
  const built = {} as Record<Scope, Fixture>;
  for (const scope of scopes) {
    const staff = await createStaff(db, { organisationId: organisations[scope], roles: ['service_officer'] });
    const report = await services.cases.submit(anonymous, {
      serviceCode: 'dog-fouling',
      place: await services.place(postcodes[scope]),
      locationDescription: '',
      description: 'Matrix test case',
      answers: {},
      channel: 'web',
      contact: { name: `Matrix ${scope}`, email: `matrix.${scopes.indexOf(scope)}@example.com`, phone: null },
      citizenId: null,
    });
    if (report.outcome !== 'created') throw new Error(`No case for ${scope}: ${report.outcome}`);
    const owner = await db
      .selectFrom('cases')
      .select(['organisation_id', 'person_id'])
      .where('id', '=', report.caseId)
      .executeTakeFirstOrThrow();
    if (owner.organisation_id !== organisations[scope])
      throw new Error(`${postcodes[scope]} is not in the ${scope} organisation`);
    built[scope] = {
      organisationId: organisations[scope],
      staffId: staff.id,
      agreementId: agreements[scope],
      caseId: report.caseId,
      personId: owner.person_id!,
    };
  }
  for (const role of staffRoles) {
    clients.set(role, (await signedInStaff(context.app, db, { organisationId: actor, roles: [role] })).client);
  }
  fixtures = built;
  return built;
}

afterAll(() => clients.clear());

const cells = pages.flatMap((page) => staffRoles.flatMap((role) => scopes.map((scope) => ({ page, role, scope }))));

describe(`authorisation matrix: ${pages.length} pages × ${staffRoles.length} roles × ${scopes.length} organisations = ${cells.length} cells`, () => {
  it.each(cells.map((cell) => [cell.page.name, cell.role, cell.scope, cell] as const))(
    '%s as %s, %s',
    async (_name, role, scope, { page }) => {
      const fixture = (await prepare())[scope];
      const client = clients.get(role)!;
      const allowed = page.allowed(role, scope);
      const response =
        page.method === 'GET'
          ? await client.get(page.path(fixture))
          : await client
              .post(page.path(fixture), { update: 'A public update from the matrix' }, page.from!(fixture))
              .catch((error: Error) => {
                // The page holding the form is itself refused: the form could not even be reached.
                if (!allowed && /No CSRF token/.test(error.message)) return { statusCode: 403 };
                throw error;
              });
      const expected = allowed ? (page.method === 'GET' ? 200 : 303) : 403;
      expect(response.statusCode, `${page.name} as ${role} (${scope})`).toBe(expected);
    },
  );
});
