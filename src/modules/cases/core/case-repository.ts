import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { CaseEventsTable, CasesTable, CaseStatus, ClosureReason, Database } from '../../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type NewCase = Insertable<CasesTable>;
export type NewCaseEvent = Insertable<CaseEventsTable>;

export interface WorklistFilters {
  organisationIds: number[];
  statuses?: CaseStatus[];
  requestTypeId?: number;
  teamId?: number;
  assigneeStaffId?: number | null;
  overdueOn?: string;
  search?: string;
  limit: number;
  offset: number;
}

const caseColumns = [
  'cases.id',
  'cases.reference',
  'cases.request_type_id',
  'cases.organisation_id',
  'cases.team_id',
  'cases.assignee_staff_id',
  'cases.status',
  'cases.closure_reason',
  'cases.duplicate_of_case_id',
  'cases.channel',
  'cases.description',
  'cases.answers',
  'cases.latitude',
  'cases.longitude',
  'cases.postcode',
  'cases.location_description',
  'cases.citizen_id',
  'cases.person_id',
  'cases.contact_name',
  'cases.contact_email',
  'cases.contact_phone',
  'cases.is_public',
  'cases.due_on',
  'cases.created_by_staff_id',
  'cases.recorded_by_organisation_id',
  'cases.created_by_api_client_id',
  'cases.created_at',
  'cases.updated_at',
  'cases.resolved_at',
  'cases.closed_at',
  'cases.resident_due_on',
  'cases.transferred_at',
] as const;

export function createCaseRepository(db: Kysely<Database>) {
  const withNames = (executor: Db) =>
    executor
      .selectFrom('cases')
      .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
      .innerJoin('organisations', 'organisations.id', 'cases.organisation_id')
      .leftJoin('teams', 'teams.id', 'cases.team_id')
      .leftJoin('staff_directory as assignee', 'assignee.id', 'cases.assignee_staff_id')
      .select(caseColumns)
      .select([
        'request_types.name as type_name',
        'request_types.service_code',
        'request_types.lgsl',
        'organisations.name as organisation_name',
        'teams.name as team_name',
        'assignee.name as assignee_name',
      ]);

  return {
    /** The next number of the year's sequence, safe under concurrent requests (one row lock). */
    async nextReferenceNumber(executor: Db, prefix: string, year: number): Promise<number> {
      const row = await executor
        .insertInto('case_reference_counters')
        .values({ prefix, year, last_number: 1 })
        .onConflict((oc) =>
          oc.columns(['prefix', 'year']).doUpdateSet({ last_number: sql`case_reference_counters.last_number + 1` }),
        )
        .returning('last_number')
        .executeTakeFirstOrThrow();
      return row.last_number;
    },

    async insert(trx: Transaction<Database>, newCase: NewCase): Promise<number> {
      const row = await trx.insertInto('cases').values(newCase).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    /** Adds a timeline entry; its id, for what came with it (photos). */
    async addEvent(executor: Db, event: NewCaseEvent): Promise<number> {
      const row = await executor.insertInto('case_events').values(event).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async update(
      executor: Db,
      id: number,
      changes: Partial<{
        status: CaseStatus;
        closure_reason: ClosureReason | null;
        duplicate_of_case_id: number | null;
        organisation_id: number;
        request_type_id: number;
        team_id: number | null;
        assignee_staff_id: number | null;
        due_on: string;
        resident_due_on: string | null;
        transferred_at: Date | null;
        is_public: boolean;
        resolved_at: Date | null;
        closed_at: Date | null;
        updated_at: Date;
      }>,
    ): Promise<void> {
      await executor.updateTable('cases').set(changes).where('id', '=', id).execute();
    },

    findById: (id: number, executor: Db = db) => withNames(executor).where('cases.id', '=', id).executeTakeFirst(),
    findByReference: (reference: string) => withNames(db).where('cases.reference', '=', reference).executeTakeFirst(),

    /** The cases of these people (the customer view), with what deciding access to each needs. */
    ofPeople: (personIds: number[]) =>
      personIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('cases')
            .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
            .innerJoin('organisations', 'organisations.id', 'cases.organisation_id')
            .select([
              'cases.id',
              'cases.reference',
              'cases.status',
              'cases.created_at',
              'cases.organisation_id',
              'cases.recorded_by_organisation_id',
              'request_types.lgsl',
              'request_types.name as type_name',
              'organisations.name as organisation_name',
            ])
            .select((eb) => eb.fn.coalesce('cases.person_id', eb.lit(0)).as('person_id'))
            .where('cases.person_id', 'in', personIds)
            .orderBy('cases.created_at', 'desc')
            .execute(),
    /** The cases closed as duplicates of this one: their residents follow it. */
    followersOf: (caseId: number) =>
      withNames(db)
        .where('cases.duplicate_of_case_id', '=', caseId)
        .where('cases.status', '=', 'closed')
        .orderBy('cases.id')
        .execute(),

    /** Locks the case row for the rest of the transaction, so two changes never interleave. */
    async lock(trx: Transaction<Database>, id: number): Promise<void> {
      await trx.selectFrom('cases').select('id').where('id', '=', id).forUpdate().execute();
    },

    async events(caseId: number, publicOnly: boolean) {
      let query = db
        .selectFrom('case_events')
        .leftJoin('staff_directory as staff', 'staff.id', 'case_events.staff_id')
        .leftJoin('organisations', 'organisations.id', 'case_events.organisation_id')
        .leftJoin('organisations as from_organisation', 'from_organisation.id', 'case_events.from_organisation_id')
        .leftJoin('organisations as to_organisation', 'to_organisation.id', 'case_events.to_organisation_id')
        .select([
          'case_events.id',
          'case_events.occurred_at',
          'case_events.kind',
          'case_events.is_public',
          'case_events.body',
          'case_events.from_status',
          'case_events.to_status',
          'case_events.channel',
          'case_events.organisation_id',
          'staff.name as staff_name',
          'organisations.name as organisation_name',
          'from_organisation.name as from_organisation_name',
          'to_organisation.name as to_organisation_name',
        ])
        .where('case_events.case_id', '=', caseId)
        .orderBy('case_events.occurred_at')
        .orderBy('case_events.id');
      if (publicOnly) query = query.where('case_events.is_public', '=', true);
      return query.execute();
    },

    async worklist(filters: WorklistFilters) {
      let query = withNames(db).where('cases.organisation_id', 'in', filters.organisationIds);
      if (filters.statuses?.length) query = query.where('cases.status', 'in', filters.statuses);
      if (filters.requestTypeId) query = query.where('cases.request_type_id', '=', filters.requestTypeId);
      if (filters.teamId) query = query.where('cases.team_id', '=', filters.teamId);
      if (filters.assigneeStaffId === null) query = query.where('cases.assignee_staff_id', 'is', null);
      else if (filters.assigneeStaffId !== undefined)
        query = query.where('cases.assignee_staff_id', '=', filters.assigneeStaffId);
      if (filters.overdueOn)
        query = query
          .where('cases.due_on', '<', filters.overdueOn)
          .where('cases.status', 'not in', ['resolved', 'closed']);
      if (filters.search) {
        const pattern = `%${filters.search.replace(/[%_\\]/g, '\\$&')}%`;
        query = query.where((eb) =>
          eb.or([
            eb('cases.reference', 'ilike', pattern),
            eb('cases.postcode', 'ilike', pattern),
            eb('cases.description', 'ilike', pattern),
          ]),
        );
      }
      const total = await query
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      const rows = await query
        .orderBy('cases.due_on')
        .orderBy('cases.id')
        .limit(filters.limit)
        .offset(filters.offset)
        .execute();
      return { rows, total: Number(total.count) };
    },

    /** Open cases of a kind within a box around a point; the caller measures the true distance. */
    async openNear(
      serviceCode: string,
      box: { minLatitude: number; maxLatitude: number; minLongitude: number; maxLongitude: number },
    ) {
      return withNames(db)
        .where('request_types.service_code', '=', serviceCode)
        .where('cases.status', 'not in', ['resolved', 'closed'])
        .where('cases.is_public', '=', true)
        .where('cases.latitude', '>=', box.minLatitude)
        .where('cases.latitude', '<=', box.maxLatitude)
        .where('cases.longitude', '>=', box.minLongitude)
        .where('cases.longitude', '<=', box.maxLongitude)
        .execute();
    },

    listForCitizen: (citizenId: number) =>
      withNames(db).where('cases.citizen_id', '=', citizenId).orderBy('cases.created_at', 'desc').execute(),
  };
}

export type CaseRepository = ReturnType<typeof createCaseRepository>;
export type CaseRecord = NonNullable<Awaited<ReturnType<CaseRepository['findById']>>>;
