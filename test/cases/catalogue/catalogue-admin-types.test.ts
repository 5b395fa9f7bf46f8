import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.js';
import { organisationId, signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import type { TestClient } from '../../support/http.js';

const context = useTestApp();
let db: Kysely<Database>;
let county: number;
let amberValley: number;
let derby: number;
let partnershipAdmin: TestClient;
let countyAdmin: TestClient;

const typeOf = (organisation: number, serviceCode: string) =>
  db
    .selectFrom('request_types')
    .selectAll()
    .where('organisation_id', '=', organisation)
    .where('service_code', '=', serviceCode)
    .executeTakeFirstOrThrow();
const teamOf = async (organisation: number, name: string) =>
  (
    await db
      .selectFrom('teams')
      .select('id')
      .where('organisation_id', '=', organisation)
      .where('name', '=', name)
      .executeTakeFirstOrThrow()
  ).id;
const auditOf = (recordType: string, id: number) =>
  db
    .selectFrom('audit_log')
    .select(['action', 'detail', 'actor_label'])
    .where('record_type', '=', recordType)
    .where('record_id', '=', String(id))
    .orderBy('id')
    .execute();
const typeCount = async () =>
  Number((await db.selectFrom('request_types').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** The edit form as the page fills it in for the county's pothole, with changes on top. */
async function potholeForm(changes: Record<string, string> = {}): Promise<Record<string, string>> {
  const pothole = await typeOf(county, 'pothole');
  return {
    name: pothole.name,
    lgsl: String(pothole.lgsl ?? ''),
    group: pothole.group_name,
    description: pothole.description,
    hint: pothole.hint,
    keywords: pothole.keywords,
    slaWorkingDays: String(pothole.sla_working_days),
    teamId: String(pothole.team_id),
    publicOnMap: 'yes',
    active: 'yes',
    ...changes,
  };
}

/** The add form for a new kind at an organisation, with changes on top. */
async function newTypeForm(
  organisation: number,
  changes: Record<string, string> = {},
): Promise<Record<string, string>> {
  const team = (
    await db
      .selectFrom('teams')
      .select('id')
      .where('organisation_id', '=', organisation)
      .orderBy('name')
      .executeTakeFirstOrThrow()
  ).id;
  return {
    organisationId: String(organisation),
    codeChoice: '_new',
    newServiceCode: 'fallen-sign',
    tier: 'county/unitary',
    name: 'Fallen or damaged road sign',
    lgsl: '',
    group: 'Roads and pavements',
    description: 'A road sign that has fallen, been knocked over or cannot be read.',
    hint: 'Tell us which way it faces.',
    keywords: 'sign signpost bollard',
    slaWorkingDays: '10',
    teamId: String(team),
    publicOnMap: 'yes',
    active: 'yes',
    ...changes,
  };
}

beforeAll(async () => {
  db = context.database.db;
  [county, amberValley, derby] = await Promise.all(
    ['E10000007', 'E07000032', 'E06000015'].map((gss) => organisationId(db, gss)),
  );
  ({ client: partnershipAdmin } = await signedInStaff(context.app, db, {
    organisationId: county,
    roles: ['partnership_admin'],
  }));
  ({ client: countyAdmin } = await signedInStaff(context.app, db, {
    organisationId: county,
    roles: ['organisation_admin'],
  }));
});

describe('the list of request types', () => {
  it('shows the organisation’s own types, grouped, with each row’s settings', async () => {
    const page = await countyAdmin.get('/staff/request-types');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Request types</h1>');
    expect(page.body).toContain('Derbyshire County Council');
    expect(page.body).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--m">Roads and pavements</caption>',
    );
    const pothole = await typeOf(county, 'pothole');
    const row = new RegExp(
      `href="/staff/request-types/${pothole.id}">Pothole</a></th>\\s*<td[^>]*><code>pothole</code></td>\\s*<td[^>]*>County and unitary councils</td>\\s*<td[^>]*>5 working days</td>\\s*<td[^>]*>Highways</td>\\s*<td[^>]*>Yes</td>\\s*<td[^>]*>No</td>\\s*<td[^>]*>Yes</td>`,
    );
    expect(page.body).toMatch(row);
    // A county council does not receive bins; no organisation chooser for one who manages only their own.
    expect(page.body).not.toContain('Missed bin collection');
    expect(page.body).not.toContain('name="organisation"');
  });

  it('lets a partnership administrator choose any member organisation', async () => {
    const own = await partnershipAdmin.get('/staff/request-types');
    expect(own.body).toContain('<select class="govuk-select" id="organisation" name="organisation">');
    const chosen = await partnershipAdmin.get(`/staff/request-types?organisation=${amberValley}`);
    expect(chosen.statusCode).toBe(200);
    expect(chosen.body).toContain('<span class="govuk-caption-l">Amber Valley Borough Council</span>');
    expect(chosen.body).toContain('Missed bin collection');
    expect(chosen.body).not.toContain('>Pothole<');
    expect(chosen.body).toMatch(
      new RegExp(`<option value="${amberValley}" selected>Amber Valley Borough Council</option>`),
    );
  });

  it('refuses an organisation administrator another organisation’s list', async () => {
    expect((await countyAdmin.get(`/staff/request-types?organisation=${amberValley}`)).statusCode).toBe(403);
  });

  it('is linked from the staff home page for those who may manage it', async () => {
    expect((await countyAdmin.get('/staff')).body).toContain('href="/staff/request-types"');
    const { client: officer } = await signedInStaff(context.app, db, {
      organisationId: county,
      roles: ['service_officer'],
    });
    expect((await officer.get('/staff')).body).not.toContain('href="/staff/request-types"');
  });
});

describe('changing a request type', () => {
  it('shows the fixed service code and tier, and says why they are fixed', async () => {
    const pothole = await typeOf(county, 'pothole');
    const page = await countyAdmin.get(`/staff/request-types/${pothole.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<code>pothole</code>');
    expect(page.body).toContain('County and unitary councils');
    expect(page.body).toContain(
      'The service code and tier cannot be changed: Open311 clients and other systems use the code',
    );
    expect(page.body).not.toContain('name="serviceCode"');
    expect(page.body).toMatch(/id="slaWorkingDays" name="slaWorkingDays"[^>]*value="5"/);
  });

  it('saves every field, audited, and shows the change in the list', async () => {
    const pothole = await typeOf(county, 'pothole');
    const streetLighting = await teamOf(county, 'Street lighting');
    const form = await potholeForm({
      name: 'Pothole or sunken road',
      lgsl: '557',
      slaWorkingDays: '7',
      teamId: String(streetLighting),
      allowsAnonymous: 'yes',
      keywords: 'hole crater',
    });
    delete form.publicOnMap;
    const response = await countyAdmin.post(`/staff/request-types/${pothole.id}`, form);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/staff/request-types?organisation=${county}&saved=${pothole.id}`);
    const saved = await typeOf(county, 'pothole');
    expect(saved).toMatchObject({
      name: 'Pothole or sunken road',
      service_code: 'pothole',
      tier: 'county/unitary',
      lgsl: 557,
      sla_working_days: 7,
      team_id: streetLighting,
      public_on_map: false,
      allows_anonymous: true,
      active: true,
      keywords: 'hole crater',
    });
    const audit = await auditOf('request-type', pothole.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'update',
      detail: {
        from: { name: 'Pothole', sla_working_days: 5, public_on_map: true },
        to: { name: 'Pothole or sunken road', sla_working_days: 7, public_on_map: false },
      },
    });
    const list = await countyAdmin.get(response.headers.location as string);
    expect(list.body).toContain('Pothole or sunken road saved.');
  });

  it('shows each mistake beside its field, keeps what was typed and saves nothing', async () => {
    const pothole = await typeOf(county, 'pothole');
    const before = await typeOf(county, 'pothole');
    const response = await countyAdmin.post(
      `/staff/request-types/${pothole.id}`,
      await potholeForm({
        name: ' ',
        slaWorkingDays: '400',
        lgsl: 'abc',
        group: '',
        teamId: '',
        description: 'Kept as typed',
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('<title>Error: ');
    for (const message of [
      'Enter a name',
      'Target must be 365 working days or fewer',
      'LGSL code must be a number, like 524',
      'Enter a group, like Roads and pavements',
      'Select the team that receives these requests',
    ]) {
      expect(response.body).toContain(message);
    }
    expect(response.body).toContain('href="#slaWorkingDays"');
    expect(response.body).toContain('id="slaWorkingDays-error"');
    expect(response.body).toContain('value="400"');
    expect(response.body).toContain('Kept as typed');
    expect(await typeOf(county, 'pothole')).toEqual(before);
  });

  it('refuses a target of 0 working days', async () => {
    const pothole = await typeOf(county, 'pothole');
    const response = await countyAdmin.post(
      `/staff/request-types/${pothole.id}`,
      await potholeForm({ slaWorkingDays: '0' }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Target must be at least 1 working day');
  });

  it('checks the LGSL code against the services list', async () => {
    const pothole = await typeOf(county, 'pothole');
    const before = await typeOf(county, 'pothole');
    const response = await countyAdmin.post(
      `/staff/request-types/${pothole.id}`,
      await potholeForm({ lgsl: '99999', name: 'Not saved' }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('There is no service with LGSL code 99999 in the Local Government Services List');
    expect(response.body).toContain('href="#lgsl"');
    expect(await typeOf(county, 'pothole')).toEqual(before);
  });

  it('refuses a team of another organisation', async () => {
    const pothole = await typeOf(county, 'pothole');
    const derbyHighways = await teamOf(derby, 'Highways');
    const response = await countyAdmin.post(
      `/staff/request-types/${pothole.id}`,
      await potholeForm({ teamId: String(derbyHighways) }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Select one of this organisation’s teams');
    expect((await typeOf(county, 'pothole')).team_id).not.toBe(derbyHighways);
  });

  it('answers 404 for a request type that does not exist', async () => {
    expect((await countyAdmin.get('/staff/request-types/99999999')).statusCode).toBe(404);
    expect((await countyAdmin.get('/staff/request-types/not-a-number')).statusCode).toBe(404);
  });
});

describe('adding a request type', () => {
  it('offers the kinds other members receive, with their tier and who receives them', async () => {
    const page = await partnershipAdmin.get(`/staff/request-types/new?organisation=${amberValley}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Pothole (pothole)');
    expect(page.body).toMatch(/County and unitary councils\. Received by [^<]*Derby City Council/);
    // A kind Amber Valley already receives is not offered again.
    expect(page.body).not.toContain('Missed bin collection (missed-bin)');
    expect(page.body).toContain('A new kind of request');
  });

  it('adds a new kind, audited, and it is offered to the other members to join', async () => {
    const before = await typeCount();
    const response = await countyAdmin.post(
      '/staff/request-types/new',
      await newTypeForm(county),
      `/staff/request-types/new`,
    );
    expect(response.statusCode).toBe(303);
    const added = await typeOf(county, 'fallen-sign');
    expect(response.headers.location).toBe(`/staff/request-types/${added.id}?created`);
    expect(added).toMatchObject({
      name: 'Fallen or damaged road sign',
      tier: 'county/unitary',
      sla_working_days: 10,
      active: true,
      public_on_map: true,
      allows_anonymous: false,
      lgsl: null,
    });
    expect(await typeCount()).toBe(before + 1);
    expect((await auditOf('request-type', added.id)).map((entry) => entry.action)).toEqual(['create']);
    expect((await countyAdmin.get(response.headers.location as string)).body).toContain('Request type added.');

    const derbyPage = await partnershipAdmin.get(`/staff/request-types/new?organisation=${derby}`);
    expect(derbyPage.body).toContain('Fallen or damaged road sign (fallen-sign)');
  });

  it('lets another member join an existing kind with the same code and tier', async () => {
    const response = await partnershipAdmin.post(
      '/staff/request-types/new',
      await newTypeForm(derby, { codeChoice: 'fallen-sign', newServiceCode: '', name: 'Damaged road sign' }),
      `/staff/request-types/new?organisation=${derby}`,
    );
    expect(response.statusCode).toBe(303);
    expect(await typeOf(derby, 'fallen-sign')).toMatchObject({ tier: 'county/unitary', name: 'Damaged road sign' });
  });

  it('refuses a tier that contradicts the other members’ for the same code, saying why, and saves nothing', async () => {
    const before = await typeCount();
    const response = await partnershipAdmin.post(
      '/staff/request-types/new',
      await newTypeForm(amberValley, { codeChoice: 'pothole', newServiceCode: '', tier: 'district/unitary' }),
      `/staff/request-types/new?organisation=${amberValley}`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#tier"');
    expect(response.body).toMatch(
      /Derby City Council[^<]*, Derbyshire County Council already receive pothole as a kind for county and unitary councils\. Routing sends a kind to the council of its tier, so choose county and unitary councils, or give this request type a new service code/,
    );
    expect(await typeCount()).toBe(before);

    // Typing an existing code as a "new" kind is checked the same way.
    const typed = await partnershipAdmin.post(
      '/staff/request-types/new',
      await newTypeForm(amberValley, { newServiceCode: 'pothole', tier: 'district/unitary' }),
      `/staff/request-types/new?organisation=${amberValley}`,
    );
    expect(typed.statusCode).toBe(400);
    expect(typed.body).toContain('already receive pothole as a kind for county and unitary councils');
    expect(await typeCount()).toBe(before);
  });

  it('refuses a code the organisation already uses, beside the code field', async () => {
    const response = await countyAdmin.post(
      '/staff/request-types/new',
      await newTypeForm(county, { newServiceCode: 'pothole' }),
      '/staff/request-types/new',
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(
      'Derbyshire County Council already has a request type with the service code pothole',
    );
    expect(response.body).toContain('href="#newServiceCode"');
  });

  it('shows each mistake beside its field and saves nothing', async () => {
    const before = await typeCount();
    const response = await countyAdmin.post(
      '/staff/request-types/new',
      await newTypeForm(county, { newServiceCode: 'Fallen Sign!', tier: '', name: '', slaWorkingDays: 'five' }),
      '/staff/request-types/new',
    );
    expect(response.statusCode).toBe(400);
    for (const message of [
      'Service code must be lower case letters, numbers and hyphens only, like fallen-sign',
      'Select which councils receive this kind of request',
      'Enter a name',
      'Target must be a whole number of working days, like 5',
    ]) {
      expect(response.body).toContain(message);
    }
    expect(response.body).toContain('value="Fallen Sign!"');
    expect(await typeCount()).toBe(before);

    const noChoice = await countyAdmin.post(
      '/staff/request-types/new',
      await newTypeForm(county, { codeChoice: '' }),
      '/staff/request-types/new',
    );
    expect(noChoice.statusCode).toBe(400);
    expect(noChoice.body).toContain('Select the kind of request this is, or a new kind');
  });

  it('refuses an organisation administrator adding to another organisation', async () => {
    const before = await typeCount();
    const response = await countyAdmin.post(
      '/staff/request-types/new',
      await newTypeForm(amberValley, { newServiceCode: 'not-mine' }),
      '/staff/request-types/new',
    );
    expect(response.statusCode).toBe(403);
    expect(await typeCount()).toBe(before);
  });
});
