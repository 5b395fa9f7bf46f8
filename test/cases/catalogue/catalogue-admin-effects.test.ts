/**
 * What an administrator's change does to the rest of the CRM: the next request's due date, what
 * residents are offered, where a request is routed. The catalogue administration service is driven
 * directly here, beside the cases services, as the app wires them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../../src/db/schema.js';
import type { StaffActor } from '../../../src/shared/actor.js';
import { anonymous } from '../../../src/shared/actor.js';
import { ForbiddenError } from '../../../src/shared/errors.js';
import { createCatalogueAdminRepository } from '../../../src/modules/cases/catalogue/admin-repository.js';
import { CatalogueRuleError, createCatalogueAdminService } from '../../../src/modules/cases/catalogue/admin-service.js';
import type { RequestType } from '../../../src/modules/cases/catalogue/repository.js';
import { createPartnershipRepository } from '../../../src/modules/partnership/repository.js';
import { createStaff, organisationId } from '../../support/accounts.js';
import { casesServices } from '../../support/cases.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

let database: TestDatabase;
const now = new Date('2026-11-26T10:00:00Z'); // a Thursday
let services: Awaited<ReturnType<typeof casesServices>>;
let admin: ReturnType<typeof createCatalogueAdminService>;
let county: number;
let dales: number;

async function staffActor(organisation: number, roles: StaffRole[]): Promise<StaffActor> {
  const staff = await createStaff(database.db, { organisationId: organisation, roles });
  return {
    kind: 'staff',
    staffId: staff.id,
    name: 'Test',
    email: staff.email,
    organisationId: organisation,
    organisationName: 'Test',
    roles,
  };
}

/** The details form of a type as it is, with changes on top. */
const detailsOf = (type: RequestType, changes: Partial<RequestType> = {}) => {
  const {
    name,
    lgsl,
    group,
    description,
    hint,
    keywords,
    slaWorkingDays,
    teamId,
    publicOnMap,
    allowsAnonymous,
    active,
  } = { ...type, ...changes };
  return {
    name,
    lgsl,
    group,
    description,
    hint,
    keywords,
    slaWorkingDays,
    teamId,
    publicOnMap,
    allowsAnonymous,
    active,
  };
};

async function reportPothole() {
  const result = await services.cases.submit(anonymous, {
    serviceCode: 'pothole',
    place: await services.place('DE4 3AG'),
    locationDescription: 'Outside the school',
    description: 'Deep hole',
    answers: { where_on_road: 'carriageway' },
    channel: 'web',
    contact: { name: 'Ada Resident', email: 'ada@example.com', phone: null },
    citizenId: null,
  });
  if (result.outcome !== 'created') throw new Error(result.outcome);
  return (await services.repository.findById(result.caseId))!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  services = await casesServices(database.db, () => now);
  const partnerships = createPartnershipRepository(database.db);
  admin = createCatalogueAdminService({
    db: database.db,
    repository: createCatalogueAdminRepository(database.db),
    catalogue: services.catalogue,
    clock: () => now,
    memberOrganisationIds: async () =>
      (await partnerships.listMemberOrganisations('derbyshire')).map((member) => member.id),
  });
  [county, dales] = await Promise.all(['E10000007', 'E07000035'].map((gss) => organisationId(database.db, gss)));
});
afterAll(() => database.destroy());

describe('an edited target', () => {
  it('sets the due date of the next request submitted', async () => {
    const manager = await staffActor(county, ['service_manager']);
    // Pothole: 5 working days from Thursday 26 November is Thursday 3 December.
    expect((await reportPothole()).due_on).toBe('2026-12-03');

    const pothole = (await services.catalogue.findTypeByCode(county, 'pothole'))!;
    await admin.updateType(manager, pothole.id, detailsOf(pothole, { slaWorkingDays: 10 }));
    expect((await reportPothole()).due_on).toBe('2026-12-10');
  });
});

describe('a deactivated request type', () => {
  it('is no longer offered to residents when no member offers it', async () => {
    const manager = await staffActor(county, ['organisation_admin']);
    const highways = (await services.catalogue.findTypeByCode(county, 'pothole'))!.teamId;
    const id = await admin.createType(manager, {
      organisationId: county,
      serviceCode: 'fallen-sign',
      tier: 'county/unitary',
      name: 'Fallen road sign',
      lgsl: null,
      group: 'Roads and pavements',
      description: '',
      hint: '',
      keywords: 'sign',
      slaWorkingDays: 10,
      teamId: highways,
      publicOnMap: true,
      allowsAnonymous: false,
      active: true,
    });
    expect((await services.catalogue.kinds()).map((kind) => kind.serviceCode)).toContain('fallen-sign');
    expect((await services.catalogue.searchKinds('sign')).map((kind) => kind.serviceCode)).toContain('fallen-sign');

    const type = (await services.catalogue.findType(id))!;
    await admin.updateType(manager, id, detailsOf(type, { active: false }));
    expect((await services.catalogue.kinds()).map((kind) => kind.serviceCode)).not.toContain('fallen-sign');
    expect(await services.catalogue.findKind('fallen-sign')).toBeUndefined();
    expect((await services.catalogue.route('fallen-sign', await services.place('DE4 3AG'))).outcome).toBe(
      'unknown-kind',
    );
  });

  it('stops routing to that council while other members still offer the kind', async () => {
    const manager = await staffActor(dales, ['organisation_admin']);
    const graffiti = (await services.catalogue.findTypeByCode(dales, 'graffiti'))!;
    expect((await services.catalogue.route('graffiti', await services.place('DE4 3AG'))).outcome).toBe('routed');
    await admin.updateType(manager, graffiti.id, detailsOf(graffiti, { active: false }));
    expect((await services.catalogue.kinds()).map((kind) => kind.serviceCode)).toContain('graffiti');
    const routing = await services.catalogue.route('graffiti', await services.place('DE4 3AG'));
    expect(routing).toMatchObject({ outcome: 'not-offered', provider: { name: 'Derbyshire Dales District Council' } });
  });
});

describe('the service’s own checks', () => {
  it('refuses another organisation’s type to an organisation administrator, whoever calls it', async () => {
    const outsider = await staffActor(dales, ['organisation_admin']);
    const pothole = (await services.catalogue.findTypeByCode(county, 'pothole'))!;
    await expect(
      admin.updateType(outsider, pothole.id, detailsOf(pothole, { slaWorkingDays: 1 })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      admin.updateType(anonymous, pothole.id, detailsOf(pothole, { slaWorkingDays: 1 })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await services.catalogue.findType(pothole.id))?.slaWorkingDays).not.toBe(1);
  });

  it('refuses a tier that contradicts the other members’ for the same code', async () => {
    const manager = await staffActor(dales, ['service_manager']);
    const team = (await services.catalogue.findTypeByCode(dales, 'graffiti'))!.teamId;
    const attempt = admin.createType(manager, {
      organisationId: dales,
      serviceCode: 'pothole',
      tier: 'district/unitary',
      name: 'Pothole on a council car park',
      lgsl: null,
      group: 'Roads and pavements',
      description: '',
      hint: '',
      keywords: '',
      slaWorkingDays: 5,
      teamId: team,
      publicOnMap: true,
      allowsAnonymous: false,
      active: true,
    });
    await expect(attempt).rejects.toBeInstanceOf(CatalogueRuleError);
    await expect(attempt).rejects.toMatchObject({ field: 'tier' });
    expect(await services.catalogue.findTypeByCode(dales, 'pothole')).toBeUndefined();
  });
});
