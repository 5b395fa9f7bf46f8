import { sql, type Kysely } from 'kysely';

/** The tables that are only ever added to. A later append-only table must be revoked the same way. */
export const appendOnlyTables = ['audit_log', 'audit_seals', 'audit_anchors'];

/**
 * Least privilege on PostgreSQL: no role but their owner may UPDATE, DELETE or TRUNCATE the audit
 * tables. The triggers refuse those too, but a role that owns a table can switch its triggers off;
 * one that holds only INSERT and SELECT cannot, and is refused by privilege first.
 *
 * With the roles of scripts/postgres-roles.sql (docs/audit.md, "Least privilege"), migrations run
 * as the owner role, whose default privileges give the application's role SELECT, INSERT, UPDATE and
 * DELETE on every table the owner creates: this takes UPDATE and DELETE on the audit tables back.
 * A grant recorded for the owner can be revoked by the owner or a superuser, so this runs the same
 * whichever of the two migrates. With one role for everything (the default) there is nothing to
 * revoke, and the owner keeps every right, triggers aside: hence the separate roles in production.
 * On PGlite there are no other roles, and it does nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ table_name: string; privilege: string; grantee: string | null }>`
    select c.relname as table_name, a.privilege_type as privilege, case when a.grantee = 0 then null else a.grantee::regrole::text end as grantee
    from pg_class c
    cross join lateral aclexplode(c.relacl) a
    where c.relnamespace = current_schema()::regnamespace
      and c.relname = any(${appendOnlyTables})
      and a.privilege_type in ('UPDATE', 'DELETE', 'TRUNCATE')
      and a.grantee <> c.relowner`.execute(db);
  for (const row of rows) {
    // regrole's text is already quoted where it needs to be; PUBLIC is a keyword, not a role.
    const from = row.grantee === null ? sql`public` : sql.raw(row.grantee);
    await sql`revoke ${sql.raw(row.privilege)} on table ${sql.table(row.table_name)} from ${from}`.execute(db);
  }
}
