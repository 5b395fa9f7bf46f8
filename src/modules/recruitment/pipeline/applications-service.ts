import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Kysely } from 'kysely';
import type { ApplicationStatus, Database } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { NotFoundError } from '../../../shared/errors.js';
import { neutraliseFormula } from '../../audit/browse-service.js';
import { recordAudit } from '../../audit/service.js';
import { stageNames } from '../applications/stages.js';
import { isAnonymised, shownContent } from './anonymise.js';
import { recruiterAccess, vacancyAccess, vacancyOfApplication, type VacancyAccess } from './access.js';
import { scoreSummaries, type ScoreSummary } from './scores-service.js';

export const guaranteedInterviewNames: Record<string, string> = {
  disability_confident: 'Disability Confident',
  care_leaver: 'Care leaver',
  armed_forces: 'Armed forces veteran',
};

export interface ApplicationListFilters {
  stage?: ApplicationStatus;
  sort: 'submitted' | 'score';
}

export interface ApplicationListRow {
  id: number;
  label: string;
  /** Null where anonymised. */
  name: string | null;
  email: string | null;
  phone: string | null;
  anonymised: boolean;
  status: ApplicationStatus;
  stageName: string;
  channel: 'online' | 'paper';
  submittedAt: Date | null;
  guaranteedInterview: string[];
  score: ScoreSummary;
}

/** The vacancy's applications (never drafts), as its recruiters and panel may see them. */
export function createApplicationsService({ db, clock }: { db: Kysely<Database>; clock: () => Date }) {
  async function rows(access: VacancyAccess, filters: ApplicationListFilters): Promise<ApplicationListRow[]> {
    let query = db
      .selectFrom('applications')
      .select((eb) => [
        'applications.id',
        'applications.status',
        'applications.channel',
        'applications.submitted_at',
        'applications.guaranteed_interview',
        'applications.personal',
        'applications.employment_history',
        'applications.qualifications',
        'applications.referees',
        eb
          .exists(
            eb
              .selectFrom('application_events')
              .select('application_events.id')
              .whereRef('application_events.application_id', '=', 'applications.id')
              .where('application_events.to_status', '=', 'shortlisted'),
          )
          .as('was_shortlisted'),
      ])
      .where('applications.vacancy_id', '=', access.vacancy.id)
      .where('applications.status', '<>', 'draft');
    if (filters.stage) query = query.where('applications.status', '=', filters.stage);
    const found = await query.orderBy('applications.submitted_at').orderBy('applications.id').execute();
    const scores = await scoreSummaries(
      db,
      access.vacancy.id,
      found.map((row) => row.id),
    );
    const list = found.map((row): ApplicationListRow => {
      const anonymised = isAnonymised(access.vacancy, {
        status: row.status,
        was_shortlisted: Boolean(row.was_shortlisted),
      });
      const content = shownContent(row, anonymised);
      return {
        id: row.id,
        label: content.label,
        name: content.name,
        email: content.personal?.email || null,
        phone: content.personal?.phone || null,
        anonymised,
        status: row.status,
        stageName: stageNames[row.status],
        channel: row.channel,
        submittedAt: row.submitted_at,
        guaranteedInterview: row.guaranteed_interview,
        score: scores.get(row.id)!,
      };
    });
    if (filters.sort === 'score')
      list.sort((a, b) => (b.score.meanTotal ?? -1) - (a.score.meanTotal ?? -1) || a.id - b.id);
    return list;
  }

  return {
    async list(actor: Actor, vacancyId: number, filters: ApplicationListFilters) {
      const access = await vacancyAccess(db, actor, vacancyId);
      const counts = await db
        .selectFrom('applications')
        .select(['status', (eb) => eb.fn.countAll<string | number>().as('count')])
        .where('vacancy_id', '=', vacancyId)
        .where('status', '<>', 'draft')
        .groupBy('status')
        .execute();
      return {
        access,
        rows: await rows(access, filters),
        counts: Object.fromEntries(counts.map((row) => [row.status, Number(row.count)])) as Partial<
          Record<ApplicationStatus, number>
        >,
      };
    },

    /**
     * The same rows as the list, with the same names hidden, as CSV. The export is audited before the
     * file leaves, so no copy goes out unrecorded. Recruiters only: a file travels further than a
     * page, and the panel has no need of one to score.
     */
    async exportCsv(actor: Actor, vacancyId: number, filters: ApplicationListFilters, ipAddress: string | null) {
      const access = await recruiterAccess(db, actor, vacancyId);
      const list = await rows(access, filters);
      await recordAudit(
        db,
        {
          actor: access.staff,
          action: 'export',
          recordType: 'application_list',
          recordId: vacancyId,
          detail: { vacancyId, ...filters, rows: list.length },
          ipAddress,
        },
        clock(),
      );
      const csv = stringify({
        header: true,
        columns: [
          'Applicant',
          'Name',
          'Email',
          'Phone',
          'Stage',
          'Channel',
          'Submitted',
          'Guaranteed interview',
          'Mean score',
          'Scored by',
        ],
        cast: { string: (value) => neutraliseFormula(value) },
      });
      Readable.from(
        list.map((row) => [
          row.label,
          row.name ?? '',
          row.email ?? '',
          row.phone ?? '',
          row.stageName,
          row.channel,
          row.submittedAt?.toISOString() ?? '',
          row.guaranteedInterview.map((scheme) => guaranteedInterviewNames[scheme] ?? scheme).join('; '),
          row.score.meanTotal === null ? '' : row.score.meanTotal.toFixed(1),
          String(row.score.scoredBy),
        ]),
      ).pipe(csv);
      return { csv, vacancy: access.vacancy };
    },

    /** One application, its history and what this member of staff may see and do with it. */
    async view(actor: Actor, applicationId: number, ipAddress: string | null) {
      const access = await vacancyAccess(db, actor, await vacancyOfApplication(db, applicationId));
      const application = await db
        .selectFrom('applications')
        .selectAll()
        .select((eb) =>
          eb
            .exists(
              eb
                .selectFrom('application_events')
                .select('application_events.id')
                .whereRef('application_events.application_id', '=', 'applications.id')
                .where('application_events.to_status', '=', 'shortlisted'),
            )
            .as('was_shortlisted'),
        )
        .where('id', '=', applicationId)
        .executeTakeFirst();
      if (!application) throw new NotFoundError();
      const anonymised = isAnonymised(access.vacancy, {
        status: application.status,
        was_shortlisted: Boolean(application.was_shortlisted),
      });
      const events = await db
        .selectFrom('application_events')
        .leftJoin('staff_directory', 'staff_directory.id', 'application_events.staff_id')
        .select([
          'application_events.from_status',
          'application_events.to_status',
          'application_events.reason',
          'application_events.created_at',
          'staff_directory.name as staff_name',
        ])
        .where('application_events.application_id', '=', applicationId)
        .orderBy('application_events.created_at')
        .orderBy('application_events.id')
        .execute();
      const criteria = await db
        .selectFrom('vacancy_criteria')
        .select(['id', 'kind', 'text', 'position'])
        .where('vacancy_id', '=', access.vacancy.id)
        .orderBy('position')
        .execute();
      const answers = (application.criteria_answers ?? {}) as Record<string, unknown>;
      await recordAudit(
        db,
        { actor: access.staff, action: 'read', recordType: 'application', recordId: applicationId, ipAddress },
        clock(),
      );
      return {
        access,
        application: {
          id: application.id,
          status: application.status,
          stageName: stageNames[application.status],
          channel: application.channel,
          submittedAt: application.submitted_at,
          guaranteedInterview: application.guaranteed_interview,
          supportingStatement: application.supporting_statement,
          // Adjustments are for the recruiter who arranges the interview, never for the panel: they
          // often disclose a disability or condition, which must not colour how the evidence is scored.
          adjustments: access.role === 'recruiter' ? application.adjustments : null,
        },
        content: shownContent(application, anonymised),
        criteria: criteria.map((criterion) => ({
          ...criterion,
          answer: typeof answers[String(criterion.id)] === 'string' ? (answers[String(criterion.id)] as string) : '',
        })),
        events: events.map((event) => ({
          ...event,
          fromName: event.from_status ? stageNames[event.from_status] : null,
          toName: stageNames[event.to_status],
        })),
      };
    },
  };
}

export type ApplicationsService = ReturnType<typeof createApplicationsService>;
