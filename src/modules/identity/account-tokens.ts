import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { hashToken, newToken } from './secrets.js';

type Db = Kysely<Database> | Transaction<Database>;
type Purpose = 'password_reset' | 'email_verification';
type Owner = { staffId: number } | { citizenId: number };

/** One-use tokens for emailed links. The link carries the token; the database keeps its hash. */
export async function issueAccountToken(db: Db, purpose: Purpose, owner: Owner, expiresAt: Date): Promise<string> {
  const { token, hash } = newToken();
  await db
    .insertInto('account_tokens')
    .values({
      token_hash: hash,
      purpose,
      staff_id: 'staffId' in owner ? owner.staffId : null,
      citizen_id: 'citizenId' in owner ? owner.citizenId : null,
      expires_at: expiresAt,
    })
    .execute();
  return token;
}

/** Marks a token used and says whose it was; undefined when unknown, used already or expired. */
export async function redeemAccountToken(db: Db, purpose: Purpose, token: string, now: Date): Promise<Owner | undefined> {
  const row = await db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['staff_id', 'citizen_id'])
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.staff_id !== null) return { staffId: row.staff_id };
  if (row.citizen_id !== null) return { citizenId: row.citizen_id };
  return undefined;
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
