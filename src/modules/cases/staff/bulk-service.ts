import type { Actor } from '../../../shared/actor.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { requireCapability, rolesHolding } from '../../identity/policy.js';
import type { CaseRepository } from '../core/case-repository.js';
import { InvalidChangeError, type CaseWorkflow } from '../core/case-workflow.js';
import type { StaffCaseRepository } from './case-page-repository.js';
import type { BulkAction } from './bulk-schemas.js';

export interface BulkActionDependencies {
  workflow: CaseWorkflow;
  caseRepository: CaseRepository;
  staffCases: StaffCaseRepository;
}

export interface BulkOutcome {
  changed: { id: number; reference: string }[];
  refused: { id: number; reference: string; reason: string }[];
}

/**
 * One change made to many cases from the worklist: assigning them, or moving them on to a status
 * (closing them with a reason). Each case goes through the workflow on its own, with its own check,
 * transaction, timeline entry, audit entry and message to the resident, exactly as if changed on its
 * page; one that may not be changed is reported, and the others still are.
 */
export function createBulkActions({ workflow, caseRepository, staffCases }: BulkActionDependencies) {
  return {
    /** Whom the worklist's cases may be assigned to: the organisation's staff who act on cases. */
    assignees(actor: Actor) {
      const staff = requireCapability(actor, 'cases.act');
      return staffCases.staffWithRoles(staff.organisationId, rolesHolding('cases.act'));
    },

    async apply(actor: Actor, caseIds: number[], action: BulkAction): Promise<BulkOutcome> {
      requireCapability(actor, 'cases.act');
      const outcome: BulkOutcome = { changed: [], refused: [] };
      for (const id of caseIds) {
        const record = await caseRepository.findById(id);
        const reference = record?.reference ?? `case ${id}`;
        try {
          if (!record) throw new NotFoundError();
          if (action.kind === 'assign')
            await workflow.assign(actor, id, { teamId: record.team_id, assigneeStaffId: action.assigneeStaffId });
          else
            await workflow.changeStatus(actor, id, {
              status: action.status,
              closureReason: action.closureReason,
              message: action.message,
            });
          outcome.changed.push({ id, reference });
        } catch (error) {
          const reason =
            error instanceof InvalidChangeError
              ? error.message
              : error instanceof ForbiddenError || error instanceof NotFoundError
                ? 'You may not change this case'
                : null;
          if (reason === null) throw error;
          outcome.refused.push({ id, reference, reason });
        }
      }
      return outcome;
    },
  };
}

export type BulkActions = ReturnType<typeof createBulkActions>;
