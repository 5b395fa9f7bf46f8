import { sql, type Kysely } from 'kysely';

/**
 * An email the worker has given up on is marked failed rather than deleted, so administrators can
 * still read it and see why. The worker's index now leaves failed emails out, as it never claims them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table email_outbox add column failed_at timestamptz`.execute(db);
  await sql`drop index email_outbox_due`.execute(db);
  await sql`create index email_outbox_due on email_outbox (next_attempt_at) where sent_at is null and failed_at is null`.execute(
    db,
  );
}
