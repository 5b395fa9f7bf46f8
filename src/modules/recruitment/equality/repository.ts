import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { ApplicationStatus, Database } from '../../../db/schema.js';
import { reportStages, type MonitoredApplication, type StageKey } from './figures.js';
import { characteristics, type EqualityAnswers } from './questions.js';

type Executor = Kysely<Database> | Transaction<Database>;

const reachedAny = (eb: ExpressionBuilder<Database, 'equality_monitoring'>, stages: readonly ApplicationStatus[]) =>
  eb.exists(
    eb
      .selectFrom('application_events')
      .select('application_events.id')
      .whereRef('application_events.application_id', '=', 'equality_monitoring.application_id')
      .where('application_events.to_status', 'in', [...stages]),
  );

/**
 * Equality monitoring answers, kept apart from the applications: the applicant writes and reads their
 * own, and the reports read them only counted together with the stages applications reached.
 */
export function createEqualityRepository(db: Kysely<Database>) {
  /** Each monitored application of the vacancies chosen, with the stages its events show it reached. */
  async function monitored(
    where: { vacancyId: number } | { organisationId: number; closingFrom: Date; closingBefore: Date },
  ): Promise<MonitoredApplication[]> {
    let query = db
      .selectFrom('equality_monitoring')
      .innerJoin('vacancies', 'vacancies.id', 'equality_monitoring.vacancy_id')
      .select([...characteristics.map((field) => `equality_monitoring.${field}` as const)])
      .select((eb) => reportStages.map((stage) => reachedAny(eb, stage.reachedBy).as(`reached_${stage.key}`)));
    query =
      'vacancyId' in where
        ? query.where('equality_monitoring.vacancy_id', '=', where.vacancyId)
        : query
            .where('vacancies.organisation_id', '=', where.organisationId)
            .where('vacancies.closes_at', '>=', where.closingFrom)
            .where('vacancies.closes_at', '<', where.closingBefore);
    const rows = (await query.execute()) as Record<string, unknown>[];
    return rows.map((row) => ({
      answers: Object.fromEntries(
        characteristics.map((field) => [field, (row[field] as string | null) ?? null]),
      ) as EqualityAnswers,
      reached: Object.fromEntries(
        reportStages.map((stage) => [stage.key, row[`reached_${stage.key}`] === true]),
      ) as Record<StageKey, boolean>,
    }));
  }

  return {
    monitored,

    /** The vacancy, if it is the organisation's: another's is not found. */
    async vacancyOf(id: number, organisationId: number) {
      return db
        .selectFrom('vacancies')
        .select(['id', 'title'])
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst();
    },

    async answersOf(applicationId: number, executor: Executor = db): Promise<EqualityAnswers | null> {
      const row = await executor
        .selectFrom('equality_monitoring')
        .select([...characteristics])
        .where('application_id', '=', applicationId)
        .executeTakeFirst();
      return row ?? null;
    },

    /** The applicant's answers, replacing any given before. */
    async save(tx: Executor, applicationId: number, vacancyId: number, answers: EqualityAnswers): Promise<void> {
      await tx
        .insertInto('equality_monitoring')
        .values({ application_id: applicationId, vacancy_id: vacancyId, ...answers })
        .onConflict((conflict) => conflict.column('application_id').doUpdateSet(answers))
        .execute();
    },
  };
}

export type EqualityRepository = ReturnType<typeof createEqualityRepository>;
