import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { ApplicationsTable, Database, VacancyStatus } from '../../../db/schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface Criterion {
  id: number;
  position: number;
  kind: 'essential' | 'desirable';
  text: string;
}

/** What the applicant's pages show of a vacancy, and the times that say whether it is open. */
export interface VacancySummary {
  id: number;
  slug: string;
  title: string;
  organisation_id: number;
  employer_name: string;
  status: VacancyStatus;
  publish_at: Date | null;
  closes_at: Date;
  closed_at: Date | null;
}

export type ApplicationRow = Selectable<ApplicationsTable>;

/** The applicant's profile, application and saved-job rows, and the vacancies' parts they show. */
export function createApplyingRepository(db: Kysely<Database>) {
  const vacancies = (executor: Executor) =>
    executor
      .selectFrom('vacancies')
      .innerJoin('organisations', 'organisations.id', 'vacancies.organisation_id')
      .select([
        'vacancies.id',
        'vacancies.slug',
        'vacancies.title',
        'vacancies.organisation_id',
        'organisations.name as employer_name',
        'vacancies.status',
        'vacancies.publish_at',
        'vacancies.closes_at',
        'vacancies.closed_at',
      ]);

  return {
    /** A vacancy by its address: its slug, or its id as /jobs/{id-or-slug} allows. */
    async vacancyByAddress(address: string): Promise<VacancySummary | undefined> {
      const byId = /^\d{1,9}$/.test(address) ? Number(address) : null;
      return vacancies(db)
        .where((eb) => (byId === null ? eb('vacancies.slug', '=', address) : eb('vacancies.id', '=', byId)))
        .executeTakeFirst();
    },

    async vacancyById(id: number, executor: Executor = db): Promise<VacancySummary | undefined> {
      return vacancies(executor).where('vacancies.id', '=', id).executeTakeFirst();
    },

    async criteriaOf(vacancyId: number, executor: Executor = db): Promise<Criterion[]> {
      return executor
        .selectFrom('vacancy_criteria')
        .select(['id', 'position', 'kind', 'text'])
        .where('vacancy_id', '=', vacancyId)
        .orderBy('position')
        .execute();
    },

    async profileOf(citizenId: number, executor: Executor = db) {
      return executor
        .selectFrom('applicant_profiles')
        .selectAll()
        .where('citizen_id', '=', citizenId)
        .executeTakeFirst();
    },

    async saveProfile(
      citizenId: number,
      columns: Partial<Record<'personal' | 'employment_history' | 'qualifications' | 'referees', unknown>>,
      now: Date,
    ): Promise<void> {
      const values = Object.fromEntries(Object.entries(columns).map(([key, value]) => [key, JSON.stringify(value)]));
      await db
        .insertInto('applicant_profiles')
        .values({ citizen_id: citizenId, ...values, updated_at: now })
        .onConflict((conflict) => conflict.column('citizen_id').doUpdateSet({ ...values, updated_at: now }))
        .execute();
    },

    async applicationOf(id: number, executor: Executor = db): Promise<ApplicationRow | undefined> {
      return executor.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The application, locked until the end of the transaction, so two saves of it run one after the other. */
    async lockApplication(tx: Transaction<Database>, id: number): Promise<ApplicationRow | undefined> {
      return tx.selectFrom('applications').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },

    async applicationFor(citizenId: number, vacancyId: number, executor: Executor = db) {
      return executor
        .selectFrom('applications')
        .select(['id', 'status'])
        .where('citizen_id', '=', citizenId)
        .where('vacancy_id', '=', vacancyId)
        .executeTakeFirst();
    },

    async insertApplication(tx: Transaction<Database>, values: Insertable<ApplicationsTable>) {
      return tx.insertInto('applications').values(values).returning('id').executeTakeFirstOrThrow();
    },

    async updateApplication(
      tx: Transaction<Database>,
      id: number,
      values: Updateable<ApplicationsTable>,
    ): Promise<void> {
      await tx.updateTable('applications').set(values).where('id', '=', id).execute();
    },

    /** An applicant's applications, newest first, with what the list shows of each vacancy. */
    async applicationsOf(citizenId: number) {
      return db
        .selectFrom('applications')
        .innerJoin('vacancies', 'vacancies.id', 'applications.vacancy_id')
        .innerJoin('organisations', 'organisations.id', 'vacancies.organisation_id')
        .select([
          'applications.id',
          'applications.status',
          'applications.submitted_at',
          'applications.updated_at',
          'vacancies.title',
          'vacancies.slug',
          'vacancies.status as vacancy_status',
          'vacancies.publish_at',
          'vacancies.closes_at',
          'organisations.name as employer_name',
        ])
        .where('applications.citizen_id', '=', citizenId)
        .orderBy('applications.created_at', 'desc')
        .orderBy('applications.id', 'desc')
        .execute();
    },

    async isSaved(citizenId: number, vacancyId: number): Promise<boolean> {
      const row = await db
        .selectFrom('saved_jobs')
        .select('vacancy_id')
        .where('citizen_id', '=', citizenId)
        .where('vacancy_id', '=', vacancyId)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Saves the job, or unsaves it if it was saved; answers whether it is saved now. */
    async toggleSaved(citizenId: number, vacancyId: number, now: Date): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        const removed = await tx
          .deleteFrom('saved_jobs')
          .where('citizen_id', '=', citizenId)
          .where('vacancy_id', '=', vacancyId)
          .executeTakeFirst();
        if (removed.numDeletedRows > 0n) return false;
        await tx
          .insertInto('saved_jobs')
          .values({ citizen_id: citizenId, vacancy_id: vacancyId, created_at: now })
          .onConflict((conflict) => conflict.doNothing())
          .execute();
        return true;
      });
    },

    async savedJobsOf(citizenId: number) {
      return db
        .selectFrom('saved_jobs')
        .innerJoin('vacancies', 'vacancies.id', 'saved_jobs.vacancy_id')
        .innerJoin('organisations', 'organisations.id', 'vacancies.organisation_id')
        .leftJoin('applications', (join) =>
          join
            .onRef('applications.vacancy_id', '=', 'saved_jobs.vacancy_id')
            .on('applications.citizen_id', '=', citizenId),
        )
        .select([
          'vacancies.id',
          'vacancies.slug',
          'vacancies.title',
          'vacancies.status',
          'vacancies.publish_at',
          'vacancies.closes_at',
          'organisations.name as employer_name',
          'applications.id as application_id',
          'saved_jobs.created_at as saved_at',
        ])
        .where('saved_jobs.citizen_id', '=', citizenId)
        .orderBy('vacancies.closes_at')
        .execute();
    },
  };
}

export type ApplyingRepository = ReturnType<typeof createApplyingRepository>;
