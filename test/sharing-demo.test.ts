/**
 * The demo partnership's agreements, as information-sharing agreements are written, and what they
 * let its people read. Before sharing by purpose, Derby's contact-centre agent could read 147 of the
 * districts' cases and the Citizens Advice adviser 219 (147 of them the districts'), with no consent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../src/db/seed/demo.js';
import type { StaffActor } from '../src/shared/actor.js';
import { useTestApp } from './support/app.js';
import { casesServices } from './support/cases.js';

const context = useTestApp();
const db = () => context.database.db;

async function actorFor(email: string): Promise<StaffActor> {
  const row = await db()
    .selectFrom('staff')
    .innerJoin('organisations', 'organisations.id', 'staff.organisation_id')
    .select([
      'staff.id',
      'staff.name',
      'staff.email',
      'staff.roles',
      'staff.organisation_id',
      'organisations.name as organisation_name',
    ])
    .where('staff.email', '=', email)
    .executeTakeFirstOrThrow();
  return {
    kind: 'staff',
    staffId: row.id,
    name: row.name,
    email: row.email,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    roles: row.roles,
  };
}

/** How many cases of other bodies this member of staff may read now, and how many of those are the districts'. */
async function readable(actor: StaffActor) {
  const services = await casesServices(db(), () => new Date());
  const cases = await db()
    .selectFrom('cases')
    .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
    .innerJoin('organisations', 'organisations.id', 'cases.organisation_id')
    .select([
      'cases.id',
      'cases.organisation_id',
      'cases.recorded_by_organisation_id',
      'request_types.lgsl',
      'organisations.tier',
    ])
    .where('cases.organisation_id', '<>', actor.organisationId)
    .execute();
  let others = 0;
  let districts = 0;
  for (const record of cases) {
    if ((await services.cases.sharing.accessTo(actor, record, new Date())).access === 'none') continue;
    others += 1;
    if (record.tier === 'district') districts += 1;
  }
  return { others, districts };
}

beforeAll(async () => {
  await seedDemo(db(), 'derbyshire', () => {});
}, 120_000);

describe('the demo’s agreements', () => {
  it('are written for a purpose, with categories, roles and a relationship test', async () => {
    const agreements = await db()
      .selectFrom('data_sharing_agreements')
      .select(['title', 'purpose_statement', 'categories', 'receiving_roles', 'relationship', 'covers_all_services'])
      .orderBy('id')
      .execute();
    expect(agreements).toEqual([
      expect.objectContaining({
        purpose_statement: 'Contact centre enquiries',
        categories: ['status_reference'],
        receiving_roles: ['contact_centre_agent'],
        relationship: 'caller_verified',
      }),
      expect.objectContaining({
        purpose_statement: 'Advice casework',
        categories: ['status_reference', 'location_description', 'contact_details'],
        receiving_roles: ['partner_adviser'],
        relationship: 'client_consent',
        covers_all_services: false,
      }),
      expect.objectContaining({ purpose_statement: 'Performance figures', relationship: 'figures_only' }),
    ]);
  });

  it(
    'let Derby’s agent read no district case without a caller, and the adviser only its consenting clients’ cases',
    { timeout: 120_000 },
    async () => {
      const agent = await readable(await actorFor('agent@derby.example'));
      const adviser = await readable(await actorFor('adviser@cadd.example'));
      const consents = await db().selectFrom('case_consents').select(['withdrawn_at', 'expires_on']).execute();
      const valid = consents.filter((consent) => consent.withdrawn_at === null).length;
      console.log(
        `Demo data, other bodies' cases readable now: Derby's agent ${agent.others} (${agent.districts} districts'), the adviser ${adviser.others} (${adviser.districts} districts'), of ${consents.length} consents of which ${valid} hold`,
      );
      expect(agent).toEqual({ others: 0, districts: 0 });
      expect(valid).toBeGreaterThan(0);
      expect(valid).toBeLessThan(consents.length);
      expect(adviser.others).toBe(valid);
    },
  );
});
