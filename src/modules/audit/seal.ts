import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AuditSealsTable, Database } from '../../db/schema.js';
import { GENESIS_HASH } from './service.js';

/** One sealer at a time across every process; the others skip their turn rather than queue. */
export const AUDIT_SEAL_LOCK = 7_341_002;

/** Bounds each seal, and so the memory that sealing and checking need, however many entries wait. */
export const MAX_ENTRIES_PER_SEAL = 2_000;

/**
 * A place in sealing order: entries are sealed by the transaction that wrote them, then by id. Ids
 * alone would not do: a transaction still in flight may hold a lower id than one already committed.
 */
export interface SealKey {
  transaction: number;
  entryId: number;
}

/** Where the first seal starts: before any entry a transaction can write. */
export const GENESIS_KEY: SealKey = { transaction: 0, entryId: 0 };

export type SealFields = Omit<Selectable<AuditSealsTable>, 'id' | 'hash'>;

export const sealStart = (seal: Pick<SealFields, 'after_transaction' | 'after_entry_id'>): SealKey => ({
  transaction: seal.after_transaction,
  entryId: seal.after_entry_id,
});

export const sealEnd = (seal: Pick<SealFields, 'upto_transaction' | 'upto_entry_id'>): SealKey => ({
  transaction: seal.upto_transaction,
  entryId: seal.upto_entry_id,
});

export function compareKeys(a: SealKey, b: SealKey): number {
  return a.transaction - b.transaction || a.entryId - b.entryId;
}

/** SHA-256 over every field of a seal, in a fixed order, the previous seal's hash included. */
export function sealHash(seal: SealFields): string {
  const canonical = JSON.stringify([
    seal.sealed_at.toISOString(),
    seal.after_transaction,
    seal.after_entry_id,
    seal.upto_transaction,
    seal.upto_entry_id,
    seal.entry_count,
    seal.entries,
    seal.previous_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface SealResult {
  /** Seals written by this call. */
  seals: number;
  /** Entries those seals hold. */
  entries: number;
  /** True when another sealer was at work, so this one left it to them. */
  skipped: boolean;
  /** True when entries are left unsealed, waiting for a transaction still in flight (or for the other sealer). */
  pending: boolean;
}

export interface SealOptions {
  maxEntries?: number;
  /** How long to keep trying while entries wait for transactions in flight; 0 gives up at once. */
  patienceMs?: number;
  signal?: AbortSignal;
}

const RETRY_MS = 50;

/**
 * Seals every entry whose writing transaction has ended, in seals of at most `maxEntries`, one
 * transaction each. Entries of transactions still in flight wait for a later call (or, within
 * `patienceMs`, for this one): nothing is sealed past them, so nothing can later land in a range
 * already sealed.
 */
export async function sealAuditLog(
  db: Kysely<Database>,
  clock: () => Date,
  { maxEntries = MAX_ENTRIES_PER_SEAL, patienceMs = 0, signal }: SealOptions = {},
): Promise<SealResult> {
  const giveUpAt = Date.now() + patienceMs;
  const total: SealResult = { seals: 0, entries: 0, skipped: false, pending: false };
  for (;;) {
    const result = await sealReady(db, clock, maxEntries, signal);
    total.seals += result.seals;
    total.entries += result.entries;
    Object.assign(total, { skipped: result.skipped, pending: result.pending });
    if (!result.pending || signal?.aborted || Date.now() + RETRY_MS > giveUpAt) return total;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/** One pass: seals what is ready now, and says whether anything was left waiting. */
async function sealReady(
  db: Kysely<Database>,
  clock: () => Date,
  maxEntries: number,
  signal: AbortSignal | undefined,
): Promise<SealResult> {
  const result: SealResult = { seals: 0, entries: 0, skipped: false, pending: false };
  while (!signal?.aborted) {
    const sealed = await db.transaction().execute((trx) => sealNext(trx, clock(), maxEntries));
    if (sealed === 'busy') return { ...result, skipped: true, pending: true };
    if (sealed > 0) {
      result.seals += 1;
      result.entries += sealed;
    }
    if (sealed < maxEntries) break;
  }
  return { ...result, pending: await unsealedRemain(db) };
}

/** Whether any entry lies after the newest seal: one whose transaction was still in flight. */
async function unsealedRemain(db: Kysely<Database>): Promise<boolean> {
  const head = await db
    .selectFrom('audit_seals')
    .select(['upto_transaction', 'upto_entry_id'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const after = head ? sealEnd(head) : GENESIS_KEY;
  const next = await db
    .selectFrom('audit_log')
    .select('id')
    .where(({ eb, refTuple, tuple }) =>
      eb(refTuple('transaction_id', 'id'), '>', tuple(after.transaction, after.entryId)),
    )
    .limit(1)
    .executeTakeFirst();
  return next !== undefined;
}

/** Writes the next seal: how many entries it holds, 0 when none are ready, or 'busy'. */
async function sealNext(trx: Transaction<Database>, now: Date, maxEntries: number): Promise<number | 'busy'> {
  const { rows } = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_xact_lock(${AUDIT_SEAL_LOCK}) as locked`.execute(trx);
  if (!rows[0]!.locked) return 'busy';
  // Read after the lock is held, so that the head is the one the last sealer committed.
  const head = await trx
    .selectFrom('audit_seals')
    .select(['upto_transaction', 'upto_entry_id', 'hash'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const horizon = await finishedBelow(trx);
  if (head && horizon <= head.upto_transaction) throw new TransactionIdsWentBackError(horizon, head.upto_transaction);

  const after = head ? sealEnd(head) : GENESIS_KEY;
  const entries = await trx
    .selectFrom('audit_log')
    .select(['id', 'transaction_id', 'hash'])
    .where(({ eb, refTuple, tuple }) =>
      eb(refTuple('transaction_id', 'id'), '>', tuple(after.transaction, after.entryId)),
    )
    .where('transaction_id', '<', horizon)
    .orderBy('transaction_id', 'asc')
    .orderBy('id', 'asc')
    .limit(maxEntries)
    .execute();
  if (entries.length === 0) return 0;

  const last = entries[entries.length - 1]!;
  const seal: SealFields = {
    // Truncated to the millisecond, as JavaScript reads it back.
    sealed_at: new Date(now.getTime()),
    after_transaction: after.transaction,
    after_entry_id: after.entryId,
    upto_transaction: last.transaction_id,
    upto_entry_id: last.id,
    entry_count: entries.length,
    entries: entries.map((entry) => [entry.id, entry.hash]),
    previous_hash: head?.hash ?? GENESIS_HASH,
  };
  await trx
    .insertInto('audit_seals')
    .values({ ...seal, entries: JSON.stringify(seal.entries), hash: sealHash(seal) })
    .execute();
  return entries.length;
}

/**
 * The oldest transaction that may still be in flight, anywhere on the server. Every transaction
 * below it has committed or rolled back, so the entries below it are all there will ever be.
 */
async function finishedBelow(trx: Transaction<Database>): Promise<number> {
  const { rows } = await sql<{
    horizon: string | number;
  }>`select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as horizon`.execute(trx);
  return Number(rows[0]!.horizon);
}

/**
 * Transaction ids only grow on one server, and pg_upgrade and replicas keep them. A logical restore
 * into a new server starts them again from low numbers: new entries would sort before sealed ones.
 */
export class TransactionIdsWentBackError extends Error {
  constructor(horizon: number, sealedUpTo: number) {
    super(
      `The audit log cannot be sealed: this server's transaction ids (${horizon}) are below those already sealed (${sealedUpTo}), ` +
        'as after restoring a dump into a new server. Stop the server and raise its epoch with pg_resetwal --epoch (docs/audit.md).',
    );
    this.name = 'TransactionIdsWentBackError';
  }
}
