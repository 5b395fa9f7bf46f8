import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { createStaff, organisationId, signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import type { TestClient } from '../../support/http.js';

const context = useTestApp();
let db: Kysely<Database>;
let county: number;
let amberValley: number;
let admin: TestClient;
let partnershipAdmin: TestClient;

const teamsOf = (organisation: number) =>
  db
    .selectFrom('teams')
    .select(['id', 'name', 'email'])
    .where('organisation_id', '=', organisation)
    .orderBy('name')
    .execute();
const teamNamed = async (organisation: number, name: string) =>
  (await teamsOf(organisation)).find((team) => team.name === name);
const membersOf = async (teamId: number) =>
  (
    await db.selectFrom('staff_teams').select('staff_id').where('team_id', '=', teamId).orderBy('staff_id').execute()
  ).map((row) => row.staff_id);
const auditOf = (id: number) =>
  db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('record_type', '=', 'team')
    .where('record_id', '=', String(id))
    .orderBy('id')
    .execute();

beforeAll(async () => {
  db = context.database.db;
  [county, amberValley] = await Promise.all(['E10000007', 'E07000032'].map((gss) => organisationId(db, gss)));
  ({ client: admin } = await signedInStaff(context.app, db, { organisationId: county, roles: ['organisation_admin'] }));
  ({ client: partnershipAdmin } = await signedInStaff(context.app, db, {
    organisationId: county,
    roles: ['partnership_admin'],
  }));
});

describe('the teams of an organisation', () => {
  it('lists the organisation’s teams with their email, members and request types', async () => {
    const highways = (await teamNamed(county, 'Highways'))!;
    const page = await admin.get('/staff/teams');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Teams</h1>');
    expect(page.body).toMatch(
      new RegExp(
        `href="/staff/teams/${highways.id}">Highways</a></th>\\s*<td[^>]*>None</td>\\s*<td[^>]*>0</td>\\s*<td[^>]*>[1-9]\\d*</td>`,
      ),
    );
    expect(page.body).not.toContain('Waste and recycling');
  });

  it('shows a partnership administrator the member organisation they choose', async () => {
    const page = await partnershipAdmin.get(`/staff/teams?organisation=${amberValley}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Waste and recycling');
    expect((await admin.get(`/staff/teams?organisation=${amberValley}`)).statusCode).toBe(403);
  });
});

describe('adding a team', () => {
  it('adds it with its email, audited', async () => {
    const response = await admin.post('/staff/teams/new', {
      organisationId: String(county),
      name: 'Bridges and structures',
      email: 'Bridges@Derbyshire.example',
    });
    expect(response.statusCode).toBe(303);
    const team = (await teamNamed(county, 'Bridges and structures'))!;
    expect(team.email).toBe('bridges@derbyshire.example');
    expect(response.headers.location).toBe(`/staff/teams/${team.id}?created`);
    expect((await auditOf(team.id)).map((entry) => entry.action)).toEqual(['create']);
    expect((await admin.get(response.headers.location as string)).body).toContain('Team added.');
  });

  it('shows mistakes beside their fields and saves nothing', async () => {
    const before = await teamsOf(county);
    const response = await admin.post('/staff/teams/new', {
      organisationId: String(county),
      name: '',
      email: 'not an email',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Enter the team’s name');
    expect(response.body).toContain('Enter an email address in the correct format, like highways@example.gov.uk');
    expect(response.body).toContain('value="not an email"');
    const duplicate = await admin.post('/staff/teams/new', {
      organisationId: String(county),
      name: 'highways',
      email: '',
    });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.body).toContain('Derbyshire County Council already has a team called highways');
    expect(await teamsOf(county)).toEqual(before);
  });

  it('refuses adding a team to another organisation', async () => {
    const before = await teamsOf(amberValley);
    const response = await admin.post(
      '/staff/teams/new',
      { organisationId: String(amberValley), name: 'Intruders', email: '' },
      '/staff/teams/new',
    );
    expect(response.statusCode).toBe(403);
    expect(await teamsOf(amberValley)).toEqual(before);
  });
});

describe('changing a team', () => {
  it('renames it and sets the email that transfers are sent to, audited', async () => {
    const highways = (await teamNamed(county, 'Highways'))!;
    const response = await admin.post(`/staff/teams/${highways.id}`, {
      name: 'Highways maintenance',
      email: 'highways@derbyshire.example',
    });
    expect(response.statusCode).toBe(303);
    expect(await teamNamed(county, 'Highways maintenance')).toEqual({
      id: highways.id,
      name: 'Highways maintenance',
      email: 'highways@derbyshire.example',
    });
    expect((await auditOf(highways.id)).at(-1)).toMatchObject({
      action: 'update',
      detail: {
        from: { name: 'Highways', email: null },
        to: { name: 'Highways maintenance', email: 'highways@derbyshire.example' },
      },
    });
  });

  it('refuses a name another team has, and saves nothing', async () => {
    const team = (await teamNamed(county, 'Highways maintenance'))!;
    const response = await admin.post(`/staff/teams/${team.id}`, { name: 'Street lighting', email: '' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Derbyshire County Council already has a team called Street lighting');
    expect(response.body).toContain('href="#name"');
    expect(await teamNamed(county, 'Highways maintenance')).toEqual(team);
  });
});

describe('the members of a team', () => {
  it('adds and removes staff of the organisation, audited', async () => {
    const team = (await teamNamed(county, 'Highways maintenance'))!;
    const officer = await createStaff(db, {
      organisationId: county,
      roles: ['service_officer'],
      name: 'Olive Officer',
    });
    const page = await admin.get(`/staff/teams/${team.id}`);
    expect(page.body).toContain(`<option value="${officer.id}">Olive Officer (${officer.email})</option>`);

    const added = await admin.post(
      `/staff/teams/${team.id}/members`,
      { staffId: String(officer.id) },
      `/staff/teams/${team.id}`,
    );
    expect(added.statusCode).toBe(303);
    expect(await membersOf(team.id)).toEqual([officer.id]);
    const withMember = await admin.get(`/staff/teams/${team.id}`);
    expect(withMember.body).toContain('<th scope="row" class="govuk-table__header">Olive Officer</th>');
    expect(withMember.body).not.toContain(`<option value="${officer.id}">`);

    const again = await admin.post(
      `/staff/teams/${team.id}/members`,
      { staffId: String(officer.id) },
      `/staff/teams/${team.id}`,
    );
    expect(again.statusCode).toBe(400);

    const removed = await admin.post(
      `/staff/teams/${team.id}/members/remove`,
      { staffId: String(officer.id) },
      `/staff/teams/${team.id}`,
    );
    expect(removed.statusCode).toBe(303);
    expect(await membersOf(team.id)).toEqual([]);
    expect((await auditOf(team.id)).slice(-2).map((entry) => entry.action)).toEqual(['add-member', 'remove-member']);
  });

  it('refuses staff of another organisation and an empty choice, beside the field', async () => {
    const team = (await teamNamed(county, 'Highways maintenance'))!;
    const outsider = await createStaff(db, { organisationId: amberValley, roles: ['service_officer'] });
    const response = await admin.post(
      `/staff/teams/${team.id}/members`,
      { staffId: String(outsider.id) },
      `/staff/teams/${team.id}`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Select a member of staff of this organisation');
    expect(response.body).toContain('href="#staffId"');
    const empty = await admin.post(`/staff/teams/${team.id}/members`, { staffId: '' }, `/staff/teams/${team.id}`);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Select a member of staff to add');
    expect(await membersOf(team.id)).toEqual([]);
  });

  it('refuses changing another organisation’s team', async () => {
    const waste = (await teamNamed(amberValley, 'Waste and recycling'))!;
    expect((await admin.get(`/staff/teams/${waste.id}`)).statusCode).toBe(403);
    const response = await admin.post(`/staff/teams/${waste.id}`, { name: 'Renamed', email: '' }, '/staff/teams');
    expect(response.statusCode).toBe(403);
    expect((await teamNamed(amberValley, 'Waste and recycling'))?.id).toBe(waste.id);
  });
});
