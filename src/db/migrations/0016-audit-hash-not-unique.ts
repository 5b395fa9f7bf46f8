import { sql, type Kysely } from 'kysely';

/**
 * An entry's hash was unique while each entry held the hash of the one before: no two could match.
 * Since the log is sealed instead (0013), an entry's hash covers its own content only, and two
 * identical events in one millisecond (a double-clicked page, two sign-in attempts for the same
 * unknown email from one address) hash alike: the unique index failed the second, and with it the
 * request whose transaction held it. Seals list each entry by id, so nothing needs the hash unique.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table audit_log drop constraint audit_log_hash_key`.execute(db);
}
