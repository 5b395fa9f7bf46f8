/**
 * Migration 0020 on a database that already holds agreements and consents: nothing widens. An
 * agreement made before it shares status and reference only, with contact-centre agents only, for a
 * caller who is verified; a consent recorded before it is scoped to the recording adviser's
 * organisation and lasts a year from the day it was given.
 */
import { randomBytes } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglite, kyselyOverPglite, openDatabase } from '../src/db/database.js';
import { migrateToLatest, migrations } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { adminConnection, databaseUrlFor } from './support/postgres.js';

let db: Kysely<Database>;
let destroy: () => Promise<void>;

/** An empty database of the test's own: the migrations are run on it one by one. */
async function emptyDatabase(): Promise<{ db: Kysely<Database>; destroy: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const fresh = kyselyOverPglite(await createPglite());
    return { db: fresh, destroy: () => fresh.destroy() };
  }
  const name = `shirehall_migration_${randomBytes(6).toString('hex')}`;
  const admin = adminConnection(url);
  await admin.query(`create database ${name}`);
  const fresh = await openDatabase({ kind: 'postgres', url: databaseUrlFor(url, name) });
  return {
    db: fresh,
    async destroy() {
      await fresh.destroy();
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    },
  };
}

beforeAll(async () => {
  ({ db, destroy } = await emptyDatabase());
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const before = await migrator.migrateTo('0019-audit-insert-only-grants');
  if (before.error) throw before.error;

  // What an installation holds before 0020: an agreement, and a case an adviser recorded with consent.
  await sql`insert into organisations (slug, name, type, tier) values ('council', 'A Council', 'council', 'district'), ('agency', 'An Agency', 'advice_agency', null)`.execute(
    db,
  );
  const [council, agency] = (await sql<{ id: number }>`select id from organisations order by id`.execute(db)).rows.map(
    (row) => row.id,
  );
  await sql`insert into data_sharing_agreements (title, purpose, valid_from, status) values ('Old agreement', 'cases', '2026-04-01', 'active')`.execute(
    db,
  );
  await sql`insert into agreement_parties (agreement_id, organisation_id) select id, ${council}::integer from data_sharing_agreements union all select id, ${agency}::integer from data_sharing_agreements`.execute(
    db,
  );
  await sql`insert into teams (organisation_id, name) values (${council}, 'Waste')`.execute(db);
  await sql`insert into request_types (organisation_id, service_code, name, tier, group_name, sla_working_days, team_id)
    select ${council}::integer, 'missed-bin', 'Missed bin', 'district/unitary', 'Bins', 5, id from teams`.execute(db);
  await sql`insert into staff (organisation_id, email, name, roles) values (${agency}, 'adviser@agency.test', 'An Adviser', '{partner_adviser}')`.execute(
    db,
  );
  await sql`insert into cases (reference, request_type_id, organisation_id, status, channel, description, latitude, longitude, is_public, due_on, recorded_by_organisation_id)
    select 'T-2026-000001', id, ${council}::integer, 'open', 'partner_agency', 'Bin', 53, -1.5, false, '2026-05-01', ${agency}::integer from request_types`.execute(
    db,
  );
  await sql`insert into case_consents (case_id, given_by, given_on, purpose, recorded_by_staff_id)
    select cases.id, 'A Client', '2026-04-10', 'Report the bin', staff.id from cases, staff`.execute(db);

  await migrateToLatest(db);
}, 60_000);
afterAll(() => destroy?.());

describe('0020-sharing-by-purpose on existing data', () => {
  it('gives an existing agreement the narrowest scope: status and reference, for contact-centre agents, of a verified caller', async () => {
    const agreement = await db.selectFrom('data_sharing_agreements').selectAll().executeTakeFirstOrThrow();
    expect(agreement).toMatchObject({
      categories: ['status_reference'],
      receiving_roles: ['contact_centre_agent'],
      relationship: 'caller_verified',
      purpose_statement: 'Contact centre enquiries',
    });
  });

  it('scopes an existing consent to the recording adviser’s organisation, for a year from the day it was given', async () => {
    const consent = await db.selectFrom('case_consents').selectAll().executeTakeFirstOrThrow();
    const agency = await db
      .selectFrom('organisations')
      .select('id')
      .where('slug', '=', 'agency')
      .executeTakeFirstOrThrow();
    expect(consent).toMatchObject({
      organisation_id: agency.id,
      expires_on: '2027-04-10',
      withdrawn_at: null,
      withdrawn_by: null,
    });
  });

  it('refuses an agreement that shares a category, names a role or a test that does not exist, or shares nothing', async () => {
    const base = { title: 'x', purpose: 'cases' as const, valid_from: '2026-01-01', status: 'draft' as const };
    await expect(
      db
        .insertInto('data_sharing_agreements')
        .values({ ...base, categories: ['everything'] as never })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('data_sharing_agreements')
        .values({ ...base, categories: [] })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('data_sharing_agreements')
        .values({ ...base, receiving_roles: ['janitor'] as never })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('data_sharing_agreements')
        .values({ ...base, relationship: 'trust_me' as never })
        .execute(),
    ).rejects.toThrow();
  });
});
