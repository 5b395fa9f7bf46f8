import type { Transaction } from 'kysely';
import type { ApplicationStatus, Database } from '../../../db/schema.js';

/**
 * The rules of the pipeline that depend on more than the two stages: `changeStage` runs them for
 * every move, so a move made one at a time, in bulk or by a booking obeys the same rules.
 */
export interface RuleRefusal {
  message: string;
  /** The form field the refusal belongs beside, where there is one. */
  field?: 'reason';
}

export interface MoveUnderRules {
  applicationId: number;
  from: ApplicationStatus;
  to: ApplicationStatus;
  reason: string;
  guaranteedInterview: readonly string[];
  requiresDbs: boolean;
}

/** The least mean panel score, per essential criterion, that counts as meeting it. */
export const ESSENTIAL_CRITERION_MET = 2;

/**
 * Does the application meet the essential criteria? Each essential criterion the panel has scored
 * must have a mean score of at least 2 (some evidence); a criterion nobody has scored yet counts as
 * met, because the guarantee protects the applicant until the panel has shown otherwise.
 */
export async function meetsEssentialCriteria(tx: Transaction<Database>, applicationId: number): Promise<boolean> {
  const means = await tx
    .selectFrom('shortlist_scores')
    .innerJoin('vacancy_criteria', 'vacancy_criteria.id', 'shortlist_scores.criterion_id')
    .select(['shortlist_scores.criterion_id', (eb) => eb.fn.avg<string | number>('shortlist_scores.score').as('mean')])
    .where('shortlist_scores.application_id', '=', applicationId)
    .where('vacancy_criteria.kind', '=', 'essential')
    .groupBy('shortlist_scores.criterion_id')
    .execute();
  return means.every((row) => Number(row.mean) >= ESSENTIAL_CRITERION_MET);
}

/** What stands between an application in pre-employment checks and its appointment, in plain words. */
export async function appointmentBlockers(
  tx: Transaction<Database>,
  applicationId: number,
  requiresDbs: boolean,
): Promise<string[]> {
  const checks = await tx
    .selectFrom('pre_employment_checks')
    .select(['right_to_work_confirmed_at', 'dbs_cleared_at'])
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  const references = await tx
    .selectFrom('reference_requests')
    .select(['received_at'])
    .where('application_id', '=', applicationId)
    .execute();
  const blockers: string[] = [];
  if (!checks?.right_to_work_confirmed_at) blockers.push('the right to work has not been confirmed');
  const awaited = references.filter((reference) => reference.received_at === null).length;
  if (awaited > 0)
    blockers.push(`${awaited} requested reference${awaited === 1 ? ' has' : 's have'} not been received`);
  if (requiresDbs && !checks?.dbs_cleared_at) blockers.push('the DBS check has not been cleared');
  return blockers;
}

export async function refusalUnderRules(tx: Transaction<Database>, move: MoveUnderRules): Promise<RuleRefusal | null> {
  const atSift = move.from === 'submitted' || move.from === 'reserve';
  if (move.to === 'unsuccessful' && atSift && move.guaranteedInterview.length > 0 && move.reason.trim() === '') {
    if (await meetsEssentialCriteria(tx, move.applicationId))
      return {
        message:
          'This applicant has a guaranteed interview and meets the essential criteria: give the reason for not inviting them to interview',
        field: 'reason',
      };
  }
  if (move.to === 'appointed') {
    const blockers = await appointmentBlockers(tx, move.applicationId, move.requiresDbs);
    if (blockers.length > 0) return { message: `Cannot appoint yet: ${blockers.join('; ')}` };
  }
  return null;
}

/**
 * What a move does besides the stage: leaving a booked interview for anything but "interviewed"
 * (staff freeing the slot, a withdrawal) gives the slot back for someone else to book.
 */
export async function afterMove(
  tx: Transaction<Database>,
  move: Pick<MoveUnderRules, 'applicationId' | 'from' | 'to'>,
): Promise<void> {
  if (move.from === 'interview_booked' && move.to !== 'interviewed')
    await tx
      .updateTable('interview_slots')
      .set({ booked_application_id: null })
      .where('booked_application_id', '=', move.applicationId)
      .execute();
}
