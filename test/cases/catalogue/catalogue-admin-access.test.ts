/**
 * Who may manage the catalogue: every role × the actor's own organisation and another member, on
 * each kind of page, reading and changing. Partnership administrators reach every member;
 * organisation administrators and service managers their own only; no one else anything.
 */
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { staffRoles, type Database, type StaffRole } from '../../../src/db/schema.js';
import { organisationId, signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { TestClient } from '../../support/http.js';

const context = useTestApp();
let db: Kysely<Database>;
let own: number;
let other: number;
const clients = new Map<StaffRole, TestClient>();

type Scope = 'own' | 'other';
const allowed = (role: StaffRole, scope: Scope) =>
  role === 'partnership_admin' || (scope === 'own' && (role === 'organisation_admin' || role === 'service_manager'));

interface Fixture {
  organisationId: number;
  typeId: number;
  teamId: number;
}
const fixtures = {} as Record<Scope, Fixture>;

async function fixtureFor(organisation: number): Promise<Fixture> {
  const type = await db
    .selectFrom('request_types')
    .selectAll()
    .where('organisation_id', '=', organisation)
    .where('service_code', '=', 'missed-bin')
    .executeTakeFirstOrThrow();
  return { organisationId: organisation, typeId: type.id, teamId: type.team_id };
}

const slaOf = async (typeId: number) =>
  (await db.selectFrom('request_types').select('sla_working_days').where('id', '=', typeId).executeTakeFirstOrThrow())
    .sla_working_days;

beforeAll(async () => {
  db = context.database.db;
  [own, other] = await Promise.all(['E07000032', 'E07000035'].map((gss) => organisationId(db, gss)));
  fixtures.own = await fixtureFor(own);
  fixtures.other = await fixtureFor(other);
  for (const role of staffRoles)
    clients.set(role, (await signedInStaff(context.app, db, { organisationId: own, roles: [role] })).client);
});

const reads: { name: string; path: (f: Fixture) => string }[] = [
  { name: 'request types', path: (f) => `/staff/request-types?organisation=${f.organisationId}` },
  { name: 'add a request type', path: (f) => `/staff/request-types/new?organisation=${f.organisationId}` },
  { name: 'a request type', path: (f) => `/staff/request-types/${f.typeId}` },
  { name: 'its questions', path: (f) => `/staff/request-types/${f.typeId}/questions` },
  { name: 'add a question', path: (f) => `/staff/request-types/${f.typeId}/questions/new` },
  { name: 'teams', path: (f) => `/staff/teams?organisation=${f.organisationId}` },
  { name: 'a team', path: (f) => `/staff/teams/${f.teamId}` },
];

const cells = staffRoles.flatMap((role) =>
  (['own', 'other'] as Scope[]).map((scope) => ({ role, scope, expected: allowed(role, scope) ? 200 : 403 })),
);

describe.each(cells)('$role, $scope organisation', ({ role, scope, expected }) => {
  it(`reads each page: ${expected}`, async () => {
    const client = clients.get(role)!;
    for (const page of reads) {
      const response = await client.get(page.path(fixtures[scope]));
      expect(response.statusCode, `${page.name} for ${role} (${scope})`).toBe(expected);
    }
  });

  it(`changes a request type’s target and adds a team: ${expected === 200 ? 'saved' : 'refused, nothing saved'}`, async () => {
    const client = clients.get(role)!;
    const fixture = fixtures[scope];
    const sla = 40 + staffRoles.indexOf(role) * 2 + (scope === 'own' ? 0 : 1);
    const before = await slaOf(fixture.typeId);
    const edit = await client.post(
      `/staff/request-types/${fixture.typeId}`,
      {
        name: 'Missed bin collection',
        group: 'Bins and recycling',
        slaWorkingDays: String(sla),
        teamId: String(fixture.teamId),
        active: 'yes',
      },
      '/staff',
    );
    expect(edit.statusCode).toBe(expected === 200 ? 303 : 403);
    expect(await slaOf(fixture.typeId)).toBe(expected === 200 ? sla : before);

    const teamName = `Team of ${role} (${scope})`;
    const team = await client.post(
      '/staff/teams/new',
      { organisationId: String(fixture.organisationId), name: teamName, email: '' },
      '/staff',
    );
    expect(team.statusCode).toBe(expected === 200 ? 303 : 403);
    const saved = await db.selectFrom('teams').select('organisation_id').where('name', '=', teamName).execute();
    expect(saved).toEqual(expected === 200 ? [{ organisation_id: fixture.organisationId }] : []);
  });
});

describe('outside the staff roles', () => {
  it('sends someone not signed in to the staff sign-in page', async () => {
    const response = await new TestClient(context.app).get('/staff/request-types');
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/staff/sign-in?next=%2Fstaff%2Frequest-types');
  });

  it('answers 404 for an organisation outside the partnership, even to a partnership administrator', async () => {
    const staffordshire = await organisationId(db, 'E10000028');
    expect(
      (await clients.get('partnership_admin')!.get(`/staff/request-types?organisation=${staffordshire}`)).statusCode,
    ).toBe(404);
  });
});
