import type { Kysely, Updateable } from 'kysely';
import type { ApplicationsTable, Database } from '../../../db/schema.js';
import type { CitizenActor } from '../../../shared/actor.js';
import { isUniqueViolation } from '../../../shared/database-errors.js';
import { NotFoundError } from '../../../shared/errors.js';
import { recordAudit } from '../../audit/service.js';
import { readEmployment, readPersonal, readReferees } from '../applications/application-content.js';
import { changeStage } from '../applications/stage-change.js';
import type { ApplicantMessages } from '../messages/applicant-messages.js';
import { isOpenForApplications } from '../vacancies/phase.js';
import type { EqualityRepository } from '../equality/repository.js';
import type { EqualityAnswers } from '../equality/questions.js';
import { gapsWithExplanations } from './employment-gaps.js';
import type { ApplicationRow, ApplyingRepository, Criterion, VacancySummary } from './repository.js';

/** The task list's sections, in order; the optional ones need not be completed to submit. */
export const applicationSections = [
  { key: 'personal', name: 'Personal details', optional: false },
  { key: 'employment', name: 'Employment history', optional: false },
  { key: 'qualifications', name: 'Qualifications', optional: false },
  { key: 'statement', name: 'Supporting statement', optional: false },
  { key: 'referees', name: 'Referees', optional: false },
  { key: 'adjustments', name: 'Adjustments and guaranteed interviews', optional: true },
  { key: 'equality', name: 'Equality monitoring', optional: true },
] as const;
export type SectionKey = (typeof applicationSections)[number]['key'];
export const isSectionKey = (value: string): value is SectionKey =>
  applicationSections.some((section) => section.key === value);

export type SectionStatus = 'not_started' | 'in_progress' | 'completed';

export const REFEREES_NEEDED = 2;

/** The vacancy closed while the applicant was filling in a draft: what they had saved is kept, nothing more. */
export class DeadlinePassed extends Error {
  readonly statusCode = 409;
  constructor(readonly closedAt: Date) {
    super('The vacancy has closed');
    this.name = 'DeadlinePassed';
  }
}

/** A submitted application is read-only for the applicant. */
export class NotADraft extends Error {
  readonly statusCode = 409;
  constructor() {
    super('This application has been submitted and can no longer be changed');
    this.name = 'NotADraft';
  }
}

/** When the vacancy stopped taking applications: closed early, or at its deadline. */
export const closedAt = (vacancy: VacancySummary) =>
  vacancy.closed_at && vacancy.closed_at < vacancy.closes_at ? vacancy.closed_at : vacancy.closes_at;

export interface ApplicationServiceDependencies {
  db: Kysely<Database>;
  repository: ApplyingRepository;
  equality: EqualityRepository;
  messages: ApplicantMessages;
}

/**
 * An applicant's applications: started from their profile, saved section by section while the
 * vacancy is live, submitted once, withdrawn. Only the applicant's own application is ever found
 * (anyone else's is "not found"), and every change is audited.
 */
export function createApplicationService({ db, repository, equality, messages }: ApplicationServiceDependencies) {
  async function own(actor: CitizenActor, id: number) {
    const application = await repository.applicationOf(id);
    if (!application || application.citizen_id !== actor.citizenId) throw new NotFoundError();
    const vacancy = (await repository.vacancyById(application.vacancy_id))!;
    return { application, vacancy };
  }

  return {
    own,

    /**
     * Starts a draft for a live vacancy, copying the profile into it, or finds the one already
     * started: one application per applicant per vacancy, which the unique index keeps true when two
     * tabs start at once.
     */
    async start(actor: CitizenActor, vacancy: VacancySummary, now: Date): Promise<number> {
      const existing = await repository.applicationFor(actor.citizenId, vacancy.id);
      if (existing) return existing.id;
      if (!isOpenForApplications(vacancy, now)) throw new DeadlinePassed(closedAt(vacancy));
      try {
        return await db.transaction().execute(async (tx) => {
          const profile = await repository.profileOf(actor.citizenId, tx);
          const personal = readPersonal(profile?.personal ?? {});
          const { id } = await repository.insertApplication(tx, {
            vacancy_id: vacancy.id,
            citizen_id: actor.citizenId,
            personal: JSON.stringify({ ...personal, email: personal.email || actor.email }),
            employment_history: JSON.stringify(profile?.employment_history ?? []),
            qualifications: JSON.stringify(profile?.qualifications ?? []),
            referees: JSON.stringify(profile?.referees ?? []),
            created_at: now,
            updated_at: now,
            status_changed_at: now,
          });
          await recordAudit(
            tx,
            { actor, action: 'create', recordType: 'application', recordId: id, detail: { vacancyId: vacancy.id } },
            now,
          );
          return id;
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return (await repository.applicationFor(actor.citizenId, vacancy.id))!.id;
      }
    },

    /**
     * Saves one section of a draft, as completed or to come back to. Refused once submitted, and
     * once the vacancy has closed: what was saved before stays as it was.
     */
    async saveSection(
      actor: CitizenActor,
      id: number,
      change: {
        section: SectionKey;
        values?: Updateable<ApplicationsTable>;
        equality?: EqualityAnswers;
        complete: boolean;
        now: Date;
        ipAddress?: string | null;
      },
    ): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const application = await repository.lockApplication(tx, id);
        if (!application || application.citizen_id !== actor.citizenId) throw new NotFoundError();
        if (application.status !== 'draft') throw new NotADraft();
        const vacancy = (await repository.vacancyById(application.vacancy_id, tx))!;
        if (!isOpenForApplications(vacancy, change.now)) throw new DeadlinePassed(closedAt(vacancy));
        const completed = application.sections_completed.filter((section) => section !== change.section);
        if (change.complete) completed.push(change.section);
        await repository.updateApplication(tx, id, {
          ...change.values,
          sections_completed: completed,
          updated_at: change.now,
        });
        if (change.equality) await equality.save(tx, id, application.vacancy_id, change.equality);
        await recordAudit(
          tx,
          {
            actor,
            action: 'update',
            recordType: 'application',
            recordId: id,
            // Which section, never what it says: the equality answers above all stay out of the log.
            detail: { section: change.section, completed: change.complete },
            ipAddress: change.ipAddress ?? null,
          },
          change.now,
        );
      });
    },

    /** Submits a draft whose required sections are complete; the applicant is emailed that it arrived. */
    async submit(actor: CitizenActor, id: number, now: Date, ipAddress: string | null = null): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const application = await repository.lockApplication(tx, id);
        if (!application || application.citizen_id !== actor.citizenId) throw new NotFoundError();
        if (application.status !== 'draft') throw new NotADraft();
        const vacancy = (await repository.vacancyById(application.vacancy_id, tx))!;
        if (!isOpenForApplications(vacancy, now)) throw new DeadlinePassed(closedAt(vacancy));
        const missing = missingSections(application, await repository.criteriaOf(vacancy.id, tx), now);
        if (missing.length) throw new NotReady(missing);
        await changeStage(tx, messages, { applicationId: id, to: 'submitted', actor, now, ipAddress });
      });
    },

    async withdraw(actor: CitizenActor, id: number, now: Date, ipAddress: string | null = null): Promise<void> {
      await own(actor, id);
      await db
        .transaction()
        .execute((tx) => changeStage(tx, messages, { applicationId: id, to: 'withdrawn', actor, now, ipAddress }));
    },
  };
}

export type ApplicationService = ReturnType<typeof createApplicationService>;

/** Submitting before every required section is complete: which ones are not. */
export class NotReady extends Error {
  readonly statusCode = 400;
  constructor(readonly sections: SectionKey[]) {
    super('Some sections are not complete');
    this.name = 'NotReady';
  }
}

/** Whether each section of the task list is completed, started, or not started. */
export function sectionStatuses(application: ApplicationRow, hasEquality: boolean): Record<SectionKey, SectionStatus> {
  const personal = readPersonal(application.personal);
  const started: Record<SectionKey, boolean> = {
    personal: Object.values(personal).some((value) => value !== ''),
    employment: readEmployment(application.employment_history).jobs.length > 0,
    qualifications: (application.qualifications as unknown[]).length > 0,
    statement: Object.values(application.criteria_answers ?? {}).some((answer) => answer !== ''),
    referees: readReferees(application.referees).length > 0,
    adjustments: application.adjustments !== '' || application.guaranteed_interview.length > 0,
    equality: hasEquality,
  };
  return Object.fromEntries(
    applicationSections.map(({ key }) => [
      key,
      application.sections_completed.includes(key) ? 'completed' : started[key] ? 'in_progress' : 'not_started',
    ]),
  ) as Record<SectionKey, SectionStatus>;
}

/**
 * The required sections not yet complete, checked again from what is stored: marked completed, and
 * still true (two referees, every essential criterion answered, every gap explained).
 */
export function missingSections(application: ApplicationRow, criteria: readonly Criterion[], now: Date): SectionKey[] {
  const answers = application.criteria_answers ?? {};
  const { jobs, gaps } = readEmployment(application.employment_history);
  const stillTrue: Partial<Record<SectionKey, boolean>> = {
    referees: readReferees(application.referees).length >= REFEREES_NEEDED,
    statement: criteria.every(
      (criterion) => criterion.kind !== 'essential' || (answers[String(criterion.id)] ?? '') !== '',
    ),
    employment: gapsWithExplanations(jobs, gaps, now).every((gap) => gap.explanation !== ''),
  };
  return applicationSections
    .filter(
      ({ key, optional }) => !optional && (!application.sections_completed.includes(key) || stillTrue[key] === false),
    )
    .map(({ key }) => key);
}
