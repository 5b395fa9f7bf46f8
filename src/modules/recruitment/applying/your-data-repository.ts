import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { characteristics } from '../equality/questions.js';

/** Everything recruitment holds about one applicant, read for their download, and its deletion. */
export function createYourDataRepository(db: Kysely<Database>) {
  return {
    async everything(citizenId: number) {
      const profile = await db
        .selectFrom('applicant_profiles')
        .select(['personal', 'employment_history', 'qualifications', 'referees', 'updated_at'])
        .where('citizen_id', '=', citizenId)
        .executeTakeFirst();
      const applications = await db
        .selectFrom('applications')
        .innerJoin('vacancies', 'vacancies.id', 'applications.vacancy_id')
        .innerJoin('organisations', 'organisations.id', 'vacancies.organisation_id')
        .select([
          'applications.id',
          'vacancies.title as job_title',
          'organisations.name as employer',
          'applications.status',
          'applications.personal',
          'applications.employment_history',
          'applications.qualifications',
          'applications.referees',
          'applications.criteria_answers',
          'applications.adjustments',
          'applications.guaranteed_interview',
          'applications.submitted_at',
          'applications.created_at',
          'applications.updated_at',
        ])
        .where('applications.citizen_id', '=', citizenId)
        .orderBy('applications.id')
        .execute();
      const ids = applications.map((application) => application.id);
      const events = ids.length
        ? await db
            .selectFrom('application_events')
            .select(['application_id', 'from_status', 'to_status', 'reason', 'created_at'])
            .where('application_id', 'in', ids)
            .orderBy('created_at')
            .orderBy('id')
            .execute()
        : [];
      const equality = ids.length
        ? await db
            .selectFrom('equality_monitoring')
            .select(['application_id', ...characteristics])
            .where('application_id', 'in', ids)
            .execute()
        : [];
      const savedJobs = await db
        .selectFrom('saved_jobs')
        .innerJoin('vacancies', 'vacancies.id', 'saved_jobs.vacancy_id')
        .select(['vacancies.title as job_title', 'vacancies.closes_at', 'saved_jobs.created_at as saved_at'])
        .where('saved_jobs.citizen_id', '=', citizenId)
        .execute();
      const jobAlerts = await db
        .selectFrom('job_alerts')
        .select(['query', 'frequency', 'confirmed_at', 'lapsed_at', 'last_sent_at', 'created_at'])
        .where('citizen_id', '=', citizenId)
        .execute();
      return { profile, applications, events, equality, savedJobs, jobAlerts };
    },

    /** Applications the applicant must withdraw before deleting: submitted and not yet at a final stage. */
    async inProgress(
      citizenId: number,
      finalStages: readonly string[],
      executor: Kysely<Database> | Transaction<Database> = db,
    ) {
      return executor
        .selectFrom('applications')
        .innerJoin('vacancies', 'vacancies.id', 'applications.vacancy_id')
        .select(['applications.id', 'vacancies.title', 'applications.status'])
        .where('applications.citizen_id', '=', citizenId)
        .where('applications.status', 'not in', ['draft', ...finalStages] as never[])
        .execute();
    },

    /**
     * Deletes the profile, saved jobs, job alerts and unsubmitted drafts (their equality answers go
     * with them), in the caller's transaction; answers the drafts' ids, for the audit.
     */
    async deleteOwnData(tx: Transaction<Database>, citizenId: number): Promise<number[]> {
      const drafts = await tx
        .deleteFrom('applications')
        .where('citizen_id', '=', citizenId)
        .where('status', '=', 'draft')
        .returning('id')
        .execute();
      await tx.deleteFrom('saved_jobs').where('citizen_id', '=', citizenId).execute();
      await tx.deleteFrom('job_alerts').where('citizen_id', '=', citizenId).execute();
      await tx.deleteFrom('applicant_profiles').where('citizen_id', '=', citizenId).execute();
      return drafts.map((draft) => draft.id);
    },
  };
}

export type YourDataRepository = ReturnType<typeof createYourDataRepository>;
