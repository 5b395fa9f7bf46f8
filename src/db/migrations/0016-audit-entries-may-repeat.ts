import { sql, type Kysely } from 'kysely';

/**
 * An audit entry's hash is its content's only since entries stopped naming the one before (0013):
 * two identical events in one millisecond (one Open311 client posting twice at once) rightly have the
 * same hash. Unique, it refused the second entry, and with it a request whose case was already saved.
 * Seals list each entry by id and hash, so a repeated hash hides nothing from the check.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table audit_log drop constraint audit_log_hash_key`.execute(db);
}
