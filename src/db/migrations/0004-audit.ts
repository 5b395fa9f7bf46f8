import { sql, type Kysely } from 'kysely';

/**
 * The audit log's pages: an organisation's administrator reads only their organisation's entries,
 * newest first, and anyone may narrow by date. And TRUNCATE, which row triggers never see, is
 * refused like UPDATE and DELETE, so the log stays append-only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index audit_log_organisation on audit_log (organisation_id, id)`.execute(db);
  await sql`create index audit_log_occurred_at on audit_log (occurred_at)`.execute(db);
  await sql`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only()`.execute(db);
}
