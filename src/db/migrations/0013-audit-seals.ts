import { sql, type Kysely } from 'kysely';

/**
 * Appends to the audit log without a lock. Each entry keeps its own content hash and the id of the
 * transaction that wrote it; a sealer later hashes every entry whose transaction can no longer be in
 * flight into a chain of seals (docs/audit.md). Entries written before this migration keep their
 * previous_hash links, get this migration's transaction id, and are sealed by the first seals.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table audit_log alter column previous_hash drop not null`.execute(db);
  // The 64-bit id (with its epoch), so it never wraps; the text cast because xid8 has no cast to bigint.
  await sql`alter table audit_log add column transaction_id bigint not null default (pg_current_xact_id()::text::bigint)`.execute(
    db,
  );
  // The order entries are sealed in, and the range each seal covers.
  await sql`create index audit_log_transaction on audit_log (transaction_id, id)`.execute(db);

  // previous_hash is unique so that no two seals can claim the same predecessor: the chain never forks.
  await sql`
    create table audit_seals (
      id bigint generated always as identity primary key,
      sealed_at timestamptz not null,
      after_transaction bigint not null,
      after_entry_id bigint not null,
      upto_transaction bigint not null,
      upto_entry_id bigint not null,
      entry_count integer not null check (entry_count > 0),
      entries jsonb not null,
      previous_hash text not null unique,
      hash text not null unique,
      check ((upto_transaction, upto_entry_id) > (after_transaction, after_entry_id))
    )`.execute(db);
  await sql`
    create trigger audit_seals_append_only before update or delete on audit_seals
    for each row execute function audit_log_is_append_only()`.execute(db);
  await sql`
    create trigger audit_seals_no_truncate before truncate on audit_seals
    for each statement execute function audit_log_is_append_only()`.execute(db);
}
