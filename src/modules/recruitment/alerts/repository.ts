import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;
export type AlertFrequency = 'daily' | 'weekly';

export interface AlertRow {
  id: number;
  citizen_id: number;
  query: string;
  frequency: AlertFrequency;
  unsubscribe_key: string;
  confirmed_at: Date;
  lapse_warning_sent_at: Date | null;
  lapsed_at: Date | null;
  last_sent_at: Date | null;
  created_at: Date;
}

const columns = [
  'id',
  'citizen_id',
  'query',
  'frequency',
  'unsubscribe_key',
  'confirmed_at',
  'lapse_warning_sent_at',
  'lapsed_at',
  'last_sent_at',
  'created_at',
] as const;

export function createAlertsRepository(db: Kysely<Database>) {
  return {
    async insert(values: { citizenId: number; query: string; frequency: AlertFrequency; key: string; now: Date }) {
      return db
        .insertInto('job_alerts')
        .values({
          citizen_id: values.citizenId,
          query: values.query,
          frequency: values.frequency,
          unsubscribe_key: values.key,
          confirmed_at: values.now,
          created_at: values.now,
        })
        .returning(columns)
        .executeTakeFirstOrThrow();
    },

    /** The citizen's alerts that still send, newest first. */
    async listFor(citizenId: number): Promise<AlertRow[]> {
      return db
        .selectFrom('job_alerts')
        .select(columns)
        .where('citizen_id', '=', citizenId)
        .where('lapsed_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
    },

    async countFor(citizenId: number): Promise<number> {
      const row = await db
        .selectFrom('job_alerts')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('citizen_id', '=', citizenId)
        .where('lapsed_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    /** One of the citizen's own alerts: another's is none. */
    async findOwn(citizenId: number, id: number): Promise<AlertRow | undefined> {
      return db
        .selectFrom('job_alerts')
        .select(columns)
        .where('id', '=', id)
        .where('citizen_id', '=', citizenId)
        .where('lapsed_at', 'is', null)
        .executeTakeFirst();
    },

    async findByKey(key: string): Promise<AlertRow | undefined> {
      return db.selectFrom('job_alerts').select(columns).where('unsubscribe_key', '=', key).executeTakeFirst();
    },

    /** A change of frequency is the owner confirming they still want the alert. */
    async setFrequency(citizenId: number, id: number, frequency: AlertFrequency, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('job_alerts')
        .set({ frequency, confirmed_at: now, lapse_warning_sent_at: null })
        .where('id', '=', id)
        .where('citizen_id', '=', citizenId)
        .where('lapsed_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async deleteOwn(citizenId: number, id: number): Promise<boolean> {
      const result = await db
        .deleteFrom('job_alerts')
        .where('id', '=', id)
        .where('citizen_id', '=', citizenId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async deleteByKey(key: string): Promise<AlertRow | undefined> {
      return db.deleteFrom('job_alerts').where('unsubscribe_key', '=', key).returning(columns).executeTakeFirst();
    },

    async confirmByKey(key: string, now: Date): Promise<AlertRow | undefined> {
      return db
        .updateTable('job_alerts')
        .set({ confirmed_at: now, lapse_warning_sent_at: null })
        .where('unsubscribe_key', '=', key)
        .where('lapsed_at', 'is', null)
        .returning(columns)
        .executeTakeFirst();
    },

    /** Alerts that still send and whose period has passed since their last email (or their making). */
    async due(now: Date, limit: number): Promise<AlertRow[]> {
      return db
        .selectFrom('job_alerts')
        .select(columns)
        .where('lapsed_at', 'is', null)
        .where(
          sql<SqlBool>`coalesce(last_sent_at, created_at) <= ${now}::timestamptz - case frequency
            when 'daily' then interval '1 day' else interval '7 days' end`,
        )
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    /**
     * Marks an alert sent, if no one else has since it was read: the worker's claim on this period's
     * email, so that two workers never send one twice.
     */
    async claimSend(executor: Db, alert: AlertRow, now: Date): Promise<boolean> {
      const result = await executor
        .updateTable('job_alerts')
        .set({ last_sent_at: now })
        .where('id', '=', alert.id)
        .where('lapsed_at', 'is', null)
        .where(
          alert.last_sent_at === null
            ? sql<SqlBool>`last_sent_at is null`
            : sql<SqlBool>`last_sent_at = ${alert.last_sent_at}`,
        )
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** Alerts not confirmed since `confirmedBefore` and not yet warned. */
    async needingWarning(confirmedBefore: Date, limit: number): Promise<AlertRow[]> {
      return db
        .selectFrom('job_alerts')
        .select(columns)
        .where('lapsed_at', 'is', null)
        .where('lapse_warning_sent_at', 'is', null)
        .where('confirmed_at', '<=', confirmedBefore)
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    async markWarned(executor: Db, id: number, now: Date): Promise<boolean> {
      const result = await executor
        .updateTable('job_alerts')
        .set({ lapse_warning_sent_at: now })
        .where('id', '=', id)
        .where('lapse_warning_sent_at', 'is', null)
        .where('lapsed_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** Alerts warned before `warnedBefore` and not confirmed since. */
    async toLapse(warnedBefore: Date, limit: number): Promise<AlertRow[]> {
      return db
        .selectFrom('job_alerts')
        .select(columns)
        .where('lapsed_at', 'is', null)
        .where('lapse_warning_sent_at', '<=', warnedBefore)
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    async markLapsed(executor: Db, id: number, now: Date): Promise<boolean> {
      const result = await executor
        .updateTable('job_alerts')
        .set({ lapsed_at: now })
        .where('id', '=', id)
        .where('lapsed_at', 'is', null)
        .where('lapse_warning_sent_at', 'is not', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

export type AlertsRepository = ReturnType<typeof createAlertsRepository>;
