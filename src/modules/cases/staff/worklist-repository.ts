import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { unfinishedStatuses, type WorklistFilters, type WorklistSortColumn } from './worklist-schemas.js';
import { recordedCaseStillConsented } from '../core/case-sharing-repository.js';

/** A worklist query: the filters, for whose organisation and which member of staff, on which day. */
export interface WorklistSelection {
  organisationId: number;
  staffId: number;
  /** 'YYYY-MM-DD' in England: a case due before it, and not finished, is overdue. */
  today: string;
  filters: WorklistFilters;
}

// Written as the statuses that are unfinished, not those that are not finished: the partial index
// cases_unfinished_by_due serves a query only when its condition plainly implies the index's.
const unfinished = unfinishedStatuses;

/** SQL for the staff worklist, its CSV export and the manager view. No rules: the service decides who asks. */
export function createWorklistRepository(db: Kysely<Database>) {
  /** The cases the filters select, joined to nothing the filters do not need: counting reads the index alone. */
  function selected({ organisationId, staffId, today, filters }: WorklistSelection) {
    let query = db.selectFrom('cases');
    query =
      filters.whose === 'ours'
        ? query.where('cases.organisation_id', '=', organisationId)
        : query
            .where('cases.recorded_by_organisation_id', '=', organisationId)
            .where('cases.organisation_id', '<>', organisationId)
            .where(recordedCaseStillConsented(organisationId, today));
    if (filters.statuses.length > 0) query = query.where('cases.status', 'in', filters.statuses);
    if (filters.serviceCode) {
      const serviceCode = filters.serviceCode;
      query = query.where('cases.request_type_id', 'in', (eb) =>
        eb.selectFrom('request_types').select('id').where('service_code', '=', serviceCode),
      );
    }
    if (filters.teamId) query = query.where('cases.team_id', '=', filters.teamId);
    if (filters.assignee === 'me') query = query.where('cases.assignee_staff_id', '=', staffId);
    if (filters.assignee === 'unassigned') query = query.where('cases.assignee_staff_id', 'is', null);
    if (filters.overdueOnly) query = query.where('cases.due_on', '<', today).where('cases.status', 'in', unfinished);
    if (filters.search) {
      const pattern = `%${filters.search.replace(/[%_\\]/g, '\\$&')}%`;
      // Postcodes are stored "DE4 3AG": a search for "de43ag" finds them too.
      const postcodePattern = `%${filters.search.replace(/[%_\\\s]/g, '')}%`;
      query = query.where((eb) =>
        eb.or([
          eb('cases.reference', 'ilike', pattern),
          eb(eb.fn('replace', ['cases.postcode', eb.val(' '), eb.val('')]), 'ilike', postcodePattern),
          eb('cases.description', 'ilike', pattern),
          eb('cases.location_description', 'ilike', pattern),
        ]),
      );
    }
    return query;
  }

  /** What each sortable column sorts by: statuses in the order work moves through them, not A to Z. */
  const sortKeys: Record<WorklistSortColumn, RawBuilder<unknown>> = {
    due: sql.ref('cases.due_on'),
    reference: sql.ref('cases.reference'),
    kind: sql.ref('request_types.name'),
    status: sql`array_position(array['open', 'acknowledged', 'in_progress', 'resolved', 'closed']::text[], cases.status::text)`,
  };

  /** The selection with what a row of the list shows. */
  function listed(selection: WorklistSelection) {
    return selected(selection)
      .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
      .innerJoin('organisations', 'organisations.id', 'cases.organisation_id')
      .leftJoin('teams', 'teams.id', 'cases.team_id')
      .leftJoin('staff_directory as assignee', 'assignee.id', 'cases.assignee_staff_id')
      .select(rowColumns);
  }

  const rowColumns = [
    'cases.id',
    'cases.reference',
    'cases.status',
    'cases.closure_reason',
    'cases.channel',
    'cases.due_on',
    'cases.created_at',
    'cases.postcode',
    'cases.location_description',
    'cases.latitude',
    'cases.longitude',
    'cases.description',
    'request_types.name as type_name',
    'organisations.name as organisation_name',
    'teams.name as team_name',
    'assignee.name as assignee_name',
  ] as const;

  return {
    /**
     * How many cases the filters select, counting no further than `limit`: a count of every match
     * would read all of a large organisation's cases on each page, and nobody pages past the first few.
     * In the page's order, so it walks the same index as the page instead of scanning the table.
     */
    async countUpTo(selection: WorklistSelection, limit: number): Promise<number> {
      const row = await db
        .selectFrom(
          selected(selection).select('cases.id').orderBy('cases.due_on').orderBy('cases.id').limit(limit).as('capped'),
        )
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    /**
     * One page, in the order chosen (soonest due first unless another column was), then by due date
     * and age, so that rows that tie keep one order from page to page.
     */
    page: (selection: WorklistSelection, offset: number, limit: number) => {
      const { by, descending } = selection.filters.sort;
      const direction = descending ? 'desc' : 'asc';
      let query = listed(selection).orderBy(sortKeys[by], direction);
      if (by !== 'due') query = query.orderBy('cases.due_on');
      return query.orderBy('cases.id').offset(offset).limit(limit).execute();
    },

    /** The cases after one (by due date, then id) in the same order: an export's next batch, as fast at the millionth row as at the first. */
    after: (selection: WorklistSelection, last: { due_on: string; id: number } | null, limit: number) => {
      let query = listed(selection);
      if (last)
        query = query.where((eb) => eb(eb.refTuple('cases.due_on', 'cases.id'), '>', eb.tuple(last.due_on, last.id)));
      return query.orderBy('cases.due_on').orderBy('cases.id').limit(limit).execute();
    },

    /** Unfinished work of an organisation, counted per team: all of it, and what is overdue. */
    loadByTeam: (organisationId: number, today: string) =>
      db
        .selectFrom('cases')
        .leftJoin('teams', 'teams.id', 'cases.team_id')
        .where('cases.organisation_id', '=', organisationId)
        .where('cases.status', 'in', unfinished)
        .groupBy(['cases.team_id', 'teams.name'])
        .select((eb) => [
          'cases.team_id as id',
          'teams.name as name',
          eb.fn.countAll<string | number>().as('open'),
          eb.fn.countAll<string | number>().filterWhere('cases.due_on', '<', today).as('overdue'),
        ])
        .orderBy('teams.name')
        .execute(),

    /** The same, per kind of request. */
    loadByType: (organisationId: number, today: string) =>
      db
        .selectFrom('cases')
        .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
        .where('cases.organisation_id', '=', organisationId)
        .where('cases.status', 'in', unfinished)
        .groupBy(['request_types.service_code', 'request_types.name'])
        .select((eb) => [
          'request_types.service_code as serviceCode',
          'request_types.name as name',
          eb.fn.countAll<string | number>().as('open'),
          eb.fn.countAll<string | number>().filterWhere('cases.due_on', '<', today).as('overdue'),
        ])
        .orderBy('request_types.name')
        .execute(),

    /**
     * Targets met, per team or per kind: of the cases finished (resolved, or closed unresolved) since
     * `from`, how many were finished on or before their due date (the day in England), counted
     * separately before and after `split`, so that a page can show the recent figure and its trend.
     */
    targetsMet: (organisationId: number, by: 'team' | 'type', from: Date, split: Date) => {
      const finishedAt = sql<Date>`coalesce(cases.resolved_at, cases.closed_at)`;
      const onTime = sql`(${finishedAt} at time zone 'Europe/London')::date <= cases.due_on`;
      const counts = [
        sql<string | number>`count(*) filter (where ${finishedAt} >= ${split})`.as('recent'),
        sql<string | number>`count(*) filter (where ${finishedAt} >= ${split} and ${onTime})`.as('recentMet'),
        sql<string | number>`count(*) filter (where ${finishedAt} < ${split})`.as('earlier'),
        sql<string | number>`count(*) filter (where ${finishedAt} < ${split} and ${onTime})`.as('earlierMet'),
      ];
      const base = db
        .selectFrom('cases')
        .where('cases.organisation_id', '=', organisationId)
        .where('cases.status', 'in', ['resolved', 'closed'])
        .where(finishedAt, '>=', from);
      return by === 'team'
        ? base
            .leftJoin('teams', 'teams.id', 'cases.team_id')
            .groupBy(['cases.team_id', 'teams.name'])
            .select([sql<string>`coalesce(teams.name, 'No team')`.as('name'), ...counts])
            .orderBy('name')
            .execute()
        : base
            .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
            .groupBy(['request_types.service_code', 'request_types.name'])
            .select(['request_types.name as name', ...counts])
            .orderBy('name')
            .execute();
    },

    /** The longest-overdue unfinished cases of an organisation, oldest due date first. */
    oldestOverdue: (organisationId: number, today: string, limit: number) =>
      db
        .selectFrom('cases')
        .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
        .leftJoin('teams', 'teams.id', 'cases.team_id')
        .leftJoin('staff_directory as assignee', 'assignee.id', 'cases.assignee_staff_id')
        .where('cases.organisation_id', '=', organisationId)
        .where('cases.status', 'in', unfinished)
        .where('cases.due_on', '<', today)
        .select([
          'cases.id',
          'cases.reference',
          'cases.status',
          'cases.due_on',
          'request_types.name as type_name',
          'teams.name as team_name',
          'assignee.name as assignee_name',
        ])
        .orderBy('cases.due_on')
        .orderBy('cases.id')
        .limit(limit)
        .execute(),

    /** A member of staff's saved filters, by name. */
    savedFilters: (staffId: number) =>
      db
        .selectFrom('saved_worklist_filters')
        .select(['id', 'name', 'query'])
        .where('staff_id', '=', staffId)
        .orderBy('name')
        .execute(),

    /** Saves filters under a name; the same name again replaces what it held. */
    async saveFilters(staffId: number, name: string, query: string): Promise<void> {
      await db
        .insertInto('saved_worklist_filters')
        .values({ staff_id: staffId, name, query })
        .onConflict((oc) => oc.columns(['staff_id', 'name']).doUpdateSet({ query }))
        .execute();
    },

    /** Removes one of this member of staff's saved filters; nobody else's. */
    async removeSavedFilters(staffId: number, id: number): Promise<void> {
      await db.deleteFrom('saved_worklist_filters').where('id', '=', id).where('staff_id', '=', staffId).execute();
    },

    /** An organisation's teams, for the filters and for assigning a case. */
    teamsOf: (organisationId: number) =>
      db
        .selectFrom('teams')
        .select(['id', 'name'])
        .where('organisation_id', '=', organisationId)
        .orderBy('name')
        .execute(),
  };
}

export type WorklistRepository = ReturnType<typeof createWorklistRepository>;
export type WorklistRow = Awaited<ReturnType<WorklistRepository['page']>>[number];
