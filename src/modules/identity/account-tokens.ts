import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { hashToken, newToken } from './secrets.js';

type Db = Kysely<Database> | Transaction<Database>;
type Purpose = 'password_reset' | 'email_verification';
type Owner = { staffId: number } | { citizenId: number };

/**
 * What using a token of each purpose ends besides itself. A password reset proves the email address
 * and sets a new password, so every other link of the account goes: an email confirmation link signs
 * its holder in, and must not outlive a reset made to take the account back. Confirming the email
 * ends the other confirmation links only: a reset link asked for meanwhile is still the person's.
 */
const endedOnUse: Record<Purpose, Purpose[]> = {
  password_reset: ['password_reset', 'email_verification'],
  email_verification: ['email_verification'],
};

const ownerColumns = (owner: Owner) =>
  'staffId' in owner ? { staff_id: owner.staffId, citizen_id: null } : { staff_id: null, citizen_id: owner.citizenId };

/**
 * Holds the account's row until the transaction ends, so that two links of one account issued or
 * used at the same moment take turns: the second then sees what the first ended. Needs `db` to be
 * a transaction to hold for longer than its statement.
 */
async function lockOwner(db: Db, owner: Owner): Promise<void> {
  if ('staffId' in owner)
    await db.selectFrom('staff').select('id').where('id', '=', owner.staffId).forUpdate().execute();
  else await db.selectFrom('citizens').select('id').where('id', '=', owner.citizenId).forUpdate().execute();
}

/**
 * Ends the account's outstanding tokens of these purposes, but `keep`. They are made to expire now
 * rather than marked used: they were not used, and an expired link already answers "ask for a new one".
 */
async function endOutstanding(db: Db, owner: Owner, purposes: Purpose[], now: Date, keep?: string): Promise<void> {
  const { staff_id, citizen_id } = ownerColumns(owner);
  let query = db
    .updateTable('account_tokens')
    .set({ expires_at: now })
    .where('purpose', 'in', purposes)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now);
  query = staff_id !== null ? query.where('staff_id', '=', staff_id) : query.where('citizen_id', '=', citizen_id);
  if (keep) query = query.where('token_hash', '<>', keep);
  await query.execute();
}

/**
 * One-use tokens for emailed links. The link carries the token; the database keeps its hash. Only
 * the newest link of a purpose works: issuing one ends the account's earlier links of that purpose.
 * Pass a transaction, so that the new link and the email carrying it exist together.
 */
export async function issueAccountToken(
  db: Db,
  purpose: Purpose,
  owner: Owner,
  expiresAt: Date,
  now: Date,
): Promise<string> {
  const { token, hash } = newToken();
  await lockOwner(db, owner);
  await endOutstanding(db, owner, [purpose], now);
  await db
    .insertInto('account_tokens')
    .values({ token_hash: hash, purpose, ...ownerColumns(owner), expires_at: expiresAt })
    .execute();
  return token;
}

/**
 * Marks a token used and says whose it was; undefined when unknown, used already or expired. Using
 * it ends the account's other outstanding links (endedOnUse). Pass the transaction of the change the
 * link makes, so the links end exactly when the change is saved.
 */
export async function redeemAccountToken(
  db: Db,
  purpose: Purpose,
  token: string,
  now: Date,
): Promise<Owner | undefined> {
  const tokenHash = hashToken(token);
  const found = await db
    .selectFrom('account_tokens')
    .select(['staff_id', 'citizen_id'])
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!found) return undefined;
  // The table holds exactly one of the two (its check constraint).
  const owner: Owner = found.staff_id !== null ? { staffId: found.staff_id } : { citizenId: found.citizen_id! };
  // Taken before the token is checked: a link ended by a concurrent use is then seen as ended.
  await lockOwner(db, owner);
  const used = await db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('token_hash')
    .executeTakeFirst();
  if (!used) return undefined;
  await endOutstanding(db, owner, endedOnUse[purpose], now, tokenHash);
  return owner;
}

/** Whether a token that no longer works was used (rather than never good, ended or expired): to say so. */
export async function wasAccountTokenUsed(db: Db, purpose: Purpose, token: string): Promise<boolean> {
  const found = await db
    .selectFrom('account_tokens')
    .select('used_at')
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  return found !== undefined && found.used_at !== null;
}

/** Whether a token would still work, without using it (to show the form it opens). */
export async function isAccountTokenUsable(db: Db, purpose: Purpose, token: string, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('account_tokens')
    .select('token_hash')
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}
