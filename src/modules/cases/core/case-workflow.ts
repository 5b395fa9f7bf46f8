import type { Kysely, Transaction } from 'kysely';
import type { CaseStatus, Channel, ClosureReason, Database } from '../../../db/schema.js';
import { recordAudit } from '../../audit/service.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { type ActiveAgreementFinder } from '../../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { caseAccess, type CaseOwnership } from './case-policy.js';
import type { CaseRecord, CaseRepository } from './case-repository.js';
import { newsWith } from './case-messages.js';
import type { CaseFollowers } from './case-followers.js';
import type { CaseService } from './case-service.js';
import type { CatalogueService } from '../catalogue/service.js';
import { casePaths } from '../paths.js';
import { dayInEngland } from '../../../shared/dates.js';
import { addWorkingDays } from './working-days.js';
import { providerFor, type PlacesService } from '../../places/service.js';

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

/** A change that may go ahead only once the member of staff confirms it, in the named field (a checkbox). */
export class NeedsConfirmationError extends InvalidChangeError {
  constructor(
    message: string,
    readonly confirmationField: string,
  ) {
    super(message);
  }
}

export interface WorkflowDependencies {
  db: Kysely<Database>;
  repository: CaseRepository;
  cases: CaseService;
  catalogue: CatalogueService;
  agreements: ActiveAgreementFinder;
  /** places' port: which councils serve the case's point, to check a transfer's receiving body. */
  places: Pick<PlacesService, 'findByPoint'>;
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
  places,
  clock,
  publicUrl,
  followers,
}: WorkflowDependencies) {
  const { messages } = cases;

  /** Whoever follows the case (not its resident, who has their own message) is told its public news. */
  async function tellFollowers(trx: Transaction<Database>, record: CaseRecord, publicWords: string) {
    if (!followers) return;
    await followers.tell(trx, record, publicWords, await cases.contactEmailOf(record, trx));
  }

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
        const surveyUrl =
          input.status === 'resolved'
            ? `${publicUrl}${casePaths.satisfaction}?token=${await cases.issueSurveyToken(trx, caseId)}`
            : undefined;
        await messages.tellOfStatus(trx, caseId, input, surveyUrl);
        if (input.status === 'resolved')
          await tellFollowers(trx, record, `It has been resolved.${input.message ? ` ${input.message}` : ''}`);
        else if (input.message) await tellFollowers(trx, record, input.message);
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
        if (input.isPublic) {
          await messages.tellResident(trx, caseId, 'updated', { message: input.body }, input.body);
          await tellFollowers(trx, record, input.body);
        }
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
        // The person given the work is told, unless they gave it to themselves.
        if (
          input.assigneeStaffId !== null &&
          input.assigneeStaffId !== record.assignee_staff_id &&
          input.assigneeStaffId !== staff.staffId
        )
          await messages.tellStaff(trx, caseId, 'staff-assigned', {}, { team: false, assignee: true });
        await recordAudit(
          trx,
          { actor: staff, action: 'assign', recordType: 'case', recordId: caseId, detail: input },
          now,
        );
      });
    },

    /**
     * Hands the case to the right partner with a reason. It keeps its reference, its history and its
     * status; the receiving organisation gets it in its queue (to the team of its request type) and an
     * email. Its own target runs from the transfer (`due_on`); the day the resident was first given
     * stays in `resident_due_on`, for the tracking page and for insight. A body whose area does not
     * include the case's place for that service gets it only when the officer confirms, and the
     * confirmation is noted on the timeline and in the audit log.
     */
    async transfer(
      actor: Actor,
      caseId: number,
      input: { toOrganisationId: number; reason: string; confirmOutsideArea?: boolean },
    ) {
      // Looked up before the transaction: inside it, only the transaction may use the database.
      const current = await repository.findById(caseId);
      if (!current) throw new NotFoundError();
      const target = await catalogue.findTypeByCode(input.toOrganisationId, current.service_code);
      const holidays = await catalogue.bankHolidays();
      const located = await places.findByPoint(current.latitude, current.longitude);
      const servesPlace =
        target !== undefined &&
        located.outcome === 'found' &&
        providerFor(located.place, target.tier).id === input.toOrganisationId;
      return change(actor, caseId, 'act', async (trx, record, staff, now) => {
        if (input.toOrganisationId === record.organisation_id)
          throw new InvalidChangeError('Choose another organisation');
        if (record.status === 'closed' || record.status === 'resolved')
          throw new InvalidChangeError('Reopen the case before transferring it');
        if (!target || !target.active)
          throw new InvalidChangeError('That organisation does not take this kind of request');
        const doesNotServe = `does not deal with ${record.type_name.toLowerCase()} requests at this place`;
        if (!servesPlace && !input.confirmOutsideArea)
          throw new NeedsConfirmationError(
            `${target.organisationName} ${doesNotServe}: its area does not include where the case is. Check, then confirm to transfer it anyway`,
            'confirmOutsideArea',
          );
        const due = addWorkingDays(dayInEngland(now), target.slaWorkingDays, holidays);
        await repository.update(trx, caseId, {
          organisation_id: input.toOrganisationId,
          request_type_id: target.id,
          team_id: target.teamId,
          assignee_staff_id: null,
          due_on: due,
          // The first promise survives any number of transfers.
          resident_due_on: record.resident_due_on ?? record.due_on,
          transferred_at: now,
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
          to_status: record.status,
          staff_id: staff.staffId,
          organisation_id: staff.organisationId,
          channel: 'web',
        });
        if (!servesPlace)
          await repository.addEvent(trx, {
            case_id: caseId,
            occurred_at: now,
            kind: 'internal_note',
            is_public: false,
            body: `Transferred to ${target.organisationName}, which ${doesNotServe}: the officer confirmed it.`,
            staff_id: staff.staffId,
            organisation_id: staff.organisationId,
            channel: 'web',
          });
        const told = { from_organisation: record.organisation_name, reason: input.reason };
        await messages.tellResident(
          trx,
          caseId,
          'transferred',
          told,
          newsWith(`It is now with ${target.organisationName}, who will deal with it.`, input.reason),
        );
        await messages.tellStaff(trx, caseId, 'staff-transferred', told, { team: true, assignee: false });
        await recordAudit(
          trx,
          {
            actor: staff,
            action: 'transfer',
            recordType: 'case',
            recordId: caseId,
            detail: {
              from: record.organisation_id,
              to: input.toOrganisationId,
              reason: input.reason,
              ...(servesPlace ? {} : { outsideAreaConfirmed: true }),
            },
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
          // A new promise to the resident, from the owner's own target: the two are the same again.
          due_on: due,
          resident_due_on: null,
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
        await messages.tellResident(trx, record.id, 'reopened', { reason }, newsWith('It has been reopened.', reason));
        await messages.tellStaff(trx, record.id, 'staff-reopened', { reason });
        await recordAudit(trx, { actor, action: 'reopen', recordType: 'case', recordId: record.id }, now);
      });
    },
  };
}

export type CaseWorkflow = ReturnType<typeof createCaseWorkflow>;
