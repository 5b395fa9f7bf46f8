import { sql, type Kysely } from 'kysely';

/**
 * Indexes in the worklist's own order. The first index, (organisation_id, status, due_on), could not
 * give "soonest due first" across several statuses, so every page read and sorted all of an
 * organisation's cases. Unfinished work — the list staff open all day — gets a partial index that
 * reads exactly one page; the other lists (every status, cases recorded for a partner) get full ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index cases_worklist`.execute(db);
  await sql`
    create index cases_unfinished_by_due on cases (organisation_id, due_on, id)
    where status in ('open', 'acknowledged', 'in_progress')`.execute(db);
  await sql`create index cases_by_due on cases (organisation_id, due_on, id)`.execute(db);
  await sql`
    create index cases_recorded_by_due on cases (recorded_by_organisation_id, due_on, id)
    where recorded_by_organisation_id is not null`.execute(db);
}
