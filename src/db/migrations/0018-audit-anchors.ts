import { sql, type Kysely } from 'kysely';

/**
 * Anchors: each time the worker publishes the audit log's newest seal (its id and hash, emailed to
 * the partnership administrators), a row here says so. The emails are the copies the database
 * cannot rewrite; this table is the history the verify page checks the seals against, so a seal
 * removed or rewritten after it was published is named. Like the log, it may only be added to.
 *
 * seal_id is not a foreign key on purpose: a seal deleted behind the application's back must leave
 * the anchor that names it, not take it along or be stopped by it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_anchors (
      id bigint generated always as identity primary key,
      published_at timestamptz not null,
      seal_id bigint not null,
      seal_hash text not null,
      sealed_at timestamptz not null,
      recipients text[] not null
    )`.execute(db);
  await sql`
    create trigger audit_anchors_append_only before update or delete on audit_anchors
    for each row execute function audit_log_is_append_only()`.execute(db);
  await sql`
    create trigger audit_anchors_no_truncate before truncate on audit_anchors
    for each statement execute function audit_log_is_append_only()`.execute(db);
}
