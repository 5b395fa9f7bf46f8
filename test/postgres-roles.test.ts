import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { checkChain } from '../src/modules/audit/check.js';
import { publishAnchor } from '../src/modules/audit/anchor.js';
import { createAuditRepository } from '../src/modules/audit/repository.js';
import { sealAuditLog } from '../src/modules/audit/seal.js';
import { recordAudit } from '../src/modules/audit/service.js';
import { createStaffRepository } from '../src/modules/identity/staff-repository.js';
import { createStaff, organisationId, signedInStaff } from './support/accounts.js';
import { testConfig } from './support/app.js';
import { TestClient } from './support/http.js';
import { adminConnection, databaseUrlFor } from './support/postgres.js';

// Issue 9, finding 8: the application's own role owned the audit tables, so it could switch their
// triggers off and change them. scripts/postgres-roles.sql gives it a role that may only add to
// them. PGlite has one role, a superuser, and no way to connect as another: this runs on
// PostgreSQL only (DATABASE_URL set), where the roles are real.
const url = process.env.DATABASE_URL;
const suffix = randomBytes(4).toString('hex');
const owner = `shirehall_owner_${suffix}`;
const appRole = `shirehall_app_${suffix}`;
const auditTables = ['audit_log', 'audit_seals', 'audit_anchors'] as const;
/** A column of each to set to itself: an identity column may not be set at all, whoever asks. */
const hashColumn = { audit_log: 'hash', audit_seals: 'hash', audit_anchors: 'seal_hash' } as const;

/** The script as shipped, under role names of this run's own: roles belong to the whole server. */
const script = () =>
  readFileSync(new URL('../scripts/postgres-roles.sql', import.meta.url), 'utf8')
    .replaceAll('shirehall_owner', owner)
    .replaceAll('shirehall_app', appRole);

function urlAs(role: string, database: string): string {
  const parsed = new URL(databaseUrlFor(url!, database));
  parsed.username = role;
  parsed.password = '';
  return parsed.toString();
}

/** Runs the roles script as the server's superuser, connected to that database. */
async function runScript(database: string) {
  const client = new pg.Client({ connectionString: databaseUrlFor(url!, database) });
  await client.connect();
  try {
    await client.query(script());
  } finally {
    await client.end();
  }
}

/** The application's own writes to the audit tables: an entry, a seal, an anchor. */
async function appendAndSeal(db: Kysely<Database>) {
  await recordAudit(
    db,
    { actor: { kind: 'system', label: 'least privilege test' }, action: 'read', recordType: 'roles-test' },
    new Date(),
  );
  await expect
    .poll(
      async () => {
        await sealAuditLog(db, () => new Date());
        return checkChain(createAuditRepository(db));
      },
      { timeout: 10_000, interval: 50 },
    )
    .toMatchObject({ intact: true, unsealed: 0 });
  const staff = createStaffRepository(db);
  const published = await publishAnchor(db, () => new Date(), {
    intervalMs: 1,
    publicUrl: 'https://shirehall.test',
    partnershipName: 'Test',
    recipients: () => staff.listPartnershipAdministrators(),
  });
  expect(published.outcome).toBe('published');
}

/** UPDATE, DELETE and TRUNCATE of each audit table, refused for want of the privilege, before any trigger is reached. */
async function expectChangesRefusedByPrivilege(db: Kysely<Database>) {
  for (const table of auditTables) {
    const denied = new RegExp(`permission denied for table ${table}`);
    await expect(
      sql`update ${sql.table(table)} set ${sql.ref(hashColumn[table])} = ${sql.ref(hashColumn[table])}`.execute(db),
      `UPDATE ${table}`,
    ).rejects.toThrow(denied);
    await expect(sql`delete from ${sql.table(table)}`.execute(db), `DELETE ${table}`).rejects.toThrow(denied);
    await expect(sql`truncate ${sql.table(table)}`.execute(db), `TRUNCATE ${table}`).rejects.toThrow(denied);
    // Nor can it switch the trigger off, as the owner of a table could.
    await expect(
      sql`alter table ${sql.table(table)} disable trigger all`.execute(db),
      `ALTER ${table}`,
    ).rejects.toThrow(/must be owner/);
  }
  await expect(sql`create table intruder (id int)`.execute(db)).rejects.toThrow(/permission denied for schema public/);
}

describe.skipIf(!url)('least privilege on PostgreSQL (scripts/postgres-roles.sql)', () => {
  const databases: string[] = [];
  const connections: Kysely<Database>[] = [];
  let admin: pg.Pool;

  async function database(template?: string): Promise<string> {
    const name = `shirehall_roles_${randomBytes(5).toString('hex')}`;
    await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
    databases.push(name);
    return name;
  }

  async function connect(role: string, name: string): Promise<Kysely<Database>> {
    const db = await openDatabase({ kind: 'postgres', url: urlAs(role, name) });
    connections.push(db);
    return db;
  }

  beforeAll(() => {
    admin = adminConnection(url!);
  });
  afterAll(async () => {
    for (const db of connections) await db.destroy();
    for (const name of databases) await admin.query(`drop database if exists ${name} with (force)`);
    // The roles' grants and default privileges lived in those databases, and went with them.
    await admin.query(`drop role if exists ${appRole}`);
    await admin.query(`drop role if exists ${owner}`);
    await admin.end();
  });

  it('set up before the first migration: the owner, no superuser, migrates, and migration 0019 leaves the app only adding to the audit tables', async () => {
    const name = await database();
    await runScript(name);
    const asOwner = await connect(owner, name);
    const { rows } = await sql<{
      rolsuper: boolean;
    }>`select rolsuper from pg_roles where rolname = current_user`.execute(asOwner);
    expect(rows[0]!.rolsuper).toBe(false);
    await migrateToLatest(asOwner);
    // The owner's default privileges gave the app each table's DML as it was made; migration 0019
    // took UPDATE and DELETE on the audit tables back.
    const { rows: grants } = await sql<{ table_name: string; privileges: string[] }>`
      select table_name::text, array_agg(privilege_type::text order by privilege_type) as privileges
      from information_schema.role_table_grants
      where grantee = ${appRole} and table_name = any(${[...auditTables]})
      group by table_name order by table_name`.execute(asOwner);
    expect(grants).toEqual([
      { table_name: 'audit_anchors', privileges: ['INSERT', 'SELECT'] },
      { table_name: 'audit_log', privileges: ['INSERT', 'SELECT'] },
      { table_name: 'audit_seals', privileges: ['INSERT', 'SELECT'] },
    ]);

    const asApp = await connect(appRole, name);
    // Starting the application migrates first: with nothing left to do, the app's role may.
    await migrateToLatest(asApp);
    await sql`insert into organisations (slug, name, type) values ('roles-test', 'Roles Test Body', 'other')`.execute(
      asApp,
    );
    const organisation = await asApp
      .selectFrom('organisations')
      .select('id')
      .where('slug', '=', 'roles-test')
      .executeTakeFirstOrThrow();
    await asApp
      .insertInto('staff')
      .values({
        organisation_id: organisation.id,
        email: 'admin@roles.example',
        name: 'Ada Admin',
        roles: ['partnership_admin'],
        password_hash: null,
      })
      .execute();
    await asApp
      .updateTable('staff')
      .set({ name: 'Ada Administrator' })
      .where('email', '=', 'admin@roles.example')
      .execute();
    await appendAndSeal(asApp);
    await expectChangesRefusedByPrivilege(asApp);
  });

  it('run on a database migrated before it: the whole application works as the app, which only adds to the audit tables', async () => {
    const name = await database(inject('postgresTemplate'));
    await runScript(name);
    const asApp = await connect(appRole, name);
    await migrateToLatest(asApp);

    // The real application on the app's connection: sign-in, pages and forms, and the audit they write.
    const app: FastifyInstance = await buildApp({ config: testConfig(), db: asApp });
    try {
      const county = await organisationId(asApp, 'E10000007');
      const { client } = await signedInStaff(app, asApp, { organisationId: county, roles: ['partnership_admin'] });
      const created = await client.post(
        '/staff/accounts/new',
        {
          organisationId: String(county),
          email: 'new-officer@roles.example',
          name: 'Nia Officer',
          roles: 'service_officer',
        },
        '/staff/accounts/new',
      );
      expect(created.statusCode).toBe(303);
      const wrong = await createStaff(asApp, { organisationId: county, roles: ['analyst'] });
      expect(
        (await new TestClient(app).post('/staff/sign-in', { email: wrong.email, password: 'not the password' }))
          .statusCode,
      ).toBe(401);
      expect((await client.get('/staff/audit/verify')).body).toContain('The audit log is intact');
    } finally {
      await app.close();
    }
    await appendAndSeal(asApp);
    await expectChangesRefusedByPrivilege(asApp);
    // What the migrations keep is read only.
    await expect(sql`delete from kysely_migration`.execute(asApp)).rejects.toThrow(
      /permission denied for table kysely_migration/,
    );
  });
});
