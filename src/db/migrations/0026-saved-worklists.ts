import { sql, type Kysely } from 'kysely';

/**
 * A member of staff's saved worklist filters ("my overdue potholes"): a name and the worklist's query
 * string, read again as filters when used, so a saved one can never hold anything the form could not.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table saved_worklist_filters (
      id integer generated always as identity primary key,
      staff_id integer not null references staff (id),
      name text not null,
      query text not null,
      created_at timestamptz not null default now(),
      unique (staff_id, name)
    )`.execute(db);
}
