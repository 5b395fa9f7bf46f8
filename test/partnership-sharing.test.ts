import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementPurpose, AgreementStatus, Database } from '../src/db/schema.js';
import { createActiveAgreementFinder } from '../src/modules/partnership/agreements-repository.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// Unit tests of the sharing rule on a real database: each agreement is made straight in the tables.
let database: TestDatabase;
let db: Kysely<Database>;
let county: number;
let district: number;
let derby: number;
let nottinghamshire: number;

const binCollection = 524;
const libraries = 437;
const on = new Date('2025-06-15T12:00:00Z');

async function idOf(gss: string) {
  return (await db.selectFrom('organisations').select('id').where('gss', '=', gss).executeTakeFirstOrThrow()).id;
}

async function agreement(input: {
  parties: number[];
  status?: AgreementStatus;
  purpose?: AgreementPurpose;
  validFrom?: string;
  validTo?: string | null;
  services?: number[];
}) {
  const { id } = await db
    .insertInto('data_sharing_agreements')
    .values({
      title: 'Test agreement',
      purpose: input.purpose ?? 'cases',
      covers_all_services: input.services === undefined,
      valid_from: input.validFrom ?? '2025-01-01',
      valid_to: input.validTo === undefined ? '2025-12-31' : input.validTo,
      status: input.status ?? 'active',
      created_by_staff_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('agreement_parties')
    .values(input.parties.map((organisation_id) => ({ agreement_id: id, organisation_id })))
    .execute();
  if (input.services)
    await db
      .insertInto('agreement_services')
      .values(input.services.map((lgsl) => ({ agreement_id: id, lgsl })))
      .execute();
  return id;
}

/** Each case starts from no agreements at all, so one case's agreement cannot answer for another. */
async function withOnly(setup: () => Promise<unknown>) {
  await db.deleteFrom('data_sharing_agreements').execute();
  await setup();
}

const finder = () => createActiveAgreementFinder(db);
const ask = (overrides: Partial<Parameters<ReturnType<typeof finder>['coversSharing']>[0]> = {}) =>
  finder().coversSharing({ from: county, to: district, purpose: 'cases', lgsl: binCollection, on, ...overrides });

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  [county, district, derby, nottinghamshire] = await Promise.all(
    ['E10000007', 'E07000032', 'E06000015', 'E10000024'].map(idOf),
  );
  for (const lgsl of [binCollection, libraries]) {
    const service = await db.selectFrom('services').select('lgsl').where('lgsl', '=', lgsl).executeTakeFirst();
    if (!service) throw new Error(`LGSL ${lgsl} is not in the reference data`);
  }
});
afterAll(() => database?.destroy());

describe('coversSharing', () => {
  it('is false with no agreement at all', async () => {
    await withOnly(async () => {});
    expect(await ask()).toBe(false);
  });

  it('is true under an active, in-date, all-services agreement naming both, for the purpose', async () => {
    await withOnly(() => agreement({ parties: [county, district] }));
    expect(await ask()).toBe(true);
    expect(await ask({ lgsl: libraries })).toBe(true);
    expect(await ask({ lgsl: null })).toBe(true);
  });

  it('works in both directions between the parties', async () => {
    await withOnly(() => agreement({ parties: [county, district] }));
    expect(await ask({ from: district, to: county })).toBe(true);
  });

  it('is false for a draft', async () => {
    await withOnly(() => agreement({ parties: [county, district], status: 'draft' }));
    expect(await ask()).toBe(false);
  });

  it('is false for an ended agreement, even within its dates', async () => {
    await withOnly(() => agreement({ parties: [county, district], status: 'ended' }));
    expect(await ask()).toBe(false);
  });

  it('is false once expired, and true on its last day', async () => {
    await withOnly(() => agreement({ parties: [county, district], validTo: '2025-06-14' }));
    expect(await ask()).toBe(false);
    await withOnly(() => agreement({ parties: [county, district], validTo: '2025-06-15' }));
    expect(await ask()).toBe(true);
  });

  it('is false before it is valid, and true on its first day', async () => {
    await withOnly(() => agreement({ parties: [county, district], validFrom: '2025-06-16' }));
    expect(await ask()).toBe(false);
    await withOnly(() => agreement({ parties: [county, district], validFrom: '2025-06-15' }));
    expect(await ask()).toBe(true);
  });

  it('runs without an end when valid_to is empty', async () => {
    await withOnly(() => agreement({ parties: [county, district], validTo: null }));
    expect(await ask({ on: new Date('2099-01-01T12:00:00Z') })).toBe(true);
  });

  it('counts days in UK time: 11:30pm GMT on 30 June is already 1 July in summer', async () => {
    await withOnly(() => agreement({ parties: [county, district], validFrom: '2025-07-01' }));
    expect(await ask({ on: new Date('2025-06-30T22:30:00Z') })).toBe(false);
    expect(await ask({ on: new Date('2025-06-30T23:30:00Z') })).toBe(true);
  });

  it('is false for another purpose', async () => {
    await withOnly(() => agreement({ parties: [county, district], purpose: 'insight' }));
    expect(await ask()).toBe(false);
    expect(await ask({ purpose: 'insight' })).toBe(true);
    expect(await ask({ purpose: 'recruitment' })).toBe(false);
  });

  it('covers only the chosen services when it does not cover all', async () => {
    await withOnly(() => agreement({ parties: [county, district], services: [libraries] }));
    expect(await ask({ lgsl: binCollection })).toBe(false);
    expect(await ask({ lgsl: libraries })).toBe(true);
    // A record tied to no service needs an agreement that covers every service.
    expect(await ask({ lgsl: null })).toBe(false);
  });

  it('is false when one of the two is not a party', async () => {
    await withOnly(() => agreement({ parties: [county, derby] }));
    expect(await ask()).toBe(false);
    expect(await ask({ to: derby })).toBe(true);
    expect(await ask({ from: nottinghamshire, to: derby })).toBe(false);
  });

  it('needs one agreement naming both: two agreements each naming one do not add up', async () => {
    await withOnly(async () => {
      await agreement({ parties: [county, derby] });
      await agreement({ parties: [district, derby] });
    });
    expect(await ask()).toBe(false);
  });

  it('finds the one agreement that fits among several that do not', async () => {
    await withOnly(async () => {
      await agreement({ parties: [county, district], status: 'draft' });
      await agreement({ parties: [county, district], purpose: 'recruitment' });
      await agreement({ parties: [county, district], services: [libraries] });
      await agreement({ parties: [county, district, derby], services: [binCollection, libraries], validTo: null });
    });
    expect(await ask()).toBe(true);
  });
});

describe('applicableAgreements', () => {
  const applicable = (overrides: Partial<Parameters<ReturnType<typeof finder>['applicableAgreements']>[0]> = {}) =>
    finder().applicableAgreements({
      from: county,
      to: district,
      purpose: 'cases',
      lgsl: binCollection,
      on,
      roles: ['contact_centre_agent'],
      ...overrides,
    });

  it('gives an agreement made without a scope the narrowest one: status and reference, for agents, of a verified caller', async () => {
    await withOnly(() => agreement({ parties: [county, district] }));
    expect(await applicable()).toEqual([
      expect.objectContaining({
        categories: ['status_reference'],
        receivingRoles: ['contact_centre_agent'],
        relationship: 'caller_verified',
      }),
    ]);
  });

  it('is only for the roles the agreement names', async () => {
    await withOnly(() => agreement({ parties: [county, district] }));
    expect(await applicable({ roles: ['service_officer', 'organisation_admin'] })).toEqual([]);
    expect(await applicable({ roles: [] })).toEqual([]);
    expect(await applicable({ roles: ['service_officer', 'contact_centre_agent'] })).toHaveLength(1);
    // coversSharing asks the same when given the viewer's roles.
    expect(await ask({ roles: ['service_officer'] })).toBe(false);
    expect(await ask({ roles: ['contact_centre_agent'] })).toBe(true);
  });

  it('follows the same rule of status, dates, parties, purpose and services as coversSharing', async () => {
    await withOnly(async () => {
      await agreement({ parties: [county, district], status: 'draft' });
      await agreement({ parties: [county, district], validTo: '2025-06-14' });
      await agreement({ parties: [county, derby] });
      await agreement({ parties: [county, district], purpose: 'insight' });
      await agreement({ parties: [county, district], services: [libraries] });
    });
    expect(await applicable()).toEqual([]);
  });

  it('lists every agreement that applies, the one sharing most first', async () => {
    await withOnly(async () => {
      const narrow = await agreement({ parties: [county, district] });
      const wide = await agreement({ parties: [county, district] });
      await db
        .updateTable('data_sharing_agreements')
        .set({
          categories: ['status_reference', 'location_description'],
          receiving_roles: ['contact_centre_agent', 'partner_adviser'],
          relationship: 'client_consent',
        })
        .where('id', '=', wide)
        .execute();
      return narrow;
    });
    const found = await applicable({ roles: ['contact_centre_agent'] });
    expect(found.map((row) => row.categories)).toEqual([
      ['status_reference', 'location_description'],
      ['status_reference'],
    ]);
    expect(found.map((row) => row.relationship)).toEqual(['client_consent', 'caller_verified']);
  });
});
