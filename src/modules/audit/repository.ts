import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AuditFilters } from './schemas.js';
import type { SealKey } from './seal.js';

/** `%` and `_` typed by a person are letters to find, not wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** The filters as one condition. Days are whole days in UK time, whatever the server's zone. */
function matching(filters: AuditFilters) {
  return (eb: ExpressionBuilder<Database, 'audit_log'>) => {
    const conditions: Expression<SqlBool>[] = [];
    if (filters.actor) conditions.push(eb('audit_log.actor_label', 'ilike', `%${escapeLike(filters.actor)}%`));
    if (filters.action) conditions.push(eb(eb.fn('lower', ['audit_log.action']), '=', filters.action.toLowerCase()));
    if (filters.recordType) conditions.push(eb('audit_log.record_type', '=', filters.recordType));
    if (filters.recordId) conditions.push(eb('audit_log.record_id', '=', filters.recordId));
    if (filters.organisationId !== undefined)
      conditions.push(eb('audit_log.organisation_id', '=', filters.organisationId));
    if (filters.from) {
      conditions.push(
        eb(
          'audit_log.occurred_at',
          '>=',
          sql<Date>`(cast(${filters.from} as date))::timestamp at time zone 'Europe/London'`,
        ),
      );
    }
    if (filters.to) {
      conditions.push(
        eb(
          'audit_log.occurred_at',
          '<',
          sql<Date>`(cast(${filters.to} as date) + 1)::timestamp at time zone 'Europe/London'`,
        ),
      );
    }
    return eb.and(conditions);
  };
}

export function createAuditRepository(db: Kysely<Database>) {
  const listed = (filters: AuditFilters) =>
    db
      .selectFrom('audit_log')
      .where(matching(filters))
      .leftJoin('organisations', 'organisations.id', 'audit_log.organisation_id')
      .select([
        'audit_log.id',
        'audit_log.occurred_at',
        'audit_log.actor_type',
        'audit_log.actor_id',
        'audit_log.actor_label',
        'audit_log.organisation_id',
        'organisations.name as organisation_name',
        'audit_log.action',
        'audit_log.record_type',
        'audit_log.record_id',
        'audit_log.detail',
        'audit_log.ip_address',
        'audit_log.previous_hash',
        'audit_log.hash',
      ])
      .orderBy('audit_log.id', 'desc');

  return {
    async count(filters: AuditFilters): Promise<number> {
      const row = await db
        .selectFrom('audit_log')
        .where(matching(filters))
        .select((eb) => eb.fn.countAll<string | number>().as('total'))
        .executeTakeFirstOrThrow();
      return Number(row.total);
    },

    /** One page, newest first. */
    page: (filters: AuditFilters, offset: number, limit: number) =>
      listed(filters).offset(offset).limit(limit).execute(),

    /** Newest first, the entries older than `beforeId`: a keyset walk that appends never disturb. */
    batchBefore(filters: AuditFilters, beforeId: number | null, limit: number) {
      let query = listed(filters).limit(limit);
      if (beforeId !== null) query = query.where('audit_log.id', '<', beforeId);
      return query.execute();
    },

    /**
     * Entries in the order they are sealed (by writing transaction, then id), after `after` (or from
     * the very first when null), with every field their hash covers.
     */
    entriesAfter(after: SealKey | null, limit: number) {
      let query = db
        .selectFrom('audit_log')
        .selectAll()
        .orderBy('transaction_id', 'asc')
        .orderBy('id', 'asc')
        .limit(limit);
      if (after)
        query = query.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('transaction_id', 'id'), '>', tuple(after.transaction, after.entryId)),
        );
      return query.execute();
    },

    /** Seals in the order they were made, after the seal `afterId`. */
    sealsAfter(afterId: number, limit: number) {
      return db
        .selectFrom('audit_seals')
        .selectAll()
        .where('id', '>', afterId)
        .orderBy('id', 'asc')
        .limit(limit)
        .execute();
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
export type AuditListEntry = Awaited<ReturnType<AuditRepository['page']>>[number];
export type AuditEntry = Awaited<ReturnType<AuditRepository['entriesAfter']>>[number];
export type AuditSeal = Awaited<ReturnType<AuditRepository['sealsAfter']>>[number];
