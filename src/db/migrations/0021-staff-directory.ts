import { sql, type Kysely } from 'kysely';

/**
 * The staff directory: what other modules may know of a member of staff (who they are, where they
 * work, what they do, whether they can still sign in), for showing who did something and for
 * choosing whom to assign work to. It is identity's published read model: the staff table itself,
 * with its password hashes and sign-in history, is read and written by identity alone.
 *
 * A view, so that a list of cases or events names its people in the same query (a join), with no
 * copy to keep up to date. Its rows are read-only to everyone: security_barrier keeps the filter
 * from being bypassed, and no module writes through it (checked by test/architecture).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create view staff_directory with (security_barrier) as
      select id, organisation_id, name, email, roles, disabled_at is null as active
      from staff`.execute(db);
}
