import { sql, type Kysely } from 'kysely';

/**
 * How many POSTs each Open311 client made in each clock minute. Counted by one upsert, so concurrent
 * posts cannot all read "under the limit" before any is counted, as they could when the limit was
 * a count of audit entries written after the work.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table open311_post_counts (
      api_client_id integer not null references api_clients (id) on delete cascade,
      minute timestamptz not null,
      posts integer not null,
      primary key (api_client_id, minute)
    )`.execute(db);
}
