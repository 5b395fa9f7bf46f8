import type { Channel, ClosureReason, CaseStatus } from '../../../db/schema.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { type ActiveAgreementFinder, rolesHolding } from '../../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { recordAudit } from '../../audit/service.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { describeAnswers, type Answers } from '../core/answers.js';
import { caseAccess } from '../core/case-policy.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import type { CaseWorkflow } from '../core/case-workflow.js';
import type { CatalogueService } from '../catalogue/service.js';
import type { ProcessedPhoto } from '../photos/image.js';
import type { CasePhotos } from '../photos/service.js';
import type { StaffCaseRepository } from './case-page-repository.js';
import { isOverdue, visibleTimeline } from './presenters.js';
import { dayInEngland } from '../../../shared/dates.js';
import type { WorklistRepository } from './worklist-repository.js';
import { shownOnCasePage } from './sharing-page.js';

/** Who a case may be assigned to: the roles that work a case their organisation owns. */
const assignableRoles = rolesHolding('cases.act');

/** A rule checked here rather than in the form's schema, shown beside the field it is about. */
export class FieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldProblem';
  }
}

export interface StaffCaseServiceDependencies {
  db: Kysely<Database>;
  cases: CaseService;
  workflow: CaseWorkflow;
  catalogue: CatalogueService;
  caseRepository: CaseRepository;
  staffCases: StaffCaseRepository;
  worklistRepository: WorklistRepository;
  agreements: ActiveAgreementFinder;
  clock: () => Date;
  memberOrganisationIds: () => Promise<number[]>;
  photos: CasePhotos;
}

export interface StatusChange {
  status: Exclude<CaseStatus, 'open'>;
  closureReason?: ClosureReason;
  duplicateReference?: string;
  message: string;
}

/**
 * The case page as a member of staff sees it, and the changes made from it. Who may see and do
 * what is decided by the core (getForStaff and the workflow); this adds what the page needs.
 */
export function createStaffCaseService(deps: StaffCaseServiceDependencies) {
  const { cases, workflow, catalogue, caseRepository, staffCases, worklistRepository, clock, photos } = deps;

  /** Stores an update's photos with its timeline entry: public with a public update, private with a note. */
  const withPhotos = (actor: Actor, caseId: number, checked: ProcessedPhoto[], isPrivate: boolean) =>
    checked.length === 0
      ? undefined
      : async (trx: Parameters<typeof photos.attach>[0], caseEventId: number) => {
          await photos.attach(trx, { caseId, caseEventId }, checked, {
            isPrivate,
            staffId: (actor as StaffActor).staffId,
          });
        };

  /**
   * The core lets staff who may only read a case add a note to it (an agent noting a call); here an
   * internal note is the owning organisation's alone, so staff of another partner note contacts only.
   */
  async function requireActOn(actor: Actor, caseId: number): Promise<void> {
    const record = await caseRepository.findById(caseId);
    if (!record) throw new NotFoundError();
    if ((await caseAccess(actor, record, cases.sharing, clock())) !== 'act') throw new ForbiddenError();
  }

  return {
    /** Everything the case page shows. Reading it is recorded by getForStaff, as it holds personal data. */
    async page(actor: Actor, caseId: number) {
      const record = await cases.getForStaff(actor, caseId);
      const staff = actor as StaffActor;
      const ofOwningOrganisation = staff.organisationId === record.organisation_id;
      const [events, questions, consent, email] = await Promise.all([
        cases.timeline(record, true),
        catalogue.questions(record.request_type_id),
        cases.sharing.consentOf(record.id),
        cases.contactEmailOf(record),
      ]);
      const shown = shownOnCasePage(record, staff, {
        questions,
        events: visibleTimeline(events, ofOwningOrganisation),
        consent,
      });
      const seesDescription = record.sharing.categories.includes('location_description');
      const duplicateOf = record.duplicate_of_case_id
        ? await caseRepository.findById(record.duplicate_of_case_id)
        : undefined;
      const actions =
        record.access === 'act'
          ? {
              teams: await worklistRepository.teamsOf(record.organisation_id),
              people: await staffCases.staffWithRoles(record.organisation_id, assignableRoles),
              transferTargets: await staffCases.transferTargets(
                record.service_code,
                await deps.memberOrganisationIds(),
                record.organisation_id,
              ),
            }
          : null;
      return {
        record,
        ofOwningOrganisation,
        overdue: isOverdue(record, dayInEngland(clock())),
        answers: describeAnswers(shown.questions, (record.answers ?? {}) as Answers),
        contact: shown.shares.contact
          ? { name: record.contact_name, email, phone: record.contact_phone, hasAccount: record.citizen_id !== null }
          : null,
        consent: shown.consent,
        shares: shown.shares,
        sharedUnder: record.sharing.agreement,
        mayWithdrawConsent: shown.mayWithdrawConsent,
        duplicateOfReference: duplicateOf?.reference ?? null,
        // Letters hold the resident's name and their words: for those who see contact details.
        letters: shown.shares.contact ? await staffCases.lettersOf(record.id) : [],
        timeline: shown.events,
        // Photos go with the description: a viewer whose agreement does not share it sees none.
        photos: seesDescription ? await photos.forCase(record.id, false) : [],
        mediaLinks: seesDescription ? await photos.mediaLinksOf(record.id) : [],
        actions,
      };
    },

    /** A letter kept for a resident with no email address, to print: for staff who may see the case's contact details. */
    async letter(actor: Actor, caseId: number, letterId: number) {
      const record = await cases.getForStaff(actor, caseId);
      if (!record.sharing.categories.includes('contact_details')) throw new ForbiddenError();
      const letter = await staffCases.letter(caseId, letterId);
      if (!letter) throw new NotFoundError();
      await recordAudit(
        deps.db,
        { actor, action: 'read', recordType: 'case_letter', recordId: letterId, detail: { caseId } },
        clock(),
      );
      return { record, letter };
    },

    addPublicUpdate: (actor: Actor, caseId: number, body: string, checked: ProcessedPhoto[] = []) =>
      workflow.addUpdate(actor, caseId, { body, isPublic: true, alongside: withPhotos(actor, caseId, checked, false) }),
    async addInternalNote(actor: Actor, caseId: number, body: string, checked: ProcessedPhoto[] = []) {
      await requireActOn(actor, caseId);
      await workflow.addUpdate(actor, caseId, {
        body,
        isPublic: false,
        alongside: withPhotos(actor, caseId, checked, true),
      });
    },
    /** Someone rang, called in or wrote about the case: any member of staff who may see it notes it. */
    recordContact: (actor: Actor, caseId: number, channel: Channel, body: string) =>
      workflow.addUpdate(actor, caseId, { body, isPublic: false, channel }),

    /** A duplicate names the case it repeats, which must be another case this member of staff may see. */
    async changeStatus(actor: Actor, caseId: number, change: StatusChange) {
      let duplicateOf: number | undefined;
      if (change.status === 'closed' && change.closureReason === 'duplicate' && change.duplicateReference) {
        const original = await caseRepository.findByReference(change.duplicateReference);
        const visible = original ? (await caseAccess(actor, original, cases.sharing, clock())) !== 'none' : false;
        if (!original || !visible)
          throw new FieldProblem(
            'duplicateReference',
            `No case you may see has the reference ${change.duplicateReference}`,
          );
        if (original.id === caseId)
          throw new FieldProblem('duplicateReference', 'Enter the reference of the other case, not this one');
        duplicateOf = original.id;
      }
      await workflow.changeStatus(actor, caseId, {
        status: change.status,
        closureReason: change.status === 'closed' ? change.closureReason : undefined,
        duplicateOf,
        message: change.message,
      });
    },

    assign: (actor: Actor, caseId: number, teamId: number | null, assigneeStaffId: number | null) =>
      workflow.assign(actor, caseId, { teamId, assigneeStaffId }),
    transfer: (actor: Actor, caseId: number, toOrganisationId: number, reason: string, confirmOutsideArea: boolean) =>
      workflow.transfer(actor, caseId, { toOrganisationId, reason, confirmOutsideArea }),
  };
}

export type StaffCaseService = ReturnType<typeof createStaffCaseService>;
