import { sql, type Kysely } from 'kysely';

/**
 * An Open311 client may be the back office of one member organisation. Such a client may post
 * updates to every case of that organisation; a client of no organisation (a FixMyStreet, an app)
 * only to the cases it sent itself.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_clients add column organisation_id integer references organisations (id)`.execute(db);
}
