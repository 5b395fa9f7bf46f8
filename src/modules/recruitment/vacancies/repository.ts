import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, VacanciesTable } from '../../../db/schema.js';
import { finalStages } from '../applications/stages.js';

type Executor = Kysely<Database> | Transaction<Database>;
export type VacancyRow = Selectable<VacanciesTable>;

/** A vacancy's row and its employer's name; `lock` holds it for the rest of the transaction. */
export async function findVacancy(db: Executor, id: number, lock = false) {
  let query = db
    .selectFrom('vacancies')
    .innerJoin('organisations', 'organisations.id', 'vacancies.organisation_id')
    .selectAll('vacancies')
    .select('organisations.name as employer_name')
    .where('vacancies.id', '=', id);
  if (lock) query = query.forUpdate('vacancies');
  return query.executeTakeFirst();
}

export async function criteriaOf(db: Executor, vacancyId: number) {
  return db
    .selectFrom('vacancy_criteria')
    .select(['id', 'position', 'kind', 'text'])
    .where('vacancy_id', '=', vacancyId)
    .orderBy('position')
    .execute();
}

/** The documents' details, never their bytes: those are read one at a time, to be downloaded. */
export async function documentsOf(db: Executor, vacancyId: number) {
  return db
    .selectFrom('vacancy_documents')
    .select(['id', 'kind', 'file_name', 'content_type', 'size_bytes', 'created_at'])
    .where('vacancy_id', '=', vacancyId)
    .orderBy('id')
    .execute();
}

export async function documentBytes(db: Executor, vacancyId: number, documentId: number) {
  return db
    .selectFrom('vacancy_documents')
    .select(['file_name', 'content_type', 'bytes'])
    .where('vacancy_id', '=', vacancyId)
    .where('id', '=', documentId)
    .executeTakeFirst();
}

export async function deadlineChangesOf(db: Executor, vacancyId: number) {
  return db
    .selectFrom('vacancy_deadline_changes')
    .leftJoin('staff_directory', 'staff_directory.id', 'vacancy_deadline_changes.staff_id')
    .select([
      'vacancy_deadline_changes.previous_closes_at',
      'vacancy_deadline_changes.new_closes_at',
      'vacancy_deadline_changes.reason',
      'vacancy_deadline_changes.created_at',
      'staff_directory.name as staff_name',
    ])
    .where('vacancy_id', '=', vacancyId)
    .orderBy('vacancy_deadline_changes.id')
    .execute();
}

/** The service managers of an organisation: who may be a vacancy's hiring manager. */
export async function serviceManagersOf(db: Executor, organisationId: number) {
  return db
    .selectFrom('staff_directory')
    .select(['id', 'name', 'email'])
    .where('organisation_id', '=', organisationId)
    .where('active', '=', true)
    .where((eb) => eb(eb.val('service_manager'), '=', eb.fn.any('roles')))
    .orderBy('name')
    .execute();
}

export async function staffName(db: Executor, staffId: number | null): Promise<string | null> {
  if (staffId === null) return null;
  const row = await db.selectFrom('staff_directory').select('name').where('id', '=', staffId).executeTakeFirst();
  return row?.name ?? null;
}

export async function replaceCriteria(
  tx: Transaction<Database>,
  vacancyId: number,
  criteria: { kind: 'essential' | 'desirable'; text: string }[],
): Promise<void> {
  await tx.deleteFrom('vacancy_criteria').where('vacancy_id', '=', vacancyId).execute();
  if (criteria.length > 0)
    await tx
      .insertInto('vacancy_criteria')
      .values(criteria.map((criterion, index) => ({ vacancy_id: vacancyId, position: index + 1, ...criterion })))
      .execute();
}

/** The applications not yet at a final stage: those a cancellation ends. */
export async function openApplicationIds(tx: Transaction<Database>, vacancyId: number): Promise<number[]> {
  const rows = await tx
    .selectFrom('applications')
    .select('id')
    .where('vacancy_id', '=', vacancyId)
    .where('status', 'not in', [...finalStages])
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}
