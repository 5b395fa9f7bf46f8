import type { Transaction } from 'kysely';
import type { ApplicationStatus, Database } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { recordAudit } from '../../audit/service.js';
import type { ApplicantMessages } from '../messages/applicant-messages.js';
import { afterMove, refusalUnderRules } from '../pipeline/stage-rules.js';
import { moverOf, stageNames } from './stages.js';

/** A move the pipeline does not allow, or that this person may not make: answered 409 with why. */
export class StageChangeRefused extends Error {
  readonly statusCode = 409;
  readonly code = 'STAGE_CHANGE_REFUSED';
  /** The form field the refusal is about (the reason, say), so the page can show it beside that field. */
  readonly field?: string;
  constructor(message: string, field?: string) {
    super(message);
    this.name = 'StageChangeRefused';
    this.field = field;
  }
}

export interface StageChange {
  applicationId: number;
  to: ApplicationStatus;
  /** The applicant (a citizen) or a member of the employer's staff; whether they may see the application is the caller's to check first. */
  actor: Actor;
  /** Why, where staff give one; sent to the applicant as the email's message when `tellApplicant` says so. */
  reason?: string;
  /** What the email to the applicant says besides its template (interview details, say). */
  message?: string;
  now: Date;
  ipAddress?: string | null;
}

/**
 * Moves one application to another stage, in the caller's transaction: checks the move is allowed
 * and that the actor is the one who makes it (applicant or employer), records the event and the
 * audit entry, and queues the email to the applicant. The row is locked, so two staff moving the same
 * application at once are put one after the other, and the second is checked against the first's result.
 */
export async function changeStage(
  tx: Transaction<Database>,
  messages: ApplicantMessages,
  change: StageChange,
): Promise<void> {
  const application = await tx
    .selectFrom('applications')
    .innerJoin('vacancies', 'vacancies.id', 'applications.vacancy_id')
    .innerJoin('organisations', 'organisations.id', 'vacancies.organisation_id')
    .select([
      'applications.id',
      'applications.status',
      'applications.citizen_id',
      'applications.personal',
      'applications.vacancy_id',
      'applications.guaranteed_interview',
      'vacancies.title',
      'vacancies.requires_dbs',
      'vacancies.organisation_id',
      'organisations.name as employer_name',
    ])
    .where('applications.id', '=', change.applicationId)
    .forUpdate('applications')
    .executeTakeFirst();
  if (!application) throw new StageChangeRefused('There is no such application');
  const from = application.status;
  const mover = moverOf(from, change.to);
  if (mover === null)
    throw new StageChangeRefused(
      `An application that is ${stageNames[from].toLowerCase()} cannot become ${stageNames[change.to].toLowerCase()}`,
    );
  const actorIs = change.actor.kind === 'citizen' ? 'applicant' : change.actor.kind === 'staff' ? 'employer' : null;
  const isOwnApplicant = change.actor.kind === 'citizen' && change.actor.citizenId === application.citizen_id;
  // Staff may record what a paper applicant (who has no account) told them: their withdrawal, say.
  const staffForPaperApplicant = actorIs === 'employer' && application.citizen_id === null;
  if (mover === 'applicant' ? !(isOwnApplicant || staffForPaperApplicant) : actorIs !== 'employer')
    throw new StageChangeRefused(
      mover === 'applicant' ? 'Only the applicant can do this' : 'Only the employer can do this',
    );

  const refusal = await refusalUnderRules(tx, {
    applicationId: application.id,
    from,
    to: change.to,
    reason: change.reason ?? '',
    guaranteedInterview: application.guaranteed_interview,
    requiresDbs: application.requires_dbs,
  });
  if (refusal) throw new StageChangeRefused(refusal.message, refusal.field);

  await tx
    .updateTable('applications')
    .set({
      status: change.to,
      status_changed_at: change.now,
      updated_at: change.now,
      ...(change.to === 'submitted' ? { submitted_at: change.now } : {}),
    })
    .where('id', '=', application.id)
    .execute();
  await afterMove(tx, { applicationId: application.id, from, to: change.to });
  await tx
    .insertInto('application_events')
    .values({
      application_id: application.id,
      from_status: from,
      to_status: change.to,
      staff_id: change.actor.kind === 'staff' ? change.actor.staffId : null,
      reason: change.reason ?? null,
      created_at: change.now,
    })
    .execute();
  await recordAudit(
    tx,
    {
      actor: change.actor,
      action: 'update',
      recordType: 'application',
      recordId: application.id,
      detail: { from, to: change.to, ...(change.reason ? { reason: change.reason } : {}) },
      ipAddress: change.ipAddress ?? null,
    },
    change.now,
  );
  if (change.to !== 'draft')
    await messages.tell(
      tx,
      {
        applicationId: application.id,
        citizenId: application.citizen_id,
        personal: application.personal,
        jobTitle: application.title,
        organisationId: application.organisation_id,
        employerName: application.employer_name,
      },
      change.to,
      change.message ?? '',
    );
}
