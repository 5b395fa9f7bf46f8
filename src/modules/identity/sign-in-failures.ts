import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

/** Five wrong passwords within 15 minutes, for one email from one address, lock that pair for 15 minutes. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;
const WINDOW_MS = LOCKOUT_MINUTES * 60_000;

export type AccountKind = 'staff' | 'citizen';
type Db = Kysely<Database> | Transaction<Database>;

/**
 * Wrong passwords, counted per email and source address in the database (migration 0017). Keyed by
 * the email as typed rather than by account, so that an email with no account is counted and
 * locked exactly as one with an account: the answers never tell them apart. Keyed by address too,
 * so that a stranger's guesses lock the stranger out, not the account's owner. The per-address rate
 * limit on the sign-in routes bounds how many emails one address can try.
 */
export function createSignInFailures(db: Kysely<Database>) {
  return {
    /** When the lock on this email from this address ends, if it is locked now. */
    async lockedUntil(kind: AccountKind, email: string, ipAddress: string, now: Date): Promise<Date | undefined> {
      const row = await db
        .selectFrom('sign_in_failures')
        .select('locked_until')
        .where('account_kind', '=', kind)
        .where('email', '=', email)
        .where('ip_address', '=', ipAddress)
        .where('locked_until', '>', now)
        .executeTakeFirst();
      return row?.locked_until ?? undefined;
    },

    /**
     * Counts one wrong password, in one statement, so that attempts in several processes at once
     * are all counted. A count whose first failure is older than the window, or whose lock has
     * ended, starts again from one.
     */
    async record(
      kind: AccountKind,
      email: string,
      ipAddress: string,
      now: Date,
    ): Promise<{ failures: number; lockedUntil: Date | null }> {
      const windowStart = new Date(now.getTime() - WINDOW_MS);
      const lockUntil = new Date(now.getTime() + WINDOW_MS);
      // In ON CONFLICT, `failure.` is the row as it was: the same test decides every column.
      const startsAgain = sql`(failure.first_failed_at <= ${windowStart}::timestamptz or failure.locked_until <= ${now}::timestamptz)`;
      const counted = sql`case when ${startsAgain} then 1 else failure.failures + 1 end`;
      const { rows } = await sql<{ failures: number; locked_until: Date | null }>`
        insert into sign_in_failures as failure (account_kind, email, ip_address, failures, first_failed_at, locked_until)
        values (${kind}, ${email}, ${ipAddress}, 1, ${now}::timestamptz, case when 1 >= ${MAX_FAILED_SIGN_INS}::int then ${lockUntil}::timestamptz end)
        on conflict (account_kind, email, ip_address) do update set
          failures = ${counted},
          first_failed_at = case when ${startsAgain} then ${now}::timestamptz else failure.first_failed_at end,
          locked_until = case when ${counted} >= ${MAX_FAILED_SIGN_INS}::int then ${lockUntil}::timestamptz end
        returning failures, locked_until`.execute(db);
      const row = rows[0]!;
      return { failures: row.failures, lockedUntil: row.locked_until === null ? null : new Date(row.locked_until) };
    },

    /** A right password from this address: its count starts again. Other addresses keep theirs. */
    async clear(kind: AccountKind, email: string, ipAddress: string): Promise<void> {
      await db
        .deleteFrom('sign_in_failures')
        .where('account_kind', '=', kind)
        .where('email', '=', email)
        .where('ip_address', '=', ipAddress)
        .execute();
    },

    /** A password reset proves the owner has the mailbox: every lock on the account's email ends. */
    async clearAccount(executor: Db, owner: { staffId: number } | { citizenId: number }): Promise<void> {
      const [kind, email] =
        'staffId' in owner
          ? (['staff', executor.selectFrom('staff').select('email').where('id', '=', owner.staffId)] as const)
          : (['citizen', executor.selectFrom('citizens').select('email').where('id', '=', owner.citizenId)] as const);
      await executor
        .deleteFrom('sign_in_failures')
        .where('account_kind', '=', kind)
        .where('email', '=', email)
        .execute();
    },
  };
}

export type SignInFailures = ReturnType<typeof createSignInFailures>;

/**
 * Drops counts that no longer matter: their window has passed and they hold no lock, so the next
 * failure would start them again anyway. Run by the worker, so the table holds only recent tries.
 */
export async function pruneSignInFailures(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('sign_in_failures')
    .where('first_failed_at', '<=', new Date(now.getTime() - WINDOW_MS))
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
