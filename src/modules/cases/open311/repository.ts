import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { CaseStatus, Database } from '../../../db/schema.js';
import type { NewCaseEvent } from '../core/case-repository.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Who may see a request through Open311: everyone a public one; a client also those it sent, a back office its organisation's. */
export interface Open311Viewer {
  clientId: number | null;
  organisationId: number | null;
}

export interface RequestFilter {
  organisationIds: number[];
  viewer: Open311Viewer;
  references?: string[];
  serviceCodes?: string[];
  statuses?: CaseStatus[];
  from?: Date;
  to?: Date;
  limit: number;
}

export interface UpdateFilter {
  organisationIds: number[];
  viewer: Open311Viewer;
  from: Date;
  to: Date;
  limit: number;
}

export interface RememberedResponse {
  api_client_id: number;
  key: string;
  request_hash: string;
  response_status: number;
  response_type: string;
  response_body: string;
}

/**
 * The requests of the jurisdiction asked about: those its councils have now, and those this client
 * sent there, wherever they have been transferred since (a client set up for one council keeps
 * following what it sent).
 */
function inJurisdiction(
  eb: ExpressionBuilder<Database, 'cases'>,
  filter: { organisationIds: number[]; viewer: Open311Viewer },
) {
  const theirs = eb('cases.organisation_id', 'in', filter.organisationIds);
  return filter.viewer.clientId === null
    ? theirs
    : eb.or([theirs, eb('cases.created_by_api_client_id', '=', filter.viewer.clientId)]);
}

/** The kinds of timeline entry an Open311 client hears about as an update. */
const updateKinds = ['status_changed', 'public_update', 'transferred', 'reopened'] as const;

export function createOpen311Repository(db: Kysely<Database>) {
  return {
    // API clients and their keys

    async insertClient(
      trx: Transaction<Database>,
      client: {
        name: string;
        key_hash: string;
        key_hint: string;
        organisation_id: number | null;
        created_by_staff_id: number | null;
      },
    ) {
      const row = await trx.insertInto('api_clients').values(client).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    findActiveClientByHash: (keyHash: string) =>
      db
        .selectFrom('api_clients')
        .select(['id', 'name', 'organisation_id'])
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),

    findClient: (id: number) =>
      db
        .selectFrom('api_clients')
        .leftJoin('organisations', 'organisations.id', 'api_clients.organisation_id')
        .select([
          'api_clients.id',
          'api_clients.name',
          'api_clients.key_hint',
          'api_clients.revoked_at',
          'api_clients.organisation_id',
          'organisations.name as organisation_name',
        ])
        .where('api_clients.id', '=', id)
        .executeTakeFirst(),

    listClients: () =>
      db
        .selectFrom('api_clients')
        .leftJoin('organisations', 'organisations.id', 'api_clients.organisation_id')
        .leftJoin('staff_directory as staff', 'staff.id', 'api_clients.created_by_staff_id')
        .select([
          'api_clients.id',
          'api_clients.name',
          'api_clients.key_hint',
          'api_clients.created_at',
          'api_clients.revoked_at',
          'organisations.name as organisation_name',
          'staff.name as created_by_name',
        ])
        .orderBy('api_clients.revoked_at', (ob) => ob.desc().nullsFirst())
        .orderBy('api_clients.name')
        .orderBy('api_clients.id')
        .execute(),

    async revokeClient(trx: Transaction<Database>, id: number, now: Date): Promise<boolean> {
      const row = await trx
        .updateTable('api_clients')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Counts one more POST by the client in this minute and answers the minute's count so far. On the
     * minute's first post the client's earlier minutes, no longer needed, are removed.
     */
    async countPost(clientId: number, minute: Date): Promise<number> {
      const row = await db
        .insertInto('open311_post_counts')
        .values({ api_client_id: clientId, minute, posts: 1 })
        .onConflict((oc) =>
          oc.columns(['api_client_id', 'minute']).doUpdateSet({ posts: sql`open311_post_counts.posts + 1` }),
        )
        .returning('posts')
        .executeTakeFirstOrThrow();
      if (row.posts === 1)
        await db
          .deleteFrom('open311_post_counts')
          .where('api_client_id', '=', clientId)
          .where('minute', '<', minute)
          .execute();
      return row.posts;
    },

    // The partnership and its members

    organisations: (ids: number[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('organisations')
            .select(['id', 'name', 'gss', 'homepage_url'])
            .where('id', 'in', ids)
            .orderBy('name')
            .execute(),

    /** Active request types of these organisations, with their questions, in two queries. */
    async typesWithQuestions(organisationIds: number[]) {
      if (organisationIds.length === 0) return [];
      const types = await db
        .selectFrom('request_types')
        .innerJoin('organisations', 'organisations.id', 'request_types.organisation_id')
        .select([
          'request_types.id',
          'request_types.organisation_id',
          'request_types.service_code',
          'request_types.name',
          'request_types.group_name',
          'request_types.description',
          'request_types.keywords',
          'request_types.public_on_map',
        ])
        .where('request_types.active', '=', true)
        .where('request_types.organisation_id', 'in', organisationIds)
        .orderBy('organisations.name')
        .orderBy('request_types.id')
        .execute();
      const questions =
        types.length === 0
          ? []
          : await db
              .selectFrom('request_type_questions')
              .select(['request_type_id', 'code', 'label', 'hint', 'datatype', 'required', 'options'])
              .where(
                'request_type_id',
                'in',
                types.map((type) => type.id),
              )
              .orderBy('position')
              .orderBy('id')
              .execute();
      return types.map((type) => ({
        ...type,
        questions: questions
          .filter((question) => question.request_type_id === type.id)
          .map((question) => ({ ...question, options: question.options as { key: string; name: string }[] })),
      }));
    },

    // Requests and their updates, as Open311 shows them

    async requests(filter: RequestFilter) {
      if (filter.organisationIds.length === 0) return [];
      let query = db
        .selectFrom('cases')
        .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
        .innerJoin('organisations', 'organisations.id', 'cases.organisation_id')
        .select([
          'cases.id',
          'cases.reference',
          'cases.status',
          'cases.description',
          'cases.created_at',
          'cases.updated_at',
          'cases.due_on',
          'cases.postcode',
          'cases.location_description',
          'cases.latitude',
          'cases.longitude',
          'cases.organisation_id',
          'cases.created_by_api_client_id',
          'request_types.service_code',
          'request_types.name as service_name',
          'organisations.name as organisation_name',
        ])
        .select((eb) =>
          eb
            .selectFrom('case_events')
            .select('case_events.body')
            .whereRef('case_events.case_id', '=', 'cases.id')
            .where('case_events.is_public', '=', true)
            .where('case_events.kind', 'in', updateKinds)
            .where('case_events.body', '<>', '')
            .orderBy('case_events.occurred_at', 'desc')
            .orderBy('case_events.id', 'desc')
            .limit(1)
            .as('status_notes'),
        )
        .where((eb) => inJurisdiction(eb, filter))
        .where((eb) => visibleTo(eb, filter.viewer));
      if (filter.references)
        query = query.where('cases.reference', 'in', filter.references.length > 0 ? filter.references : ['']);
      if (filter.serviceCodes) query = query.where('request_types.service_code', 'in', filter.serviceCodes);
      if (filter.statuses) query = query.where('cases.status', 'in', filter.statuses);
      if (filter.from) query = query.where('cases.created_at', '>=', filter.from);
      if (filter.to) query = query.where('cases.created_at', '<=', filter.to);
      return query.orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc').limit(filter.limit).execute();
    },

    async updates(filter: UpdateFilter) {
      if (filter.organisationIds.length === 0) return [];
      return (
        db
          .selectFrom('case_events')
          .innerJoin('cases', 'cases.id', 'case_events.case_id')
          .select([
            'case_events.id',
            'case_events.occurred_at',
            'case_events.body',
            'cases.reference',
            'cases.status as case_status',
            'cases.closure_reason',
            'cases.organisation_id',
            'cases.created_by_api_client_id',
          ])
          // The case's status just after this entry: the latest status any entry up to it set.
          .select((eb) =>
            eb
              .selectFrom('case_events as earlier')
              .select('earlier.to_status')
              .whereRef('earlier.case_id', '=', 'case_events.case_id')
              .whereRef('earlier.id', '<=', 'case_events.id')
              .where('earlier.to_status', 'is not', null)
              .orderBy('earlier.id', 'desc')
              .limit(1)
              .as('status_then'),
          )
          .where('case_events.is_public', '=', true)
          .where('case_events.kind', 'in', updateKinds)
          .where('case_events.occurred_at', '>=', filter.from)
          .where('case_events.occurred_at', '<=', filter.to)
          .where((eb) => inJurisdiction(eb, filter))
          .where((eb) => visibleTo(eb, filter.viewer))
          .orderBy('case_events.occurred_at')
          .orderBy('case_events.id')
          .limit(filter.limit)
          .execute()
      );
    },

    /** A timeline entry, giving its id: an Open311 update's update_id. */
    async insertEvent(trx: Transaction<Database>, event: NewCaseEvent): Promise<number> {
      const row = await trx.insertInto('case_events').values(event).returning('id').executeTakeFirstOrThrow();
      return Number(row.id);
    },

    // Idempotency keys

    findRemembered: (clientId: number, key: string) =>
      db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('api_client_id', '=', clientId)
        .where('key', '=', key)
        .executeTakeFirst(),

    /**
     * Saves the response to a keyed POST in the transaction that made it. False when the key is
     * already saved: a concurrent duplicate waits here on the primary key until the first commits.
     */
    async remember(trx: Db, response: RememberedResponse): Promise<boolean> {
      const row = await trx
        .insertInto('idempotency_keys')
        .values(response)
        .onConflict((oc) => oc.columns(['api_client_id', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

function visibleTo(eb: ExpressionBuilder<Database, 'cases'>, viewer: Open311Viewer) {
  const conditions = [eb('cases.is_public', '=', true)];
  if (viewer.clientId !== null) conditions.push(eb('cases.created_by_api_client_id', '=', viewer.clientId));
  if (viewer.organisationId !== null) conditions.push(eb('cases.organisation_id', '=', viewer.organisationId));
  return eb.or(conditions);
}

export type Open311Repository = ReturnType<typeof createOpen311Repository>;
