import type { Kysely } from 'kysely';
import type { Database, ProjectStatus } from '../../db/schema.js';

type Executor = Kysely<Database>;

export interface ProjectValues {
  name: string;
  summary: string;
  status: ProjectStatus;
  starts_on: string | null;
  ends_on: string | null;
  expected_cashable_pence: number;
  expected_non_cashable_pence: number;
  expected_other: string;
  realised_cashable_pence: number;
  realised_non_cashable_pence: number;
  realised_other: string;
}

export function createProjectsRepository(db: Kysely<Database>) {
  return {
    listForPartnership(partnershipId: number) {
      return db
        .selectFrom('partnership_projects')
        .select(['id', 'name', 'status', 'starts_on', 'ends_on', 'expected_cashable_pence', 'realised_cashable_pence'])
        .where('partnership_id', '=', partnershipId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
    },

    find(id: number) {
      return db
        .selectFrom('partnership_projects')
        .innerJoin('partnerships', 'partnerships.id', 'partnership_projects.partnership_id')
        .selectAll('partnership_projects')
        .select(['partnerships.name as partnership_name', 'partnerships.slug as partnership_slug'])
        .where('partnership_projects.id', '=', id)
        .executeTakeFirst();
    },

    listMembers(projectId: number) {
      return db
        .selectFrom('project_members')
        .innerJoin('organisations', 'organisations.id', 'project_members.organisation_id')
        .select(['organisations.id', 'organisations.name', 'organisations.type'])
        .where('project_members.project_id', '=', projectId)
        .orderBy('organisations.name')
        .execute();
    },

    async insert(executor: Executor, partnershipId: number, values: ProjectValues, memberIds: number[]) {
      const row = await executor
        .insertInto('partnership_projects')
        .values({ ...values, partnership_id: partnershipId })
        .returning('id')
        .executeTakeFirstOrThrow();
      await replaceMembers(executor, row.id, memberIds);
      return row.id;
    },

    async update(executor: Executor, id: number, values: ProjectValues, memberIds: number[]) {
      await executor.updateTable('partnership_projects').set(values).where('id', '=', id).execute();
      await replaceMembers(executor, id, memberIds);
    },

    async insertLesson(
      executor: Executor,
      lesson: {
        project_id: number;
        outcome: 'worked' | 'did_not_work';
        lesson: string;
        recorded_by_staff_id: number;
        recorded_at: Date;
      },
    ) {
      const row = await executor.insertInto('project_lessons').values(lesson).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    /** Lessons of one project, or of every project; newest first, with who recorded them and where. */
    listLessons(filter: { projectId?: number; outcome?: 'worked' | 'did_not_work' }) {
      let query = db
        .selectFrom('project_lessons')
        .innerJoin('partnership_projects', 'partnership_projects.id', 'project_lessons.project_id')
        .innerJoin('partnerships', 'partnerships.id', 'partnership_projects.partnership_id')
        .leftJoin('staff_directory as staff', 'staff.id', 'project_lessons.recorded_by_staff_id')
        .leftJoin('organisations', 'organisations.id', 'staff.organisation_id')
        .select([
          'project_lessons.id',
          'project_lessons.outcome',
          'project_lessons.lesson',
          'project_lessons.recorded_at',
          'partnership_projects.id as project_id',
          'partnership_projects.name as project_name',
          'partnership_projects.status as project_status',
          'partnerships.id as partnership_id',
          'partnerships.name as partnership_name',
          'staff.name as recorded_by',
          'organisations.name as recorded_by_organisation',
        ])
        .orderBy('project_lessons.recorded_at', 'desc')
        .orderBy('project_lessons.id', 'desc');
      if (filter.projectId !== undefined) query = query.where('project_lessons.project_id', '=', filter.projectId);
      if (filter.outcome) query = query.where('project_lessons.outcome', '=', filter.outcome);
      return query.execute();
    },
  };
}

async function replaceMembers(executor: Executor, projectId: number, memberIds: number[]) {
  await executor.deleteFrom('project_members').where('project_id', '=', projectId).execute();
  if (memberIds.length === 0) return;
  await executor
    .insertInto('project_members')
    .values(memberIds.map((organisationId) => ({ project_id: projectId, organisation_id: organisationId })))
    .execute();
}

export type ProjectsRepository = ReturnType<typeof createProjectsRepository>;
export type ProjectRecord = NonNullable<Awaited<ReturnType<ProjectsRepository['find']>>>;
