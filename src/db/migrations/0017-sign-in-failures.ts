import { sql, type Kysely } from 'kysely';

/**
 * Wrong passwords counted per email address and source address, not per account. Counted on the
 * account, five wrong passwords from anyone locked its owner out (anyone could keep an account
 * locked), and an unknown email never locked, which told real accounts from others. Keyed by the
 * email as typed (lower case), an unknown address is counted and locked exactly like a real one, and
 * a stranger locks only themselves out. In a table, so the count holds across every process.
 *
 * staff.failed_sign_ins / locked_until and citizens.failed_sign_ins / locked_until are no longer
 * read or written; they stay, unused, so that nothing written against them breaks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sign_in_failures (
      account_kind text not null check (account_kind in ('staff', 'citizen')),
      email text not null,
      ip_address text not null,
      failures integer not null check (failures > 0),
      first_failed_at timestamptz not null,
      locked_until timestamptz,
      primary key (account_kind, email, ip_address)
    )`.execute(db);
  // For resetting a password, which clears the email's count from every address.
  await sql`create index sign_in_failures_email on sign_in_failures (account_kind, email)`.execute(db);
  // For the worker's pruning of counts nobody has added to for a while.
  await sql`create index sign_in_failures_first_failed_at on sign_in_failures (first_failed_at)`.execute(db);
}
