import type { Kysely, Transaction } from 'kysely';
import type { ApplicationStatus, Database } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { NotFoundError } from '../../../shared/errors.js';
import { changeStage, StageChangeRefused } from '../applications/stage-change.js';
import type { ApplicantMessages } from '../messages/applicant-messages.js';
import { recruitmentPaths } from '../paths.js';
import { applicantLabel } from './anonymise.js';
import { recruiterAccess, vacancyOfApplication } from './access.js';

/** One application that a bulk move could not make, and why: the whole move was undone. */
export interface BulkRefusal {
  applicationId: number;
  label: string;
  message: string;
}

export class BulkMoveRefused extends Error {
  constructor(readonly refusals: BulkRefusal[]) {
    super(`${refusals.length} of the moves are not allowed`);
    this.name = 'BulkMoveRefused';
  }
}

export interface MoveRequest {
  to: ApplicationStatus;
  message: string;
  reason: string;
}

export interface MovesDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  messages: ApplicantMessages;
  publicUrl: string;
}

/**
 * Staff moving applications along the pipeline, one or many at once. Every move is `changeStage`,
 * so each is checked, recorded, audited and emailed the same way; a bulk move is one transaction.
 */
export function createMovesService({ db, clock, messages, publicUrl }: MovesDependencies) {
  /** The message with what the applicant needs next: where to choose an interview time, or answer an offer. */
  function messageFor(applicationId: number, request: MoveRequest): string {
    const extra =
      request.to === 'interview_invited'
        ? `Choose your interview time: ${publicUrl}${recruitmentPaths.applicant.interview({ id: applicationId })}`
        : request.to === 'conditional_offer'
          ? `Accept or decline the offer: ${publicUrl}${recruitmentPaths.applicant.offer({ id: applicationId })}`
          : '';
    return [request.message.trim(), extra].filter(Boolean).join('\n\n');
  }

  async function move(
    tx: Transaction<Database>,
    actor: Actor,
    applicationId: number,
    request: MoveRequest,
    ipAddress: string | null,
  ) {
    await changeStage(tx, messages, {
      applicationId,
      to: request.to,
      actor,
      reason: request.reason.trim() || undefined,
      message: messageFor(applicationId, request),
      now: clock(),
      ipAddress,
    });
  }

  return {
    messageFor,

    async moveOne(actor: Actor, applicationId: number, request: MoveRequest, ipAddress: string | null) {
      await recruiterAccess(db, actor, await vacancyOfApplication(db, applicationId));
      await db.transaction().execute((tx) => move(tx, actor, applicationId, request, ipAddress));
    },

    /**
     * Moves every chosen application of the vacancy, or none: each move is tried in one transaction,
     * and if any is refused the transaction is undone and the refusals are reported together.
     */
    async moveMany(
      actor: Actor,
      vacancyId: number,
      applicationIds: number[],
      request: MoveRequest,
      ipAddress: string | null,
    ) {
      const access = await recruiterAccess(db, actor, vacancyId);
      const ids = [...new Set(applicationIds)].sort((a, b) => a - b);
      const ofVacancy = await db
        .selectFrom('applications')
        .select('id')
        .where('vacancy_id', '=', access.vacancy.id)
        .where('status', '<>', 'draft')
        .where('id', 'in', ids.length ? ids : [0])
        .execute();
      if (ofVacancy.length !== ids.length) throw new NotFoundError();
      await db.transaction().execute(async (tx) => {
        const refusals: BulkRefusal[] = [];
        // In id order, so two bulk moves over the same applications lock them in the same order.
        for (const id of ids) {
          try {
            await move(tx, actor, id, request, ipAddress);
          } catch (error) {
            if (!(error instanceof StageChangeRefused)) throw error;
            refusals.push({ applicationId: id, label: applicantLabel(id), message: error.message });
          }
        }
        if (refusals.length) throw new BulkMoveRefused(refusals);
      });
      return ids.length;
    },
  };
}

export type MovesService = ReturnType<typeof createMovesService>;
