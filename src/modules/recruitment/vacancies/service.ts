import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database, VacanciesTable } from '../../../db/schema.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { NotFoundError } from '../../../shared/errors.js';
import { recordAudit } from '../../audit/service.js';
import { hasCapability, requireCapability } from '../../identity/policy.js';
import type { PlacesService } from '../../places/service.js';
import { changeStage } from '../applications/stage-change.js';
import { readEmployerSettings } from '../employer/settings.js';
import type { ApplicantMessages } from '../messages/applicant-messages.js';
import { vacancyPhase, type VacancyPhase } from './phase.js';
import {
  criteriaOf,
  deadlineChangesOf,
  documentsOf,
  findVacancy,
  openApplicationIds,
  replaceCriteria,
  serviceManagersOf,
  staffName,
  type VacancyRow,
} from './repository.js';
import type { VacancyInput } from './schemas.js';

/** A lifecycle rule refused a change (publishing what needs approval, approving one's own): said on the page, 409. */
export class VacancyRuleError extends Error {
  readonly statusCode = 409;
  readonly code = 'VACANCY_RULE';
  constructor(
    message: string,
    /** The form field the message belongs beside, when there is one. */
    readonly field = 'action',
  ) {
    super(message);
    this.name = 'VacancyRuleError';
  }
}

export type VacancyAction =
  'submit' | 'approve' | 'return' | 'publish' | 'close' | 'extend' | 'cancel' | 'copy' | 'appointed' | 'not-filled';
export const vacancyActions: readonly VacancyAction[] = [
  'submit',
  'approve',
  'return',
  'publish',
  'close',
  'extend',
  'cancel',
  'copy',
  'appointed',
  'not-filled',
];
/** The actions that ask for a reason (and extend, a new deadline too), on a page of their own. */
export const actionsWithReason: readonly VacancyAction[] = ['return', 'close', 'extend', 'cancel'];

type Tx = Transaction<Database>;

/** A URL-safe slug of the title and the id: "Highways inspector" 42 → highways-inspector-42. */
export function slugFor(title: string, id: number): string {
  const words = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return words ? `${words}-${id}` : `vacancy-${id}`;
}

/** Which actions a vacancy's phase allows, before asking who is acting. */
export function actionsInPhase(
  phase: VacancyPhase,
  status: VacancyRow['status'],
  requiresApproval: boolean,
): VacancyAction[] {
  switch (phase) {
    case 'draft':
      return [requiresApproval ? 'submit' : 'publish', 'cancel', 'copy'];
    case 'awaiting_approval':
      return ['approve', 'return', 'cancel', 'copy'];
    case 'scheduled':
    case 'live':
      return [...(phase === 'live' ? (['close'] as const) : []), 'extend', 'cancel', 'copy'];
    case 'closed':
      // Closed by its deadline (still "published") it may be reopened by extending; closed early, not.
      return [...(status === 'published' ? (['extend'] as const) : []), 'appointed', 'not-filled', 'cancel', 'copy'];
    default:
      return ['copy'];
  }
}

export interface VacancyServiceDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  places: Pick<PlacesService, 'findByPostcode'>;
  messages: ApplicantMessages;
}

/**
 * Vacancies, from draft to appointment. Only staff of the vacancy's own organisation reach it: those
 * who manage its recruitment, and (to approve it) those who may approve; to anyone else it does not
 * exist. Every change is audited in its own transaction, and the row is locked while it is changed.
 */
export function createVacancyService({ db, clock, places, messages }: VacancyServiceDependencies) {
  /** The vacancy if this member of staff may see it; a 404 otherwise, never a hint that it exists. */
  async function reachable(actor: Actor, id: number, executor: Kysely<Database> | Tx = db, lock = false) {
    if (!hasCapability(actor, 'recruitment.manage') && !hasCapability(actor, 'recruitment.approve'))
      throw new NotFoundError();
    const vacancy = await findVacancy(executor, id, lock);
    if (!vacancy || vacancy.organisation_id !== actor.organisationId) throw new NotFoundError();
    return { vacancy, actor };
  }

  /** The vacancy for a change by one who manages its employer's recruitment. */
  async function manageable(tx: Tx, actor: Actor, id: number) {
    if (!hasCapability(actor, 'recruitment.manage')) throw new NotFoundError();
    return reachable(actor, id, tx, true);
  }

  async function audit(
    tx: Tx,
    actor: StaffActor,
    id: number,
    action: string,
    detail: Record<string, unknown>,
    ip: string | null,
  ) {
    await recordAudit(tx, { actor, action, recordType: 'vacancy', recordId: id, detail, ipAddress: ip }, clock());
  }

  /** Checks the postcode is one places knows and finds its map point; an unknown one is a message beside the field. */
  async function locate(postcode: string) {
    const found = await places.findByPostcode(postcode);
    if (found.outcome !== 'found')
      throw new VacancyRuleError('Enter a postcode in England that exists, like DE4 3AG', 'postcode');
    return { postcode: found.place.postcode, latitude: found.place.latitude, longitude: found.place.longitude };
  }

  async function checkHiringManager(executor: Kysely<Database> | Tx, organisationId: number, staffId: number | null) {
    if (staffId === null) return;
    const managers = await serviceManagersOf(executor, organisationId);
    if (!managers.some((manager) => manager.id === staffId))
      throw new VacancyRuleError('Select a service manager of your organisation as hiring manager', 'hiringManager');
  }

  function columns(input: VacancyInput, place: { postcode: string; latitude: number; longitude: number }) {
    return {
      title: input.title,
      service_area: input.serviceArea,
      location_name: input.locationName,
      ...place,
      salary_min_pence: input.salaryMinPence,
      salary_max_pence: input.salaryMaxPence,
      salary_period: input.salaryPeriod,
      grade: input.grade,
      hours_per_week: input.hoursPerWeek,
      working_pattern: input.workingPattern,
      contract_type: input.contractType,
      closes_at: input.closesAt,
      publish_at: input.publishAt,
      description: input.description,
      anonymised_shortlisting: input.anonymisedShortlisting,
      requires_dbs: input.requiresDbs,
      hiring_manager_staff_id: input.hiringManagerStaffId,
    };
  }

  /** The hiring manager sits on the shortlisting panel, so they score and see the applications. */
  async function seatHiringManager(tx: Tx, vacancyId: number, staffId: number | null) {
    if (staffId === null) return;
    await tx
      .insertInto('vacancy_panel_members')
      .values({ vacancy_id: vacancyId, staff_id: staffId })
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }

  /** Publishing (or approving, which publishes): live now, or scheduled; its datePosted is when it first goes live. */
  async function publish(tx: Tx, vacancy: VacancyRow, now: Date, approvedBy: StaffActor | null) {
    if (vacancy.closes_at <= now)
      throw new VacancyRuleError('The closing date has passed: change it before publishing', 'action');
    const goesLive = vacancy.publish_at && vacancy.publish_at > now ? vacancy.publish_at : now;
    await tx
      .updateTable('vacancies')
      .set({
        status: 'published',
        posted_at: vacancy.posted_at ?? goesLive,
        updated_at: now,
        ...(approvedBy ? { approved_by_staff_id: approvedBy.staffId, approved_at: now } : {}),
      })
      .where('id', '=', vacancy.id)
      .execute();
    return goesLive > now ? 'scheduled' : 'live';
  }

  return {
    /** Who can be named hiring manager: the service managers of the recruiter's organisation. */
    async hiringManagers(actorIn: Actor) {
      const actor = requireCapability(actorIn, 'recruitment.manage');
      return serviceManagersOf(db, actor.organisationId);
    },

    /** The defaults a new vacancy's form starts with: the employer's choice of anonymised shortlisting. */
    async newVacancyDefaults(actorIn: Actor) {
      const actor = requireCapability(actorIn, 'recruitment.manage');
      const settings = await readEmployerSettings(db, actor.organisationId);
      return { anonymisedShortlisting: settings.anonymiseByDefault, requiresApproval: settings.requiresApproval };
    },

    /** Everything the vacancy's staff page shows, and what this member of staff may do with it now. */
    async view(actorIn: Actor, id: number) {
      const { vacancy, actor } = await reachable(actorIn, id);
      const now = clock();
      const [criteria, documents, deadlineChanges, settings, hiringManager, author, approver] = await Promise.all([
        criteriaOf(db, id),
        documentsOf(db, id),
        deadlineChangesOf(db, id),
        readEmployerSettings(db, vacancy.organisation_id),
        staffName(db, vacancy.hiring_manager_staff_id),
        staffName(db, vacancy.created_by_staff_id),
        staffName(db, vacancy.approved_by_staff_id),
      ]);
      const phase = vacancyPhase(vacancy, now);
      const manages = hasCapability(actor, 'recruitment.manage');
      const approves = hasCapability(actor, 'recruitment.approve') && vacancy.created_by_staff_id !== actor.staffId;
      const actions = actionsInPhase(phase, vacancy.status, settings.requiresApproval).filter((action) =>
        action === 'approve' || action === 'return' ? approves : manages,
      );
      return {
        vacancy,
        phase,
        criteria,
        documents,
        deadlineChanges,
        hiringManager,
        author,
        approver,
        actions,
        mayEdit: manages && phase === 'draft',
        mayRecordPaper: manages && (phase === 'live' || phase === 'closed'),
        requiresApproval: settings.requiresApproval,
        authorIsViewer: vacancy.created_by_staff_id === actor.staffId,
      };
    },

    async create(actorIn: Actor, input: VacancyInput, ip: string | null): Promise<number> {
      const actor = requireCapability(actorIn, 'recruitment.manage');
      const place = await locate(input.postcode);
      await checkHiringManager(db, actor.organisationId, input.hiringManagerStaffId);
      const now = clock();
      return db.transaction().execute(async (tx) => {
        const { id } = await tx
          .insertInto('vacancies')
          .values({
            ...columns(input, place),
            slug: `new-${randomUUID()}`,
            organisation_id: actor.organisationId,
            status: 'draft',
            created_by_staff_id: actor.staffId,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .updateTable('vacancies')
          .set({ slug: slugFor(input.title, id) })
          .where('id', '=', id)
          .execute();
        await replaceCriteria(tx, id, input.criteria);
        await seatHiringManager(tx, id, input.hiringManagerStaffId);
        await audit(tx, actor, id, 'create', { title: input.title, criteria: input.criteria.length }, ip);
        return id;
      });
    },

    /** A draft's details, changed whole; a vacancy past draft is not edited (its applicants read what they applied to). */
    async update(actorIn: Actor, id: number, input: VacancyInput, ip: string | null): Promise<void> {
      const place = await locate(input.postcode);
      await db.transaction().execute(async (tx) => {
        const { vacancy, actor } = await manageable(tx, actorIn, id);
        if (vacancy.status !== 'draft') throw new VacancyRuleError('Only a draft vacancy can be changed');
        await checkHiringManager(tx, actor.organisationId, input.hiringManagerStaffId);
        await tx
          .updateTable('vacancies')
          .set({ ...columns(input, place), slug: slugFor(input.title, id), updated_at: clock() })
          .where('id', '=', id)
          .execute();
        await replaceCriteria(tx, id, input.criteria);
        await seatHiringManager(tx, id, input.hiringManagerStaffId);
        await audit(tx, actor, id, 'update', { title: input.title, criteria: input.criteria.length }, ip);
      });
    },

    /**
     * One step of the lifecycle. `reason` is required by return, close, extend and cancel (the routes
     * check it is given); `closesAt` by extend. Copy answers the new draft's id.
     */
    async act(
      actorIn: Actor,
      id: number,
      action: VacancyAction,
      details: { reason?: string; closesAt?: Date },
      ip: string | null,
    ): Promise<{ outcome: string; newId?: number }> {
      return db.transaction().execute(async (tx) => {
        const { vacancy, actor } =
          action === 'approve' || action === 'return'
            ? await reachable(actorIn, id, tx, true)
            : await manageable(tx, actorIn, id);
        const now = clock();
        const settings = await readEmployerSettings(tx, vacancy.organisation_id);
        const phase = vacancyPhase(vacancy, now);
        if (!actionsInPhase(phase, vacancy.status, settings.requiresApproval).includes(action))
          throw new VacancyRuleError(
            action === 'publish' && phase === 'draft' && settings.requiresApproval
              ? 'Your organisation requires vacancies to be approved before they are published: send it for approval'
              : `A vacancy that is ${phase.replace('_', ' ')} cannot be changed like this`,
          );
        const set = (values: Updateable<VacanciesTable>) =>
          tx.updateTable('vacancies').set(values).where('id', '=', id).execute();
        let outcome: string = action;
        let newId: number | undefined;
        switch (action) {
          case 'submit': {
            if (vacancy.closes_at <= now)
              throw new VacancyRuleError('The closing date has passed: change it before sending for approval');
            await set({ status: 'awaiting_approval', updated_at: now });
            break;
          }
          case 'approve':
          case 'return': {
            if (!hasCapability(actor, 'recruitment.approve')) throw new NotFoundError();
            if (vacancy.created_by_staff_id === actor.staffId)
              throw new VacancyRuleError('You wrote this vacancy: someone else must approve it');
            if (action === 'approve') outcome = await publish(tx, vacancy, now, actor);
            else await set({ status: 'draft', updated_at: now });
            break;
          }
          case 'publish':
            outcome = await publish(tx, vacancy, now, null);
            break;
          case 'close':
            await set({ status: 'closed', closed_at: now, closed_reason: details.reason!, updated_at: now });
            break;
          case 'extend': {
            const closesAt = details.closesAt!;
            if (closesAt <= now || closesAt <= vacancy.closes_at)
              throw new VacancyRuleError('New closing date must be later than the current closing date', 'closesOn');
            await tx
              .insertInto('vacancy_deadline_changes')
              .values({
                vacancy_id: id,
                previous_closes_at: vacancy.closes_at,
                new_closes_at: closesAt,
                reason: details.reason!,
                staff_id: actor.staffId,
                created_at: now,
              })
              .execute();
            await set({ closes_at: closesAt, updated_at: now });
            outcome = phase === 'closed' ? 'reopened' : 'extended';
            break;
          }
          case 'cancel': {
            // A vacancy cancelled before it went live was never posted.
            const neverLive = vacancy.posted_at !== null && vacancy.posted_at > now;
            await set({
              status: 'cancelled',
              closed_at: vacancy.closed_at ?? now,
              closed_reason: details.reason!,
              updated_at: now,
              ...(neverLive ? { posted_at: null } : {}),
            });
            // Every applicant is told, each through the one stage change, which records and emails.
            for (const applicationId of await openApplicationIds(tx, id))
              await changeStage(tx, messages, {
                applicationId,
                to: 'vacancy_cancelled',
                actor,
                reason: details.reason,
                message: details.reason,
                now,
                ipAddress: ip,
              });
            break;
          }
          case 'appointed':
          case 'not-filled':
            await set({
              status: action === 'appointed' ? 'appointed' : 'not_filled',
              closed_at: vacancy.closed_at ?? vacancy.closes_at,
              updated_at: now,
            });
            break;
          case 'copy':
            newId = await copy(tx, vacancy, actor, now);
            break;
        }
        await audit(
          tx,
          actor,
          id,
          'update',
          {
            event: outcome,
            ...(details.reason ? { reason: details.reason } : {}),
            ...(details.closesAt ? { from: vacancy.closes_at.toISOString(), to: details.closesAt.toISOString() } : {}),
            ...(newId ? { copy: newId } : {}),
          },
          ip,
        );
        if (newId) await audit(tx, actor, newId, 'create', { copiedFrom: id }, ip);
        return { outcome, newId };
      });
    },
  };

  /** A new draft with the vacancy's fields, criteria and documents; its dates are the recruiter's to set again. */
  async function copy(tx: Tx, vacancy: VacancyRow, actor: StaffActor, now: Date): Promise<number> {
    const { id } = await tx
      .insertInto('vacancies')
      .values({
        slug: `new-${randomUUID()}`,
        organisation_id: vacancy.organisation_id,
        title: vacancy.title,
        service_area: vacancy.service_area,
        location_name: vacancy.location_name,
        postcode: vacancy.postcode,
        latitude: vacancy.latitude,
        longitude: vacancy.longitude,
        salary_min_pence: vacancy.salary_min_pence,
        salary_max_pence: vacancy.salary_max_pence,
        salary_period: vacancy.salary_period,
        grade: vacancy.grade,
        hours_per_week: vacancy.hours_per_week,
        working_pattern: vacancy.working_pattern,
        contract_type: vacancy.contract_type,
        description: vacancy.description,
        closes_at: vacancy.closes_at,
        anonymised_shortlisting: vacancy.anonymised_shortlisting,
        requires_dbs: vacancy.requires_dbs,
        hiring_manager_staff_id: vacancy.hiring_manager_staff_id,
        created_by_staff_id: actor.staffId,
        copied_from_vacancy_id: vacancy.id,
        status: 'draft',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('vacancies')
      .set({ slug: slugFor(vacancy.title, id) })
      .where('id', '=', id)
      .execute();
    await tx
      .insertInto('vacancy_criteria')
      .columns(['vacancy_id', 'position', 'kind', 'text'])
      .expression((eb) =>
        eb
          .selectFrom('vacancy_criteria')
          .select([eb.val(id).as('vacancy_id'), 'position', 'kind', 'text'])
          .where('vacancy_id', '=', vacancy.id),
      )
      .execute();
    await tx
      .insertInto('vacancy_documents')
      .columns(['vacancy_id', 'kind', 'file_name', 'content_type', 'size_bytes', 'bytes'])
      .expression((eb) =>
        eb
          .selectFrom('vacancy_documents')
          .select([eb.val(id).as('vacancy_id'), 'kind', 'file_name', 'content_type', 'size_bytes', 'bytes'])
          .where('vacancy_id', '=', vacancy.id),
      )
      .execute();
    await seatHiringManager(tx, id, vacancy.hiring_manager_staff_id);
    return id;
  }
}

export type VacancyService = ReturnType<typeof createVacancyService>;
