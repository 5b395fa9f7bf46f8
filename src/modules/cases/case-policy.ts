import type { StaffRole } from '../../db/schema.js';
import type { Actor, StaffActor } from '../identity/actor.js';
import { hasCapability, maySeeRecordsOf, type ActiveAgreementFinder } from '../identity/policy.js';
/** Roles that change a case their organisation owns: status, updates, assignment, transfer. */
const actingRoles: StaffRole[] = ['service_officer', 'service_manager', 'organisation_admin'];

export type CaseAccess = 'none' | 'read' | 'act';

export interface CaseOwnership {
  organisation_id: number;
  recorded_by_organisation_id: number | null;
  lgsl: number | null;
}

export function worksWithCases(actor: Actor): actor is StaffActor {
  return hasCapability(actor, 'cases.work');
}

export function actsOnCases(actor: StaffActor): boolean {
  return actor.roles.some((role) => actingRoles.includes(role));
}

/**
 * What a member of staff may do with a case: act on their own organisation's; read one their
 * organisation recorded for a client; read another's only under an active agreement for cases
 * that covers the service. Nothing else, and nothing at all for roles that do not work with cases.
 */
export async function caseAccess(actor: Actor, ownership: CaseOwnership, agreements: ActiveAgreementFinder, now: Date): Promise<CaseAccess> {
  if (!worksWithCases(actor)) return 'none';
  if (actor.organisationId === ownership.organisation_id) return actsOnCases(actor) ? 'act' : 'read';
  if (actor.organisationId === ownership.recorded_by_organisation_id) return 'read';
  const shared = await maySeeRecordsOf(actor, { organisationId: ownership.organisation_id, purpose: 'cases', lgsl: ownership.lgsl }, agreements, now);
  return shared ? 'read' : 'none';
}
