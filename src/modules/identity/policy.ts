import { staffRoles, type AgreementPurpose, type StaffRole } from '../../db/schema.js';
import type { Actor, StaffActor } from '../../shared/actor.js';
import { ForbiddenError } from '../../shared/errors.js';
import type { ApplicableAgreement } from '../../shared/sharing.js';

export interface ActiveAgreementFinder {
  /** True when an active, in-date agreement names both bodies for this purpose and service (and, when given, one of these roles). */
  coversSharing(input: {
    from: number;
    to: number;
    purpose: AgreementPurpose;
    lgsl: number | null;
    on: Date;
    roles?: StaffRole[];
  }): Promise<boolean>;
  /**
   * Every active, in-date agreement for this purpose and service that names both bodies and one of
   * the viewer's roles, widest first: what each shares, and the relationship test the viewer passes.
   */
  applicableAgreements(input: {
    from: number;
    to: number;
    purpose: AgreementPurpose;
    lgsl: number | null;
    on: Date;
    roles: StaffRole[];
  }): Promise<ApplicableAgreement[]>;
}

export type Capability =
  | 'partnerships.manage'
  | 'organisations.manage'
  | 'projects.record'
  | 'agreements.manage'
  | 'agreements.view'
  | 'staff.manage'
  | 'audit.view'
  | 'outbox.view'
  | 'catalogue.manage'
  | 'messages.manage'
  | 'cases.work'
  | 'cases.act'
  | 'cases.manage'
  | 'cases.figures'
  | 'cases.answerCallers'
  | 'cases.recordForClient'
  | 'people.find'
  | 'people.merge'
  | 'apiKeys.manage'
  | 'recruitment.manage'
  | 'recruitment.approve'
  | 'recruitment.shortlist'
  | 'recruitment.figures';

/** Which roles hold each capability. Whose records it reaches is decided by the functions below. */
const capabilityRoles: Record<Capability, StaffRole[]> = {
  'partnerships.manage': ['partnership_admin'],
  'organisations.manage': ['partnership_admin'],
  'projects.record': ['partnership_admin', 'service_manager', 'analyst'],
  'agreements.manage': ['partnership_admin'],
  'agreements.view': ['partnership_admin', 'organisation_admin', 'service_manager', 'analyst'],
  'staff.manage': ['partnership_admin', 'organisation_admin'],
  'audit.view': ['partnership_admin', 'organisation_admin'],
  'outbox.view': ['partnership_admin'],
  // Request types, their questions and teams: partnership administrators for any member, the others for their own.
  'catalogue.manage': ['partnership_admin', 'organisation_admin', 'service_manager'],
  // The wording of the messages an organisation's cases send: its administrators, partnership administrators for any member.
  'messages.manage': ['partnership_admin', 'organisation_admin'],
  // Individual cases (personal data): analysts see only figures, recruiters none. Which cases is
  // decided by the cases module's policy, by organisation and agreement.
  'cases.work': ['contact_centre_agent', 'service_officer', 'service_manager', 'organisation_admin', 'partner_adviser'],
  // Changing a case the organisation owns: status, updates, assignment, transfer; such staff can be assigned cases.
  'cases.act': ['service_officer', 'service_manager', 'organisation_admin'],
  // The organisation's load and overdue work, per team.
  'cases.manage': ['service_manager', 'organisation_admin'],
  // The same load and targets as figures, without any case: analysts see these and no one's record.
  'cases.figures': ['service_manager', 'organisation_admin', 'analyst'],
  // The partnership's front office: records contacts for every member council.
  'cases.answerCallers': ['contact_centre_agent'],
  // A partner agency's adviser records a request for a client only with the client's consent, and follows it for them.
  'cases.recordForClient': ['partner_adviser'],
  // The customer view: find a person and see their history across partners (only the records each
  // may see, case by case); correct their details. Merging two records is for the front office and managers.
  'people.find': [
    'contact_centre_agent',
    'service_officer',
    'service_manager',
    'organisation_admin',
    'partner_adviser',
  ],
  'people.merge': ['contact_centre_agent', 'service_manager', 'organisation_admin'],
  // Keys for Open311 clients (FixMyStreet, a council's back office): they post and read for every member.
  'apiKeys.manage': ['partnership_admin'],
  // An employer's vacancies and their applications, from advert to appointment: its recruiters.
  'recruitment.manage': ['recruiter', 'organisation_admin'],
  // Where an employer requires it, a vacancy is published only once a second person approves it.
  'recruitment.approve': ['organisation_admin', 'service_manager'],
  // Scoring applications as a member of a vacancy's panel (a hiring manager is a service manager on the panel).
  'recruitment.shortlist': ['recruiter', 'service_manager', 'organisation_admin'],
  // Recruitment's figures and equality monitoring, in aggregate only: never one applicant's answers.
  'recruitment.figures': ['recruiter', 'organisation_admin', 'analyst', 'partnership_admin'],
};

/** The roles that hold a capability: e.g. who may be assigned a case. */
export function rolesHolding(capability: Capability): StaffRole[] {
  return [...capabilityRoles[capability]];
}

export function isStaff(actor: Actor): actor is StaffActor {
  return actor.kind === 'staff';
}

export function hasCapability(actor: Actor, capability: Capability): actor is StaffActor {
  return isStaff(actor) && actor.roles.some((role) => capabilityRoles[capability].includes(role));
}

export function requireCapability(actor: Actor, capability: Capability): StaffActor {
  if (!hasCapability(actor, capability)) throw new ForbiddenError();
  return actor;
}

/** Partnership administrators act for the whole partnership: every organisation's records they administer, not only their own. */
export function reachesEveryOrganisation(actor: Actor): boolean {
  return isStaff(actor) && actor.roles.some((role) => partnershipWideRoles.includes(role));
}

/** The roles an agreement may name as those of the receiving bodies that use what is shared: every role but the partnership-wide ones. */
export const receivingRoles: StaffRole[] = [
  'contact_centre_agent',
  'partner_adviser',
  'service_officer',
  'service_manager',
  'organisation_admin',
  'analyst',
  'recruiter',
];

/** The roles that act for the whole partnership (reachesEveryOrganisation): who the audit log's anchors go to. */
export const partnershipWideRoles: readonly StaffRole[] = ['partnership_admin'];

/** A partnership administrator reaches every organisation; others only their own. */
export function reachesOrganisation(actor: StaffActor, organisationId: number): boolean {
  return reachesEveryOrganisation(actor) || actor.organisationId === organisationId;
}

/** The organisation a list is limited to: null (all of them) for a partnership administrator, else the actor's own. */
export function organisationScope(actor: StaffActor): number | null {
  return reachesEveryOrganisation(actor) ? null : actor.organisationId;
}

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
  if (reachesEveryOrganisation(actor)) return [...staffRoles];
  return staffRoles.filter(
    (role) =>
      role !== 'partnership_admin' &&
      (coveredByOrganisationAdministration.includes(role) || actor.roles.includes(role)),
  );
}

/**
 * May this actor change someone's roles from `before` to `after`: every role added or taken away
 * must be theirs to grant, and only a partnership administrator makes another or touches one's
 * account (an organisation's administrator cannot reach beyond it).
 */
export function mayChangeRoles(actor: Actor, before: readonly StaffRole[], after: readonly StaffRole[]): boolean {
  if ((after.includes('partnership_admin') || before.includes('partnership_admin')) && !reachesEveryOrganisation(actor))
    return false;
  const grantable = grantableRoles(actor);
  const changed = [
    ...after.filter((role) => !before.includes(role)),
    ...before.filter((role) => !after.includes(role)),
  ];
  return changed.every((role) => grantable.includes(role));
}

/** Staff accounts: partnership administrators manage all, organisation administrators their own. */
export function requireStaffManagementOf(actor: Actor, organisationId: number): StaffActor {
  const staff = requireCapability(actor, 'staff.manage');
  if (!reachesOrganisation(staff, organisationId)) throw new ForbiddenError();
  return staff;
}

/** The audit log: partnership administrators see all of it, organisation administrators their own. */
export function auditScope(actor: Actor): { organisationId: number | null } {
  const staff = requireCapability(actor, 'audit.view');
  return { organisationId: organisationScope(staff) };
}

/**
 * May this member of staff see records (cases, applications, figures) that another organisation
 * owns? Only their own organisation's, or another's under an active agreement covering the purpose
 * and the service and naming one of their roles. Nothing is shared without one. Which of a record's
 * data, and for which records, is the agreement's relationship test and categories: cases apply them
 * in cases/case-sharing.ts (applicableAgreements), and any other module showing personal data must too.
 */
export async function maySeeRecordsOf(
  actor: Actor,
  owner: { organisationId: number; purpose: AgreementPurpose; lgsl: number | null },
  agreements: ActiveAgreementFinder,
  now: Date,
): Promise<boolean> {
  if (!isStaff(actor)) return false;
  if (actor.organisationId === owner.organisationId) return true;
  return agreements.coversSharing({
    from: owner.organisationId,
    to: actor.organisationId,
    purpose: owner.purpose,
    lgsl: owner.lgsl,
    on: now,
    roles: actor.roles,
  });
}
