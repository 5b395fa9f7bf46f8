import { staffRoles, type StaffRole } from '../../db/schema.js';
import type { Actor } from './actor.js';
import { hasCapability } from './policy.js';

/**
 * The roles an organisation's administration already covers: it works the organisation's cases
 * (as officers and managers do) and administers its staff, so an organisation administrator may
 * hand these out without holding them. No other power is theirs to give.
 */
const coveredByOrganisationAdministration: StaffRole[] = ['organisation_admin', 'service_manager', 'service_officer'];

/**
 * Which roles this member of staff may grant (or take away): a partnership administrator, every
 * role; an organisation administrator, the roles of their organisation's own work and any other
 * role they hold themselves — never partnership administration, and not the roles that reach other
 * bodies' records under an agreement (contact-centre agent, partner adviser) or another kind of work
 * (recruiter, analyst) unless they hold them. Nobody grants what they do not hold.
 */
export function grantableRoles(actor: Actor): StaffRole[] {
  if (!hasCapability(actor, 'staff.manage')) return [];
  if (actor.roles.includes('partnership_admin')) return [...staffRoles];
  return staffRoles.filter((role) => role !== 'partnership_admin' && (coveredByOrganisationAdministration.includes(role) || actor.roles.includes(role)));
}

/** May this actor change someone's roles from `before` to `after`: every role added or taken away must be theirs to grant. */
export function mayChangeRoles(actor: Actor, before: readonly StaffRole[], after: readonly StaffRole[]): boolean {
  const grantable = grantableRoles(actor);
  const changed = [...after.filter((role) => !before.includes(role)), ...before.filter((role) => !after.includes(role))];
  return changed.every((role) => grantable.includes(role));
}
