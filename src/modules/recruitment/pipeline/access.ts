import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { hasCapability } from '../../identity/policy.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Who may see a vacancy's applications: its organisation's recruiters (recruitment.manage), and
 * members of its shortlisting panel who may shortlist. Anyone else on the staff who could shortlist
 * somewhere is told the vacancy does not exist (404), as staff of another organisation are; staff
 * whose roles never reach recruitment are refused (403).
 */
export type PipelineRole = 'recruiter' | 'panel';

export interface VacancyInReach {
  id: number;
  organisation_id: number;
  title: string;
  anonymised_shortlisting: boolean;
  requires_dbs: boolean;
  hiring_manager_staff_id: number | null;
}

export interface VacancyAccess {
  staff: StaffActor;
  role: PipelineRole;
  /** Also on the panel, so scores it (a recruiter may sit on the panel too). */
  onPanel: boolean;
  vacancy: VacancyInReach;
}

export function requirePipelineStaff(actor: Actor): StaffActor {
  if (hasCapability(actor, 'recruitment.manage') || hasCapability(actor, 'recruitment.shortlist')) return actor;
  throw new ForbiddenError();
}

export async function vacancyAccess(db: Executor, actor: Actor, vacancyId: number): Promise<VacancyAccess> {
  const staff = requirePipelineStaff(actor);
  const vacancy = await db
    .selectFrom('vacancies')
    .select(['id', 'organisation_id', 'title', 'anonymised_shortlisting', 'requires_dbs', 'hiring_manager_staff_id'])
    .where('id', '=', vacancyId)
    .where('organisation_id', '=', staff.organisationId)
    .executeTakeFirst();
  if (!vacancy) throw new NotFoundError();
  const panel = await db
    .selectFrom('vacancy_panel_members')
    .select('staff_id')
    .where('vacancy_id', '=', vacancy.id)
    .where('staff_id', '=', staff.staffId)
    .executeTakeFirst();
  const onPanel = panel !== undefined && hasCapability(staff, 'recruitment.shortlist');
  if (hasCapability(staff, 'recruitment.manage')) return { staff, role: 'recruiter', onPanel, vacancy };
  if (onPanel) return { staff, role: 'panel', onPanel, vacancy };
  throw new NotFoundError();
}

/** Only the vacancy's recruiters move applications, manage the panel, slots, checks and emails. */
export async function recruiterAccess(db: Executor, actor: Actor, vacancyId: number): Promise<VacancyAccess> {
  const access = await vacancyAccess(db, actor, vacancyId);
  if (access.role !== 'recruiter') throw new ForbiddenError('Only a recruiter can do this');
  return access;
}

/** The vacancy a submitted application is for; a draft is the applicant's alone, so it does not exist to staff. */
export async function vacancyOfApplication(db: Executor, applicationId: number): Promise<number> {
  const row = await db
    .selectFrom('applications')
    .select('vacancy_id')
    .where('id', '=', applicationId)
    .where('status', '<>', 'draft')
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  return row.vacancy_id;
}
