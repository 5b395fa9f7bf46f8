import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A case an organisation recorded stays in its list of "cases we recorded" unless it was recorded on
 * a client's consent that no longer holds for it: withdrawn, expired, or given to someone else.
 * For the worklist's query on `cases`; `today` is the UK day, 'YYYY-MM-DD'.
 */
export function recordedCaseStillConsented(organisationId: number, today: string) {
  return sql<boolean>`not exists (
    select 1 from case_consents
    where case_consents.case_id = cases.id
      and (case_consents.organisation_id <> ${organisationId} or case_consents.withdrawn_at is not null or case_consents.expires_on < ${today}::date))`;
}

/** SQL for consents and caller checks: who may see another body's case, and why. No rules here. */
export function createCaseSharingRepository(db: Kysely<Database>) {
  return {
    /** The client's consent recorded with the case, if any, with the organisation it lets see the case. */
    consentOf: (caseId: number, executor: Db = db) =>
      executor
        .selectFrom('case_consents')
        .innerJoin('organisations', 'organisations.id', 'case_consents.organisation_id')
        .leftJoin('staff_directory as staff', 'staff.id', 'case_consents.recorded_by_staff_id')
        .select([
          'case_consents.case_id',
          'case_consents.given_by',
          'case_consents.given_on',
          'case_consents.purpose',
          'case_consents.expires_on',
          'case_consents.organisation_id',
          'case_consents.withdrawn_at',
          'case_consents.withdrawn_by',
          'case_consents.withdrawn_by_staff_id',
          'case_consents.recorded_at',
          'organisations.name as organisation_name',
          'staff.name as recorded_by',
        ])
        .where('case_consents.case_id', '=', caseId)
        .executeTakeFirst(),

    /** Marks the consent withdrawn, if it was not already; false when someone got there first. */
    async withdrawConsent(
      trx: Transaction<Database>,
      caseId: number,
      by: { staffId: number } | 'resident',
      now: Date,
    ): Promise<boolean> {
      const result = await trx
        .updateTable('case_consents')
        .set(
          by === 'resident'
            ? { withdrawn_at: now, withdrawn_by: 'resident' }
            : { withdrawn_at: now, withdrawn_by: 'staff', withdrawn_by_staff_id: by.staffId },
        )
        .where('case_id', '=', caseId)
        .where('withdrawn_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Whether this member of staff verified a caller of this case, under this agreement, and it has not run out. */
    async hasLiveCheck(staffId: number, caseId: number, agreementId: number, now: Date): Promise<boolean> {
      const row = await db
        .selectFrom('case_caller_checks')
        .select('id')
        .where('staff_id', '=', staffId)
        .where('case_id', '=', caseId)
        .where('agreement_id', '=', agreementId)
        .where('succeeded', '=', true)
        .where('expires_at', '>', now)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** How many checks by this member of staff failed since a moment: more than a few is guessing. */
    async failedChecksSince(staffId: number, since: Date): Promise<number> {
      const row = await db
        .selectFrom('case_caller_checks')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('staff_id', '=', staffId)
        .where('succeeded', '=', false)
        .where('checked_at', '>=', since)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async recordCheck(
      trx: Transaction<Database>,
      check: {
        staffId: number;
        caseId: number | null;
        agreementId: number | null;
        checkedAt: Date;
        expiresAt: Date | null;
      },
    ): Promise<void> {
      await trx
        .insertInto('case_caller_checks')
        .values({
          staff_id: check.staffId,
          case_id: check.caseId,
          agreement_id: check.agreementId,
          checked_at: check.checkedAt,
          succeeded: check.expiresAt !== null,
          expires_at: check.expiresAt,
        })
        .execute();
    },
  };
}

export type CaseSharingRepository = ReturnType<typeof createCaseSharingRepository>;
