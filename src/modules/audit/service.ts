import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AuditLogTable, Database } from '../../db/schema.js';
import { actorLabel, type Actor } from '../../shared/actor.js';

export interface AuditEvent {
  actor: Actor | { kind: 'system'; label: string } | { kind: 'api_client'; id: number; label: string };
  /** What was done: 'read', 'create', 'update', 'delete', 'sign-in', 'export', ... */
  action: string;
  recordType: string;
  recordId?: string | number | null;
  detail?: Record<string, unknown>;
  ipAddress?: string | null;
}

/** What the first seal (and, before seals, the first entry) names as the hash before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** Every field the hash covers: the entry as stored, but for its id, its own hash and its transaction. */
type HashedFields = Omit<Selectable<AuditLogTable>, 'id' | 'hash' | 'transaction_id'>;

/**
 * The hash of an entry: SHA-256 over its fields in a fixed order. Entries written before the log was
 * sealed also hold the previous entry's hash; since then previous_hash is null, hashed the same way,
 * so one function verifies both.
 */
export function entryHash(entry: HashedFields): string {
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
      return {
        actor_type: 'staff' as const,
        actor_id: actor.staffId,
        actor_label: actorLabel(actor),
        organisation_id: actor.organisationId,
      };
    case 'citizen':
      return {
        actor_type: 'citizen' as const,
        actor_id: actor.citizenId,
        actor_label: actorLabel(actor),
        organisation_id: null,
      };
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
 * and the change are saved together or not at all. It takes no lock and reads nothing: the database
 * stamps the entry with its transaction's id, and the sealer chains it later (./seal.ts), so
 * appends from any number of requests and processes never wait for each other.
 */
export async function recordAudit(
  db: Kysely<Database> | Transaction<Database>,
  event: AuditEvent,
  now: Date,
): Promise<void> {
  // Truncated to the millisecond, as PostgreSQL stores microseconds and JavaScript reads milliseconds.
  const fields: HashedFields = {
    occurred_at: new Date(now.getTime()),
    ...actorFields(event.actor),
    action: event.action,
    record_type: event.recordType,
    record_id: event.recordId === undefined || event.recordId === null ? null : String(event.recordId),
    // Hashed as it will be stored and read back: jsonb keeps no undefined values and no Dates.
    detail: JSON.parse(JSON.stringify(event.detail ?? {})) as unknown,
    ip_address: event.ipAddress ?? null,
    previous_hash: null,
  };
  await db
    .insertInto('audit_log')
    .values({ ...fields, detail: JSON.stringify(fields.detail), hash: entryHash(fields) })
    .execute();
}
