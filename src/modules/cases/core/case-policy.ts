import type { Actor, StaffActor } from '../../../shared/actor.js';
import { hasCapability } from '../../identity/policy.js';

export type CaseAccess = 'none' | 'read' | 'act';

export interface CaseOwnership {
  id: number;
  organisation_id: number;
  recorded_by_organisation_id: number | null;
  lgsl: number | null;
}

export function worksWithCases(actor: Actor): actor is StaffActor {
  return hasCapability(actor, 'cases.work');
}

export function actsOnCases(actor: StaffActor): boolean {
  return hasCapability(actor, 'cases.act');
}

/** The rule that decides, for one member of staff and one case (case-sharing.ts). */
export interface CaseAccessRule {
  accessTo(actor: Actor, ownership: CaseOwnership, now: Date): Promise<{ access: CaseAccess }>;
}

/**
 * What a member of staff may do with a case: act on their own organisation's; read one their
 * organisation recorded for someone; read another body's only under an agreement that names their
 * role and whose relationship test they pass for this case (the client's consent, a verified
 * caller). Nothing else, and nothing at all for roles that do not work with cases.
 */
export async function caseAccess(
  actor: Actor,
  ownership: CaseOwnership,
  sharing: CaseAccessRule,
  now: Date,
): Promise<CaseAccess> {
  return (await sharing.accessTo(actor, ownership, now)).access;
}
