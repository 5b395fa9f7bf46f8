import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';

export interface StoredDraft {
  id: number;
  answers: unknown;
  submittingAt: Date | null;
  caseId: number | null;
}

/** SQL for the /report journey's drafts (table report_drafts). */
export function createReportDraftRepository(db: Kysely<Database>) {
  return {
    async findUnexpired(tokenHash: string, now: Date): Promise<StoredDraft | undefined> {
      const row = await db
        .selectFrom('report_drafts')
        .select(['id', 'answers', 'submitting_at', 'case_id'])
        .where('token_hash', '=', tokenHash)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row && { id: row.id, answers: row.answers, submittingAt: row.submitting_at, caseId: row.case_id };
    },

    async insert(tokenHash: string, answers: unknown, now: Date, expiresAt: Date): Promise<void> {
      await db
        .insertInto('report_drafts')
        .values({
          token_hash: tokenHash,
          answers: JSON.stringify(answers),
          expires_at: expiresAt,
          created_at: now,
          updated_at: now,
        })
        .execute();
    },

    /** Saves new answers, unless the draft has been sent meanwhile (then it is no longer changed). */
    async update(
      id: number,
      answers: unknown,
      now: Date,
      expiresAt: Date,
      executor: Kysely<Database> | Transaction<Database> = db,
    ): Promise<boolean> {
      const result = await executor
        .updateTable('report_drafts')
        .set({ answers: JSON.stringify(answers), updated_at: now, expires_at: expiresAt })
        .where('id', '=', id)
        .where('case_id', 'is', null)
        .where('submitting_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** For saving the answers together with what came with them (photos): both or neither. */
    inTransaction: <T>(work: (trx: Transaction<Database>) => Promise<T>) => db.transaction().execute(work),

    deleteExpired: (now: Date) => db.deleteFrom('report_drafts').where('expires_at', '<=', now).execute(),

    /**
     * Marks the draft as being sent, if nobody is sending it: one statement, so of two posts at the
     * same moment exactly one wins. `previous` is the claim a stuck sender left, to take over.
     */
    async claim(id: number, now: Date, previous: Date | null): Promise<boolean> {
      const result = await db
        .updateTable('report_drafts')
        .set({ submitting_at: now })
        .where('id', '=', id)
        .where('case_id', 'is', null)
        .where((eb) => (previous ? eb('submitting_at', '=', previous) : eb('submitting_at', 'is', null)))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    release: (id: number) =>
      db
        .updateTable('report_drafts')
        .set({ submitting_at: null })
        .where('id', '=', id)
        .where('case_id', 'is', null)
        .execute(),

    /**
     * The case is made: the draft keeps only what the confirmation page shows, not the resident's
     * details. In the case's own transaction, so a case never exists without its draft knowing.
     */
    markSent: (trx: Transaction<Database>, id: number, caseId: number, remembered: unknown, now: Date) =>
      trx
        .updateTable('report_drafts')
        .set({ case_id: caseId, answers: JSON.stringify(remembered), updated_at: now })
        .where('id', '=', id)
        .execute(),
  };
}

export type ReportDraftRepository = ReturnType<typeof createReportDraftRepository>;
