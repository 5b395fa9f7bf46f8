import type { Kysely, Transaction } from 'kysely';
import type { CaseStatus, ClosureReason, Database } from '../../../db/schema.js';
import { recordAudit } from '../../audit/service.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { newsWith } from '../core/case-messages.js';
import type { CaseRecord, CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import { InvalidChangeError } from '../core/case-workflow.js';
import { apiClientActor, type ApiClient } from './keys.js';
import type { Open311Repository } from './repository.js';
import { casePaths } from '../paths.js';

/**
 * The statuses a back office (FixMyStreet's extended set) may send, and what each asks of the case.
 * 'open' statuses move a case forward only (open → acknowledged → in progress), never back.
 */
const backOfficeStatuses = {
  OPEN: { status: 'open' },
  REOPEN: { status: 'open' },
  INTERNAL_REFERRAL: { status: 'open' },
  INVESTIGATING: { status: 'acknowledged' },
  ACTION_SCHEDULED: { status: 'in_progress' },
  IN_PROGRESS: { status: 'in_progress' },
  FIXED: { status: 'resolved' },
  CLOSED: { status: 'resolved' },
  NOT_COUNCILS_RESPONSIBILITY: { status: 'closed', closureReason: 'not_our_responsibility' },
  DUPLICATE: { status: 'closed', closureReason: 'duplicate' },
  NO_FURTHER_ACTION: { status: 'closed', closureReason: 'no_further_action' },
  UNABLE_TO_FIX: { status: 'closed', closureReason: 'no_further_action' },
} satisfies Record<string, { status: CaseStatus; closureReason?: ClosureReason }>;

export type BackOfficeStatus = keyof typeof backOfficeStatuses;
export const backOfficeStatusNames = Object.keys(backOfficeStatuses) as BackOfficeStatus[];

const openRank: Partial<Record<CaseStatus, number>> = { open: 0, acknowledged: 1, in_progress: 2 };

/** Whether the status asks for the case to be worked on (OPEN, REOPEN, IN_PROGRESS…), not finished. */
export function asksForWork(sent: BackOfficeStatus): boolean {
  const wanted: CaseStatus = backOfficeStatuses[sent].status;
  return wanted !== 'closed' && wanted !== 'resolved';
}

/**
 * The status the case moves to, or null when it stays as it is and the update is only a message.
 * Every move is one that case-workflow.ts allows staff. A closed case is reopened only for its
 * resident, as on /track (`mayReopen`: the client that sent it, within 28 days); otherwise an open
 * status on a closed case is the resident's message, never a refusal (FixMyStreet retries a refused
 * update for ever).
 */
export function statusAfter(
  current: CaseStatus,
  sent: BackOfficeStatus,
  { mayReopen }: { mayReopen: boolean } = { mayReopen: false },
): { status: CaseStatus; closureReason?: ClosureReason } | null {
  const wanted: { status: CaseStatus; closureReason?: ClosureReason } = backOfficeStatuses[sent];
  if (current === 'closed') return asksForWork(sent) && mayReopen ? { status: 'open' } : null;
  if (wanted.status === 'closed') return wanted;
  if (wanted.status === 'resolved') return current === 'resolved' ? null : wanted;
  // An open status: a resolved case goes back to work; an open one only moves forward.
  if (current === 'resolved') return { status: 'in_progress' };
  return (openRank[wanted.status] ?? 0) > (openRank[current] ?? 0) ? wanted : null;
}

export interface BackOfficeUpdate {
  status: BackOfficeStatus;
  description: string;
}

export interface ApiClientWorkflowDependencies {
  db: Kysely<Database>;
  repository: CaseRepository;
  open311: Open311Repository;
  cases: CaseService;
  clock: () => Date;
  publicUrl: string;
}

/**
 * May this client change this case: a back office, one its organisation has now (not one it sent
 * that was transferred away since); a client of no organisation, one it sent.
 */
export function clientMayUpdate(
  client: ApiClient,
  record: Pick<CaseRecord, 'created_by_api_client_id' | 'organisation_id'>,
): boolean {
  return client.organisationId !== null
    ? client.organisationId === record.organisation_id
    : record.created_by_api_client_id === client.id;
}

/**
 * Changes made to a case by an API client rather than a member of staff: the same rules, timeline
 * entries, emails and audit as case-workflow.ts's changeStatus and addUpdate, with the client as
 * the one who acted and 'open311' as the channel.
 */
export function createApiClientWorkflow({
  db,
  repository,
  open311,
  cases,
  clock,
  publicUrl,
}: ApiClientWorkflowDependencies) {
  const { messages } = cases;

  return {
    /**
     * Applies a back office's update: a status change with its message, or a public message alone.
     * `within` runs in the same transaction (to save the response of an idempotent POST). Gives the
     * new timeline entry's id.
     */
    async apply(
      client: ApiClient,
      caseId: number,
      update: BackOfficeUpdate,
      within?: (trx: Transaction<Database>, updateId: number) => Promise<void>,
    ): Promise<number> {
      const existing = await repository.findById(caseId);
      if (!existing) throw new NotFoundError();
      if (!clientMayUpdate(client, existing))
        throw new ForbiddenError(
          'This API key may not update this request: it neither sent it nor is the back office of the council that has it',
        );
      const now = clock();
      // The client that sent the request speaks for its resident, who may reopen it as on /track.
      const forResident = client.organisationId === null && existing.created_by_api_client_id === client.id;
      // Its new due date is read before the transaction, and only when it may reopen (checked again under the lock).
      const mayReopen =
        forResident && existing.status === 'closed' && asksForWork(update.status) && cases.canReopen(existing);
      const reopenedDue = mayReopen ? await cases.dueOnReopening(existing, now) : null;
      return db.transaction().execute(async (trx) => {
        await repository.lock(trx, caseId);
        const record = await repository.findById(caseId, trx);
        if (!record) throw new NotFoundError();
        const next = statusAfter(record.status, update.status, {
          mayReopen: reopenedDue !== null && cases.canReopen(record),
        });
        const reopening = record.status === 'closed' && next !== null;
        // An open status on a closed case with no words is still the resident's message: say what they asked.
        const message =
          update.description.trim() ||
          (record.status === 'closed' && asksForWork(update.status)
            ? 'Asked for the request to be looked at again'
            : '');
        if (!next && !message)
          throw new InvalidChangeError(
            `The request is already ${record.status.replace('_', ' ')}: send a description to add an update`,
          );

        let updateId: number;
        if (reopening) {
          await repository.update(trx, caseId, {
            status: 'open',
            closure_reason: null,
            duplicate_of_case_id: null,
            resolved_at: null,
            closed_at: null,
            due_on: reopenedDue ?? record.due_on,
            updated_at: now,
          });
          updateId = await open311.insertEvent(trx, {
            case_id: caseId,
            occurred_at: now,
            kind: 'reopened',
            is_public: true,
            body: message,
            from_status: record.status,
            to_status: 'open',
            staff_id: null,
            organisation_id: null,
            channel: 'open311',
          });
          await messages.tellResident(
            trx,
            caseId,
            'reopened',
            { reason: message },
            newsWith('It has been reopened.', message),
          );
          await messages.tellStaff(trx, caseId, 'staff-reopened', { reason: message });
        } else if (next) {
          await repository.update(trx, caseId, {
            status: next.status,
            closure_reason: next.status === 'closed' ? (next.closureReason ?? 'no_further_action') : null,
            duplicate_of_case_id: null,
            resolved_at: next.status === 'resolved' ? now : record.resolved_at,
            closed_at: next.status === 'closed' ? now : null,
            updated_at: now,
          });
          updateId = await open311.insertEvent(trx, {
            case_id: caseId,
            occurred_at: now,
            kind: 'status_changed',
            is_public: true,
            body: message,
            from_status: record.status,
            to_status: next.status,
            staff_id: null,
            organisation_id: client.organisationId,
            channel: 'open311',
          });
          const surveyUrl =
            next.status === 'resolved'
              ? `${publicUrl}${casePaths.satisfaction}?token=${await cases.issueSurveyToken(trx, caseId)}`
              : undefined;
          await messages.tellOfStatus(trx, caseId, { ...next, message }, surveyUrl);
        } else {
          updateId = await open311.insertEvent(trx, {
            case_id: caseId,
            occurred_at: now,
            kind: 'public_update',
            is_public: true,
            body: message,
            staff_id: null,
            organisation_id: client.organisationId,
            channel: 'open311',
          });
          await repository.update(trx, caseId, { updated_at: now });
          await messages.tellResident(trx, caseId, 'updated', { message }, message);
        }
        const detail = next
          ? { status: { from: record.status, to: next.status }, sent: update.status }
          : { sent: update.status };
        await recordAudit(
          trx,
          {
            actor: apiClientActor(client),
            action: reopening ? 'reopen' : next ? 'update' : 'public-update',
            recordType: 'case',
            recordId: caseId,
            detail,
          },
          now,
        );
        await within?.(trx, updateId);
        return updateId;
      });
    },
  };
}

export type ApiClientWorkflow = ReturnType<typeof createApiClientWorkflow>;
