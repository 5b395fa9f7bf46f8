import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, QuestionDatatype, QuestionDates, RequestTier } from '../../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ManagedOrganisation {
  id: number;
  name: string;
}

/** A kind of request some member already receives: what joining it means. */
export interface ExistingKind {
  serviceCode: string;
  name: string;
  tier: RequestTier;
  organisationNames: string[];
}

export interface TeamSummary {
  id: number;
  organisationId: number;
  name: string;
  email: string | null;
  memberCount: number;
  requestTypeCount: number;
}

export interface TeamMember {
  id: number;
  name: string;
  email: string;
}

export interface RequestTypeChanges {
  name: string;
  lgsl: number | null;
  group_name: string;
  description: string;
  hint: string;
  keywords: string;
  sla_working_days: number;
  team_id: number;
  public_on_map: boolean;
  allows_anonymous: boolean;
  active: boolean;
}

export interface QuestionChanges {
  label: string;
  hint: string;
  datatype: QuestionDatatype;
  required: boolean;
  options: { key: string; name: string }[];
  specialCategory: boolean;
  errorMessage: string;
  dates: QuestionDates | null;
}

/** A question's changes as the table names them: special_category for specialCategory. */
function withColumnNames<T extends Partial<QuestionChanges>>({ specialCategory, errorMessage, ...rest }: T) {
  return {
    ...rest,
    ...(specialCategory === undefined ? {} : { special_category: specialCategory }),
    ...(errorMessage === undefined ? {} : { error_message: errorMessage }),
  };
}

/** SQL for the catalogue's administration: request types, their questions, teams and who is in them. */
export function createCatalogueAdminRepository(db: Kysely<Database>) {
  return {
    organisations: (ids: number[]): Promise<ManagedOrganisation[]> =>
      ids.length === 0
        ? Promise.resolve([])
        : db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', ids).orderBy('name').execute(),

    /** Every service code the given organisations receive, with its tier and who receives it. */
    async kinds(organisationIds: number[]): Promise<ExistingKind[]> {
      if (organisationIds.length === 0) return [];
      const rows = await db
        .selectFrom('request_types')
        .innerJoin('organisations', 'organisations.id', 'request_types.organisation_id')
        .select([
          'request_types.service_code',
          'request_types.name',
          'request_types.tier',
          'organisations.name as organisationName',
        ])
        .where('request_types.organisation_id', 'in', organisationIds)
        .orderBy('request_types.name')
        .orderBy('organisations.name')
        .execute();
      const byCode = new Map<string, ExistingKind>();
      for (const row of rows) {
        const kind = byCode.get(row.service_code) ?? {
          serviceCode: row.service_code,
          name: row.name,
          tier: row.tier,
          organisationNames: [],
        };
        kind.organisationNames.push(row.organisationName);
        byCode.set(row.service_code, kind);
      }
      return [...byCode.values()];
    },

    /** The tiers other organisations give this service code: more than one would break routing. */
    async tiersOfCode(
      executor: Db,
      serviceCode: string,
      organisationIds: number[],
    ): Promise<{ tier: RequestTier; organisationName: string }[]> {
      if (organisationIds.length === 0) return [];
      return executor
        .selectFrom('request_types')
        .innerJoin('organisations', 'organisations.id', 'request_types.organisation_id')
        .select(['request_types.tier', 'organisations.name as organisationName'])
        .where('request_types.service_code', '=', serviceCode)
        .where('request_types.organisation_id', 'in', organisationIds)
        .orderBy('organisations.name')
        .execute();
    },

    async codeTaken(executor: Db, organisationId: number, serviceCode: string): Promise<boolean> {
      const row = await executor
        .selectFrom('request_types')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where('service_code', '=', serviceCode)
        .executeTakeFirst();
      return row !== undefined;
    },

    async serviceTitle(executor: Db, lgsl: number): Promise<string | undefined> {
      const row = await executor.selectFrom('services').select('title').where('lgsl', '=', lgsl).executeTakeFirst();
      return row?.title;
    },

    async insertType(
      executor: Db,
      values: RequestTypeChanges & { organisation_id: number; service_code: string; tier: RequestTier },
    ): Promise<number> {
      const row = await executor.insertInto('request_types').values(values).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async updateType(executor: Db, id: number, changes: RequestTypeChanges): Promise<void> {
      await executor.updateTable('request_types').set(changes).where('id', '=', id).execute();
    },

    /** Questions in the order residents see them; ties (old data) broken by when they were added. */
    questionOrder: (executor: Db, requestTypeId: number) =>
      executor
        .selectFrom('request_type_questions')
        .select(['id', 'code'])
        .where('request_type_id', '=', requestTypeId)
        .orderBy('position')
        .orderBy('id')
        .execute(),

    async insertQuestion(
      executor: Db,
      requestTypeId: number,
      code: string,
      position: number,
      changes: QuestionChanges,
    ): Promise<number> {
      const row = await executor
        .insertInto('request_type_questions')
        .values({
          request_type_id: requestTypeId,
          code,
          position,
          ...withColumnNames(changes),
          options: JSON.stringify(changes.options),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async updateQuestion(executor: Db, id: number, changes: Partial<QuestionChanges>): Promise<void> {
      const { options, ...rest } = withColumnNames(changes);
      await executor
        .updateTable('request_type_questions')
        .set({ ...rest, ...(options === undefined ? {} : { options: JSON.stringify(options) }) })
        .where('id', '=', id)
        .execute();
    },

    async setPositions(executor: Db, orderedIds: number[]): Promise<void> {
      for (const [position, id] of orderedIds.entries()) {
        await executor.updateTable('request_type_questions').set({ position }).where('id', '=', id).execute();
      }
    },

    async deleteQuestion(executor: Db, id: number): Promise<void> {
      await executor.deleteFrom('request_type_questions').where('id', '=', id).execute();
    },

    /** How many of this type's cases hold an answer under the question's code. */
    async casesAnswering(executor: Db, requestTypeId: number, code: string): Promise<number> {
      const row = await executor
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('request_type_id', '=', requestTypeId)
        .where(sql<boolean>`answers -> ${code} is not null`)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    teams: (organisationId: number): Promise<TeamSummary[]> =>
      db
        .selectFrom('teams')
        .select((eb) => [
          'teams.id',
          'teams.organisation_id as organisationId',
          'teams.name',
          'teams.email',
          eb
            .selectFrom('staff_teams')
            .select((inner) => inner.fn.countAll<number>().as('n'))
            .whereRef('staff_teams.team_id', '=', 'teams.id')
            .as('memberCount'),
          eb
            .selectFrom('request_types')
            .select((inner) => inner.fn.countAll<number>().as('n'))
            .whereRef('request_types.team_id', '=', 'teams.id')
            .as('requestTypeCount'),
        ])
        .where('teams.organisation_id', '=', organisationId)
        .orderBy('teams.name')
        .execute()
        .then((rows) =>
          rows.map((row) => ({
            ...row,
            memberCount: Number(row.memberCount),
            requestTypeCount: Number(row.requestTypeCount),
          })),
        ),

    findTeam: (executor: Db, id: number) =>
      executor
        .selectFrom('teams')
        .select(['id', 'organisation_id as organisationId', 'name', 'email'])
        .where('id', '=', id)
        .executeTakeFirst(),

    findTeamByName: (executor: Db, organisationId: number, name: string) =>
      executor
        .selectFrom('teams')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where(sql<boolean>`lower(name) = lower(${name})`)
        .executeTakeFirst(),

    async insertTeam(
      executor: Db,
      values: { organisation_id: number; name: string; email: string | null },
    ): Promise<number> {
      const row = await executor.insertInto('teams').values(values).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async updateTeam(executor: Db, id: number, changes: { name: string; email: string | null }): Promise<void> {
      await executor.updateTable('teams').set(changes).where('id', '=', id).execute();
    },

    teamMembers: (teamId: number): Promise<TeamMember[]> =>
      db
        .selectFrom('staff_teams')
        .innerJoin('staff_directory as staff', 'staff.id', 'staff_teams.staff_id')
        .select(['staff.id', 'staff.name', 'staff.email'])
        .where('staff_teams.team_id', '=', teamId)
        .orderBy('staff.name')
        .execute(),

    /** Staff of the organisation who can still sign in: the people a team may take in. */
    activeStaffOf: (executor: Db, organisationId: number): Promise<TeamMember[]> =>
      executor
        .selectFrom('staff_directory')
        .select(['id', 'name', 'email'])
        .where('organisation_id', '=', organisationId)
        .where('active', '=', true)
        .orderBy('name')
        .execute(),

    async isMember(executor: Db, teamId: number, staffId: number): Promise<boolean> {
      const row = await executor
        .selectFrom('staff_teams')
        .select('staff_id')
        .where('team_id', '=', teamId)
        .where('staff_id', '=', staffId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async addMember(executor: Db, teamId: number, staffId: number): Promise<void> {
      await executor
        .insertInto('staff_teams')
        .values({ team_id: teamId, staff_id: staffId })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    async removeMember(executor: Db, teamId: number, staffId: number): Promise<void> {
      await executor.deleteFrom('staff_teams').where('team_id', '=', teamId).where('staff_id', '=', staffId).execute();
    },
  };
}

export type CatalogueAdminRepository = ReturnType<typeof createCatalogueAdminRepository>;
