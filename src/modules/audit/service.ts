import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AuditLogTable, Database } from '../../db/schema.js';
import { actorLabel, type Actor } from '../identity/actor.js';

export interface AuditEvent {
  actor: Actor | { kind: 'system'; label: string } | { kind: 'api_client'; id: number; label: string };
  /** What was done: 'read', 'create', 'update', 'delete', 'sign-in', 'export', ... */
  action: string;
  recordType: string;
  recordId?: string | number | null;
  detail?: Record<string, unknown>;
  ipAddress?: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);
// Serialises appends across processes, so each entry chains to the one truly before it.
const AUDIT_CHAIN_LOCK = 7_341_001;

/** Every field the hash covers: the entry as stored, but for its id and its own hash. */
type ChainedFields = Omit<Selectable<AuditLogTable>, 'id' | 'hash'>;

/** The hash of an entry: SHA-256 over its fields, in a fixed order, and the previous entry's hash. */
export function entryHash(entry: ChainedFields): string {
  const canonical = JSON.stringify([
    entry.occurred_at.toISOString(),
    entry.actor_type,
    entry.actor_id,
    entry.actor_label,
    entry.organisation_id,
    entry.action,
    entry.record_type,
    entry.record_id,
    canonicalJson(entry.detail),
    entry.ip_address,
    entry.previous_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * JSON with object keys sorted, so the same detail always hashes the same after a round trip through
 * jsonb. Sorted by code unit, not localeCompare: collation changes with the ICU data of each Node
 * release, and a log written today must still verify after an upgrade.
 */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function actorFields(actor: AuditEvent['actor']) {
  switch (actor.kind) {
    case 'staff':
      return { actor_type: 'staff' as const, actor_id: actor.staffId, actor_label: actorLabel(actor), organisation_id: actor.organisationId };
    case 'citizen':
      return { actor_type: 'citizen' as const, actor_id: actor.citizenId, actor_label: actorLabel(actor), organisation_id: null };
    case 'api_client':
      return { actor_type: 'api_client' as const, actor_id: actor.id, actor_label: actor.label, organisation_id: null };
    case 'system':
      return { actor_type: 'system' as const, actor_id: null, actor_label: actor.label, organisation_id: null };
    case 'anonymous':
      return { actor_type: 'citizen' as const, actor_id: null, actor_label: 'anonymous', organisation_id: null };
  }
}

/**
 * Appends an entry to the audit log. Pass the transaction of the change being audited, so the entry
 * and the change are saved together or not at all; outside one, a transaction is opened here.
 */
export async function recordAudit(db: Kysely<Database> | Transaction<Database>, event: AuditEvent, now: Date): Promise<void> {
  const append = async (trx: Kysely<Database>) => {
    await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
    const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
    // Truncated to the millisecond, as PostgreSQL stores microseconds and JavaScript reads milliseconds.
    const fields: ChainedFields = {
      occurred_at: new Date(now.getTime()),
      ...actorFields(event.actor),
      action: event.action,
      record_type: event.recordType,
      record_id: event.recordId === undefined || event.recordId === null ? null : String(event.recordId),
      // Hashed as it will be stored and read back: jsonb keeps no undefined values and no Dates.
      detail: JSON.parse(JSON.stringify(event.detail ?? {})) as unknown,
      ip_address: event.ipAddress ?? null,
      previous_hash: last?.hash ?? GENESIS_HASH,
    };
    await trx
      .insertInto('audit_log')
      .values({ ...fields, detail: JSON.stringify(fields.detail), hash: entryHash(fields) })
      .execute();
  };
  if (db.isTransaction) await append(db);
  else await db.transaction().execute(append);
}
