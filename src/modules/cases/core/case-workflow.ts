import type { Kysely, Transaction } from 'kysely';
import type { CaseStatus, Channel, ClosureReason, Database } from '../../../db/schema.js';
import { recordAudit } from '../../audit/service.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { type ActiveAgreementFinder } from '../../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { queueEmail } from '../../notify/outbox.js';
import { caseAccess, type CaseOwnership } from './case-policy.js';
import { caseEmails } from './case-emails.js';
import type { CaseRecord, CaseRepository } from './case-repository.js';
import type { CaseFollowers } from './case-followers.js';
import type { CaseService } from './case-service.js';
import type { CatalogueService } from '../catalogue/service.js';
import { casePaths } from '../paths.js';
import { dayInEngland } from '../../../shared/dates.js';
import { addWorkingDays } from './working-days.js';

/** Where each status may go next. A closed case is reopened, not edited. */
const transitions: Record<CaseStatus, CaseStatus[]> = {
  open: ['acknowledged', 'in_progress', 'resolved', 'closed'],
  acknowledged: ['in_progress', 'resolved', 'closed'],
  in_progress: ['resolved', 'closed'],
  resolved: ['closed', 'in_progress'],
  closed: [],
};

export class InvalidChangeError extends Error {
  readonly statusCode = 409;
  readonly code = 'INVALID_CHANGE';
}

export interface WorkflowDependencies {
  db: Kysely<Database>;
  repository: CaseRepository;
  cases: CaseService;
  catalogue: CatalogueService;
  agreements: ActiveAgreementFinder;
  clock: () => Date;
  publicUrl: string;
  /** People following the case who did not report it: told of its public news too. */
  followers?: CaseFollowers;
}

const ownersChanged = Symbol('the case changed hands between the check and the lock');

/** Whether two reads of a case have the owners its access depends on. */
function sameOwners(a: CaseOwnership, b: CaseOwnership): boolean {
  return (
    a.organisation_id === b.organisation_id &&
    a.recorded_by_organisation_id === b.recorded_by_organisation_id &&
    a.lgsl === b.lgsl
  );
}

/** Everything staff and residents do to a case after it is made, each change with its timeline entry. */
export function createCaseWorkflow({
  db,
  repository,
  cases,
  catalogue,
  clock,
  publicUrl,
  followers,
}: WorkflowDependencies) {
  /**
   * Loads the case, checks the actor may act on it, and runs the change in one locked transaction.
   * The check reads agreements and consents, which cannot be read inside the transaction on the
   * embedded database's one connection, so it is made on the case as first read; the change then goes
   * ahead only if the locked row still has the owners that were checked. If a transfer came in
   * between, the whole check is made again on the case as it now is.
   */
  async function change<T>(
    actor: Actor,
    caseId: number,
    needs: 'act' | 'read',
    work: (trx: Transaction<Database>, record: CaseRecord, staff: StaffActor, now: Date) => Promise<T>,
  ): Promise<T> {
    if (actor.kind !== 'staff') throw new ForbiddenError();
    for (let attempt = 1; ; attempt++) {
      const checked = await repository.findById(caseId);
      if (!checked) throw new NotFoundError();
      const access = await caseAccess(actor, checked, cases.sharing, clock());
      if (access === 'none' || (needs === 'act' && access !== 'act')) throw new ForbiddenError();
      const now = clock();
      const outcome = await db.transaction().execute(async (trx) => {
        await repository.lock(trx, caseId);
        const record = await repository.findById(caseId, trx);
        if (!record) throw new NotFoundError();
        if (!sameOwners(record, checked)) return ownersChanged;
        return { done: await work(trx, record, actor, now) };
      });
      if (outcome !== ownersChanged) return outcome.done;
      // Owners that change again and again are not a case anyone should be changing blind.
      if (attempt === 3) throw new ForbiddenError();
    }
  }

  async function notifyResident(
    trx: Transaction<Database>,
    record: CaseRecord,
    build: (email: string, trackUrl: string) => Promise<Parameters<typeof queueEmail>[1]>,
  ) {
    const email = await cases.contactEmailOf(record, trx);
    if (email) await queueEmail(trx, await build(email, cases.trackUrl(record.reference)));
    return email;
  }

  /** The resident, then whoever follows the case (only the public words, none of the resident's). */
  async function notifyResidentAndFollowers(
    trx: Transaction<Database>,
    record: CaseRecord,
    publicWords: string,
    build: Parameters<typeof notifyResident>[2],
  ) {
    const email = await notifyResident(trx, record, build);
    await followers?.tell(trx, record, publicWords, email);
  }

  return {
    async changeStatus(
      actor: Actor,
      caseId: number,
      input: {
        status: CaseStatus;
        closureReason?: ClosureReason;
        duplicateOf?: number;
        message: string;
        channel?: Channel;
      },
    ) {
      await change(actor, caseId, 'act', async (trx, record, staff, now) => {
        if (!transitions[record.status].includes(input.status)) {
          throw new InvalidChangeError(
            `A case that is ${record.status.replace('_', ' ')} cannot become ${input.status.replace('_', ' ')}`,
          );
        }
        if (input.status === 'closed' && !input.closureReason)
          throw new InvalidChangeError('Say why the case is closed');
        await repository.update(trx, caseId, {
          status: input.status,
          closure_reason: input.status === 'closed' ? input.closureReason : null,
          duplicate_of_case_id: input.closureReason === 'duplicate' ? (input.duplicateOf ?? null) : null,
          resolved_at: input.status === 'resolved' ? now : record.resolved_at,
          closed_at: input.status === 'closed' ? now : null,
          updated_at: now,
        });
        await repository.addEvent(trx, {
          case_id: caseId,
          occurred_at: now,
          kind: 'status_changed',
          is_public: true,
          body: input.message,
          from_status: record.status,
          to_status: input.status,
          staff_id: staff.staffId,
          organisation_id: staff.organisationId,
          channel: input.channel ?? 'web',
        });
        if (input.status === 'resolved') {
          const token = await cases.issueSurveyToken(trx, caseId);
          const resolvedWords = `It has been resolved.${input.message ? ` ${input.message}` : ''}`;
          await notifyResidentAndFollowers(trx, record, resolvedWords, async (email, trackUrl) =>
            caseEmails.resolved(
              email,
              record,
              input.message,
              trackUrl,
              `${publicUrl}${casePaths.satisfaction}?token=${token}`,
            ),
          );
        } else if (input.message) {
          await notifyResidentAndFollowers(trx, record, input.message, async (email, trackUrl) =>
            caseEmails.updated(email, record, input.message, trackUrl),
          );
        }
        await recordAudit(
          trx,
          {
            actor: staff,
            action: 'update',
            recordType: 'case',
            recordId: caseId,
            detail: { status: { from: record.status, to: input.status } },
          },
          now,
        );
      });
    },

    /** A public update is on the resident's timeline and emailed to them; a note is for staff alone. */
    async addUpdate(
      actor: Actor,
      caseId: number,
      input: {
        body: string;
        isPublic: boolean;
        channel?: Channel;
        /** What came with the update (its photos), saved in its transaction with the entry's id. */
        alongside?: (trx: Transaction<Database>, eventId: number) => Promise<void>;
      },
    ) {
      // Staff who may only read a case (an agent of another partner answering a call) may note the
      // contact they had; public updates and internal notes are the owning organisation's.
      const isContactRecord = !input.isPublic && input.channel !== undefined && input.channel !== 'web';
      await change(actor, caseId, isContactRecord ? 'read' : 'act', async (trx, record, staff, now) => {
        const eventId = await repository.addEvent(trx, {
          case_id: caseId,
          occurred_at: now,
          kind: input.isPublic
            ? 'public_update'
            : input.channel && input.channel !== 'web'
              ? 'contact_recorded'
              : 'internal_note',
          is_public: input.isPublic,
          body: input.body,
          staff_id: staff.staffId,
          organisation_id: staff.organisationId,
          channel: input.channel ?? 'web',
        });
        await input.alongside?.(trx, eventId);
        await repository.update(trx, caseId, { updated_at: now });
        if (input.isPublic)
          await notifyResidentAndFollowers(trx, record, input.body, async (email, trackUrl) =>
            caseEmails.updated(email, record, input.body, trackUrl),
          );
        await recordAudit(
          trx,
          { actor: staff, action: input.isPublic ? 'public-update' : 'note', recordType: 'case', recordId: caseId },
          now,
        );
      });
    },

    async assign(actor: Actor, caseId: number, input: { teamId: number | null; assigneeStaffId: number | null }) {
      await change(actor, caseId, 'act', async (trx, record, staff, now) => {
        if (input.teamId !== null) {
          const team = await trx
            .selectFrom('teams')
            .select('organisation_id')
            .where('id', '=', input.teamId)
            .executeTakeFirst();
          if (!team || team.organisation_id !== record.organisation_id)
            throw new InvalidChangeError('Choose a team of the organisation that owns the case');
        }
        if (input.assigneeStaffId !== null) {
          const assignee = await trx
            .selectFrom('staff_directory')
            .select('organisation_id')
            .where('id', '=', input.assigneeStaffId)
            .executeTakeFirst();
          if (!assignee || assignee.organisation_id !== record.organisation_id)
            throw new InvalidChangeError('Choose someone in the organisation that owns the case');
        }
        await repository.update(trx, caseId, {
          team_id: input.teamId,
          assignee_staff_id: input.assigneeStaffId,
          updated_at: now,
        });
        await repository.addEvent(trx, {
          case_id: caseId,
          occurred_at: now,
          kind: 'assigned',
          is_public: false,
          body: '',
          staff_id: staff.staffId,
          organisation_id: staff.organisationId,
          channel: 'web',
        });
        await recordAudit(
          trx,
          { actor: staff, action: 'assign', recordType: 'case', recordId: caseId, detail: input },
          now,
        );
      });
    },

    /**
     * Hands the case to the right partner with a reason. It keeps its reference and its history; the
     * receiving organisation gets it in its queue (to the team of its request type) and an email.
     */
    async transfer(actor: Actor, caseId: number, input: { toOrganisationId: number; reason: string }) {
      // Looked up before the transaction: inside it, only the transaction may use the database.
      const current = await repository.findById(caseId);
      if (!current) throw new NotFoundError();
      const target = await catalogue.findTypeByCode(input.toOrganisationId, current.service_code);
      const holidays = await catalogue.bankHolidays();
      return change(actor, caseId, 'act', async (trx, record, staff, now) => {
        if (input.toOrganisationId === record.organisation_id)
          throw new InvalidChangeError('Choose another organisation');
        if (record.status === 'closed' || record.status === 'resolved')
          throw new InvalidChangeError('Reopen the case before transferring it');
        if (!target || !target.active)
          throw new InvalidChangeError('That organisation does not take this kind of request');
        const due = addWorkingDays(dayInEngland(now), target.slaWorkingDays, holidays);
        await repository.update(trx, caseId, {
          organisation_id: input.toOrganisationId,
          request_type_id: target.id,
          team_id: target.teamId,
          assignee_staff_id: null,
          status: 'open',
          due_on: due,
          updated_at: now,
        });
        await repository.addEvent(trx, {
          case_id: caseId,
          occurred_at: now,
          kind: 'transferred',
          is_public: true,
          body: input.reason,
          from_organisation_id: record.organisation_id,
          to_organisation_id: input.toOrganisationId,
          from_status: record.status,
          to_status: 'open',
          staff_id: staff.staffId,
          organisation_id: staff.organisationId,
          channel: 'web',
        });
        const team = await trx.selectFrom('teams').select('email').where('id', '=', target.teamId).executeTakeFirst();
        if (team?.email) {
          await queueEmail(
            trx,
            caseEmails.transferredIn(
              team.email,
              record,
              staff.organisationName,
              input.reason,
              `${publicUrl}${casePaths.staff.case({ id: caseId })}`,
            ),
          );
        }
        await recordAudit(
          trx,
          {
            actor: staff,
            action: 'transfer',
            recordType: 'case',
            recordId: caseId,
            detail: { from: record.organisation_id, to: input.toOrganisationId, reason: input.reason },
          },
          now,
        );
        return target.organisationName;
      });
    },

    /** A resident reopens their own case within 28 days of its resolution: it goes back to the queue. */
    async reopen(record: CaseRecord, reason: string, actor: Actor) {
      if (!cases.canReopen(record)) throw new InvalidChangeError('This request can no longer be reopened');
      const now = clock();
      const due = await cases.dueOnReopening(record, now);
      await db.transaction().execute(async (trx) => {
        await repository.lock(trx, record.id);
        // Checked again under the lock: of two reopens at once, the second finds it open already.
        const current = await repository.findById(record.id, trx);
        if (!current || !cases.canReopen(current))
          throw new InvalidChangeError('This request can no longer be reopened');
        await repository.update(trx, record.id, {
          status: 'open',
          closure_reason: null,
          duplicate_of_case_id: null,
          resolved_at: null,
          closed_at: null,
          due_on: due,
          updated_at: now,
        });
        await repository.addEvent(trx, {
          case_id: record.id,
          occurred_at: now,
          kind: 'reopened',
          is_public: true,
          body: reason,
          from_status: record.status,
          to_status: 'open',
          organisation_id: null,
          channel: 'web',
        });
        await recordAudit(trx, { actor, action: 'reopen', recordType: 'case', recordId: record.id }, now);
      });
    },
  };
}

export type CaseWorkflow = ReturnType<typeof createCaseWorkflow>;
