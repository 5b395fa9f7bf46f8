import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** SQL for the people who follow a case they did not report (case_followers). */
export function createCaseFollowersRepository(db: Kysely<Database>) {
  return {
    /** A follower by account: confirmed at once (the account's email is confirmed). Once per case. */
    async addCitizen(caseId: number, citizenId: number, stopKey: string, now: Date): Promise<void> {
      await db
        .insertInto('case_followers')
        .values({ case_id: caseId, citizen_id: citizenId, stop_key: stopKey, confirmed_at: now })
        .onConflict((oc) => oc.columns(['case_id', 'citizen_id']).where('citizen_id', 'is not', null).doNothing())
        .execute();
    },

    findByEmail: (caseId: number, email: string) =>
      db
        .selectFrom('case_followers')
        .select(['id', 'confirmed_at'])
        .where('case_id', '=', caseId)
        .where('email', '=', email)
        .executeTakeFirst(),

    /** A new confirmation link for an email not confirmed yet (an earlier link stops working). */
    async addOrRenewEmail(
      executor: Executor,
      caseId: number,
      email: string,
      tokenHash: string,
      stopKey: string,
    ): Promise<void> {
      const updated = await executor
        .updateTable('case_followers')
        .set({ token_hash: tokenHash })
        .where('case_id', '=', caseId)
        .where('email', '=', email)
        .where('confirmed_at', 'is', null)
        .executeTakeFirst();
      if (updated.numUpdatedRows > 0n) return;
      await executor
        .insertInto('case_followers')
        .values({ case_id: caseId, email, token_hash: tokenHash, stop_key: stopKey })
        .execute();
    },

    /** By its confirmation link's token (hashed), or its stop link's key. */
    find: (by: { tokenHash: string } | { stopKey: string }) =>
      db
        .selectFrom('case_followers')
        .innerJoin('cases', 'cases.id', 'case_followers.case_id')
        .select([
          'case_followers.id',
          'case_followers.email',
          'case_followers.citizen_id',
          'case_followers.confirmed_at',
          'cases.reference',
        ])
        .where(
          'tokenHash' in by ? 'case_followers.token_hash' : 'case_followers.stop_key',
          '=',
          'tokenHash' in by ? by.tokenHash : by.stopKey,
        )
        .executeTakeFirst(),

    confirm: (id: number, now: Date) =>
      db.updateTable('case_followers').set({ confirmed_at: now }).where('id', '=', id).execute(),

    remove: (id: number) => db.deleteFrom('case_followers').where('id', '=', id).execute(),

    /** The confirmed followers of a case, read in the transaction that changes it. */
    confirmed: (executor: Executor, caseId: number) =>
      executor
        .selectFrom('case_followers')
        .select(['id', 'email', 'citizen_id', 'stop_key'])
        .where('case_id', '=', caseId)
        .where('confirmed_at', 'is not', null)
        .orderBy('id')
        .execute(),
  };
}
