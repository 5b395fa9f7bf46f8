import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { anonymous, type Actor } from '../../../shared/actor.js';
import { DAY_MS } from '../../../shared/dates.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { recordAudit } from '../../audit/service.js';
import { queueEmail } from '../../notify/outbox.js';
import { fullName, readPersonal, readReferees } from '../applications/application-content.js';
import { recruitmentPaths } from '../paths.js';
import { recruiterAccess, vacancyOfApplication } from './access.js';
import { appointmentBlockers } from './stage-rules.js';

/** A referee's link works for this long, and once. */
export const REFERENCE_LINK_DAYS = 30;

/** The stages at which the recruiter works through the pre-employment checks. */
const checkStages = ['offer_accepted', 'pre_employment_checks'] as const;

export interface ReferenceAnswer {
  relationship: string;
  howLong: string;
  suitability: string;
  concerns: string;
  declaration: true;
}

/** Why a reference link does not open its form. */
export type ReferenceLinkProblem = 'not_found' | 'used' | 'expired';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Pre-employment checks: the right to work (who confirmed it, when), references asked of the
 * applicant's referees by a link that works once for 30 days (only its hash is kept), and the DBS
 * check where the post needs one. Appointment waits for all of them (stage-rules.ts).
 */
export function createChecksService({
  db,
  clock,
  publicUrl,
}: {
  db: Kysely<Database>;
  clock: () => Date;
  publicUrl: string;
}) {
  async function applicationInChecks(actor: Actor, applicationId: number) {
    const access = await recruiterAccess(db, actor, await vacancyOfApplication(db, applicationId));
    const application = await db
      .selectFrom('applications')
      .select(['id', 'status', 'personal', 'referees'])
      .where('id', '=', applicationId)
      .executeTakeFirstOrThrow();
    return { access, application };
  }

  function requireCheckStage(status: string) {
    if (!(checkStages as readonly string[]).includes(status))
      throw new ForbiddenError('Pre-employment checks start once the applicant accepts the offer');
  }

  return {
    async view(actor: Actor, applicationId: number) {
      const { access, application } = await applicationInChecks(actor, applicationId);
      const checks = await db
        .selectFrom('pre_employment_checks')
        .leftJoin('staff_directory as rtw', 'rtw.id', 'pre_employment_checks.right_to_work_staff_id')
        .leftJoin('staff_directory as dbs', 'dbs.id', 'pre_employment_checks.dbs_staff_id')
        .select([
          'pre_employment_checks.right_to_work_confirmed_at',
          'pre_employment_checks.dbs_cleared_at',
          'rtw.name as right_to_work_by',
          'dbs.name as dbs_by',
        ])
        .where('pre_employment_checks.application_id', '=', applicationId)
        .executeTakeFirst();
      const references = await db
        .selectFrom('reference_requests')
        .select(['id', 'referee_name', 'referee_email', 'requested_at', 'received_at', 'response'])
        .where('application_id', '=', applicationId)
        .orderBy('id')
        .execute();
      const now = clock();
      const blockers = await db
        .transaction()
        .execute((tx) => appointmentBlockers(tx, applicationId, access.vacancy.requires_dbs));
      return {
        access,
        application: { ...application, name: fullName(readPersonal(application.personal)) },
        referees: readReferees(application.referees),
        checks: checks ?? null,
        references: references.map((reference) => ({
          ...reference,
          expired:
            reference.received_at === null &&
            now.getTime() - reference.requested_at.getTime() > REFERENCE_LINK_DAYS * DAY_MS,
        })),
        blockers,
      };
    },

    async confirmRightToWork(actor: Actor, applicationId: number, ipAddress: string | null) {
      await this.record(actor, applicationId, 'right_to_work', ipAddress);
    },

    async clearDbs(actor: Actor, applicationId: number, ipAddress: string | null) {
      await this.record(actor, applicationId, 'dbs', ipAddress);
    },

    async record(actor: Actor, applicationId: number, check: 'right_to_work' | 'dbs', ipAddress: string | null) {
      const { access, application } = await applicationInChecks(actor, applicationId);
      requireCheckStage(application.status);
      if (check === 'dbs' && !access.vacancy.requires_dbs)
        throw new ForbiddenError('This post does not need a DBS check');
      const now = clock();
      const values =
        check === 'right_to_work'
          ? { right_to_work_confirmed_at: now, right_to_work_staff_id: access.staff.staffId }
          : { dbs_cleared_at: now, dbs_staff_id: access.staff.staffId };
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('pre_employment_checks')
          .values({ application_id: applicationId, ...values })
          .onConflict((conflict) => conflict.column('application_id').doUpdateSet(values))
          .execute();
        await recordAudit(
          tx,
          {
            actor: access.staff,
            action: 'update',
            recordType: 'application',
            recordId: applicationId,
            detail: { check },
            ipAddress,
          },
          now,
        );
      });
    },

    /** Emails each chosen referee (by their place in the application's list) a link of their own. */
    async requestReferences(actor: Actor, applicationId: number, refereeIndexes: number[], ipAddress: string | null) {
      const { access, application } = await applicationInChecks(actor, applicationId);
      requireCheckStage(application.status);
      const referees = readReferees(application.referees);
      const chosen = [...new Set(refereeIndexes)].map((index) => referees[index]);
      if (chosen.length === 0 || chosen.some((referee) => !referee?.email)) throw new NotFoundError();
      const applicantName = fullName(readPersonal(application.personal)) || 'the applicant';
      const now = clock();
      await db.transaction().execute(async (tx) => {
        for (const referee of chosen) {
          // A new link replaces any unanswered one to the same referee: only the newest is awaited.
          await tx
            .deleteFrom('reference_requests')
            .where('application_id', '=', applicationId)
            .where('referee_email', '=', referee.email)
            .where('received_at', 'is', null)
            .execute();
          const token = randomBytes(32).toString('base64url');
          await tx
            .insertInto('reference_requests')
            .values({
              application_id: applicationId,
              referee_name: referee.name,
              referee_email: referee.email,
              token_hash: hashToken(token),
              requested_at: now,
            })
            .execute();
          await queueEmail(tx, {
            to: referee.email,
            subject: `Reference request: ${applicantName} for ${access.vacancy.title}`,
            body:
              `Dear ${referee.name || 'referee'},\n\n${applicantName} has been offered the post of ${access.vacancy.title} ` +
              `and gave your name as a referee. Please give your reference here within ${REFERENCE_LINK_DAYS} days:\n\n` +
              `${publicUrl}${recruitmentPaths.reference({ token })}\n\nThe link works once. Thank you.\n`,
          });
        }
        await recordAudit(
          tx,
          {
            actor: access.staff,
            action: 'update',
            recordType: 'application',
            recordId: applicationId,
            detail: { referencesRequested: chosen.length },
            ipAddress,
          },
          now,
        );
      });
    },

    /** The reference a link asks for, or why the link does not open it. */
    async referenceByToken(token: string) {
      const request = await db
        .selectFrom('reference_requests')
        .innerJoin('applications', 'applications.id', 'reference_requests.application_id')
        .innerJoin('vacancies', 'vacancies.id', 'applications.vacancy_id')
        .innerJoin('organisations', 'organisations.id', 'vacancies.organisation_id')
        .select([
          'reference_requests.id',
          'reference_requests.referee_name',
          'reference_requests.requested_at',
          'reference_requests.received_at',
          'applications.personal',
          'vacancies.title',
          'organisations.name as employer_name',
        ])
        .where('reference_requests.token_hash', '=', hashToken(token))
        .executeTakeFirst();
      if (!request) return { problem: 'not_found' as const };
      if (request.received_at) return { problem: 'used' as const };
      if (clock().getTime() - request.requested_at.getTime() > REFERENCE_LINK_DAYS * DAY_MS)
        return { problem: 'expired' as const };
      return {
        problem: null,
        request: {
          id: request.id,
          refereeName: request.referee_name,
          applicantName: fullName(readPersonal(request.personal)) || 'the applicant',
          jobTitle: request.title,
          employerName: request.employer_name,
        },
      };
    },

    /** Saves the referee's answer once: a second submission of the same link finds it used. */
    async answerReference(
      token: string,
      answer: ReferenceAnswer,
      ipAddress: string | null,
    ): Promise<ReferenceLinkProblem | null> {
      const found = await this.referenceByToken(token);
      if (found.problem) return found.problem;
      const now = clock();
      return db.transaction().execute(async (tx) => {
        const saved = await tx
          .updateTable('reference_requests')
          .set({ received_at: now, response: JSON.stringify(answer) })
          .where('id', '=', found.request.id)
          .where('received_at', 'is', null)
          .returning('application_id')
          .executeTakeFirst();
        if (!saved) return 'used';
        await recordAudit(
          tx,
          {
            actor: anonymous,
            action: 'update',
            recordType: 'application',
            recordId: saved.application_id,
            detail: { referenceReceived: found.request.id },
            ipAddress,
          },
          now,
        );
        return null;
      });
    },
  };
}

export type ChecksService = ReturnType<typeof createChecksService>;
