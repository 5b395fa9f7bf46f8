import type { AuditEntry, AuditRepository, AuditSeal } from './repository.js';
import { GENESIS_KEY, compareKeys, sealEnd, sealHash, sealStart, type SealKey } from './seal.js';
import { GENESIS_HASH, entryHash } from './service.js';

const BATCH_SIZE = 1_000;
/** Each seal carries up to 2,000 entry hashes, so seals are read a few at a time. */
const SEALS_PER_BATCH = 20;

/**
 * What is wrong with the first broken entry or seal:
 * - hash-mismatch: the entry's content no longer matches its own hash (changed);
 * - rehashed: it matches its hash, but its seal recorded another (changed and given a fresh hash);
 * - unlisted: it lies in a sealed range but its seal does not list it (added afterwards);
 * - missing: its seal lists it but it is gone (deleted);
 * - seal-mismatch: a seal's content no longer matches its hash;
 * - broken-link: a seal does not follow the one before it (a seal removed, or rewritten and rehashed).
 */
export type ChainBreakReason = 'hash-mismatch' | 'rehashed' | 'unlisted' | 'missing' | 'seal-mismatch' | 'broken-link';

/** The newest seal: its hash, kept outside the database, later shows whether seals were rewritten. */
export interface SealHead {
  id: number;
  sealedAt: Date;
  hash: string;
}

export type ChainCheck =
  | {
      intact: true;
      /** Entries checked, the unsealed among them. */
      checked: number;
      /** Entries too new to be sealed yet, checked against their own hash only. */
      unsealed: number;
      seals: number;
      head: SealHead | null;
    }
  | {
      intact: false;
      /** Entries that checked out before the break. */
      checked: number;
      brokenEntryId: number | null;
      brokenSealId: number | null;
      reason: ChainBreakReason;
    };

type Broken = Extract<ChainCheck, { intact: false }>;

const entryKey = (entry: AuditEntry): SealKey => ({ transaction: entry.transaction_id, entryId: entry.id });

/** Reads entries in sealing order, a batch at a time, letting the walk look at the next before taking it. */
function entryCursor(repository: Pick<AuditRepository, 'entriesAfter'>, batchSize: number) {
  let batch: AuditEntry[] = [];
  let index = 0;
  let after: SealKey | null = null;
  let exhausted = false;
  return {
    async peek(): Promise<AuditEntry | undefined> {
      if (index < batch.length) return batch[index];
      if (exhausted) return undefined;
      batch = await repository.entriesAfter(after, batchSize);
      index = 0;
      exhausted = batch.length < batchSize;
      if (batch.length > 0) after = entryKey(batch[batch.length - 1]!);
      return batch[0];
    },
    take(): void {
      index += 1;
    },
  };
}

async function* sealsInOrder(
  repository: Pick<AuditRepository, 'sealsAfter'>,
  batchSize: number,
): AsyncGenerator<AuditSeal> {
  let afterId = 0;
  for (;;) {
    const batch = await repository.sealsAfter(afterId, batchSize);
    yield* batch;
    if (batch.length < batchSize) return;
    afterId = batch[batch.length - 1]!.id;
  }
}

/** Whether a seal is whole and follows the one before it. */
function sealBreak(seal: AuditSeal, previousHash: string, previousEnd: SealKey): ChainBreakReason | null {
  if (sealHash(seal) !== seal.hash) return 'seal-mismatch';
  if (seal.previous_hash !== previousHash || compareKeys(sealStart(seal), previousEnd) !== 0) return 'broken-link';
  return null;
}

/**
 * A seal's list, read alongside the entries of its range, both in sealing order: an entry listed
 * further on than expected means the ones expected before it are gone.
 */
function sealedList(seal: AuditSeal) {
  const positions = new Map(seal.entries.map(([id], index) => [id, index]));
  let expected = 0;
  return {
    /** What is wrong with the next entry of the range, if anything: the first gap is named first. */
    breakAt(entry: AuditEntry): { reason: ChainBreakReason; entryId: number } | null {
      const position = positions.get(entry.id);
      if (position !== undefined && position > expected)
        return { reason: 'missing', entryId: seal.entries[expected]![0] };
      if (entryHash(entry) !== entry.hash) return { reason: 'hash-mismatch', entryId: entry.id };
      if (position === undefined) return { reason: 'unlisted', entryId: entry.id };
      if (seal.entries[position]![1] !== entry.hash) return { reason: 'rehashed', entryId: entry.id };
      expected = position + 1;
      return null;
    },
    /** The first listed entry never seen: deleted from the end of the range. */
    firstUnseen: (): number | undefined => seal.entries[expected]?.[0],
  };
}

/**
 * Walks the seals in order and, beside them, every entry in sealing order. Each seal must match its
 * hash and follow the one before; each entry in its range must match its own hash and be listed in
 * it with that hash; each entry listed must exist. Entries after the newest seal are checked against
 * their own hash. Stops at the first break and names it. It reads the log and nothing else.
 */
export async function checkChain(
  repository: Pick<AuditRepository, 'entriesAfter' | 'sealsAfter'>,
  batchSize = BATCH_SIZE,
  sealBatchSize = SEALS_PER_BATCH,
): Promise<ChainCheck> {
  const entries = entryCursor(repository, batchSize);
  let checked = 0;
  let seals = 0;
  let previous: { hash: string; end: SealKey; head: SealHead | null } = {
    hash: GENESIS_HASH,
    end: GENESIS_KEY,
    head: null,
  };
  const broken = (reason: ChainBreakReason, where: { entry?: number; seal?: number }): Broken => ({
    intact: false,
    checked,
    brokenEntryId: where.entry ?? null,
    brokenSealId: where.seal ?? null,
    reason,
  });

  for await (const seal of sealsInOrder(repository, sealBatchSize)) {
    const wrongSeal = sealBreak(seal, previous.hash, previous.end);
    if (wrongSeal) return broken(wrongSeal, { seal: seal.id });
    const listed = sealedList(seal);
    const end = sealEnd(seal);
    for (
      let entry = await entries.peek();
      entry && compareKeys(entryKey(entry), end) <= 0;
      entry = await entries.peek()
    ) {
      const wrongEntry = listed.breakAt(entry);
      if (wrongEntry) return broken(wrongEntry.reason, { entry: wrongEntry.entryId, seal: seal.id });
      checked += 1;
      entries.take();
    }
    const missing = listed.firstUnseen();
    if (missing !== undefined) return broken('missing', { entry: missing, seal: seal.id });
    seals += 1;
    previous = { hash: seal.hash, end, head: { id: seal.id, sealedAt: seal.sealed_at, hash: seal.hash } };
  }

  let unsealed = 0;
  for (let entry = await entries.peek(); entry; entry = await entries.peek()) {
    if (entryHash(entry) !== entry.hash) return broken('hash-mismatch', { entry: entry.id });
    unsealed += 1;
    checked += 1;
    entries.take();
  }
  return { intact: true, checked, unsealed, seals, head: previous.head };
}
