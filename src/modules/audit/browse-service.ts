import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Actor } from '../../shared/actor.js';
import { auditScope } from '../identity/policy.js';
import { ForbiddenError } from '../../shared/errors.js';
import type { AuditFilters } from './schemas.js';
import type { AuditListEntry, AuditRepository } from './repository.js';
import { checkAnchors, findSealByHash, type AnchorCheck } from './anchor.js';
import { checkChain, type ChainCheck } from './check.js';
import { sealAuditLog } from './seal.js';
import { recordAudit } from './service.js';
import { countPages } from '../../shared/pagination.js';

export const ENTRIES_PER_PAGE = 50;
const BATCH_SIZE = 1_000;
const VERIFY_SEAL_PATIENCE_MS = 1_000;

export interface AuditServiceDependencies {
  db: Kysely<Database>;
  repository: AuditRepository;
  clock: () => Date;
  /** How many entries each query reads when exporting or checking; small in tests, to cross batches. */
  batchSize?: number;
}

const csvColumns = [
  { key: 'id', header: 'Entry ID' },
  { key: 'occurred_at', header: 'When (UTC)' },
  { key: 'actor_type', header: 'Actor type' },
  { key: 'actor_id', header: 'Actor ID' },
  { key: 'actor_label', header: 'Who' },
  { key: 'organisation_id', header: 'Organisation ID' },
  { key: 'organisation_name', header: 'Organisation' },
  { key: 'action', header: 'Action' },
  { key: 'record_type', header: 'Record type' },
  { key: 'record_id', header: 'Record ID' },
  { key: 'ip_address', header: 'From where' },
  { key: 'detail', header: 'Detail' },
  { key: 'previous_hash', header: 'Previous hash' },
  { key: 'hash', header: 'Hash' },
];

const plainNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula;
 * labels can hold what someone typed, so such cells are opened with an apostrophe (OWASP's advice).
 * The sign is looked for after NFKC normalisation, since spreadsheets read the full-width ＝ ＋ －
 * ＠ (and ﹦ and the like) as the same signs. A plain number (a negative longitude) is no formula and
 * is left alone, so it stays a number.
 */
export function neutraliseFormula(value: string): string {
  const normalised = value.normalize('NFKC');
  if (plainNumber.test(normalised)) return value;
  return /^[=+\-@\t\r]/.test(normalised) ? `'${value}` : value;
}

/** What the verify page shows: the chain, the anchors against it, and a hash looked up. */
export interface AuditVerification {
  chain: ChainCheck;
  /** Every published anchor, newest first, with what became of its seal. */
  anchors: AnchorCheck[];
  /** The anchors whose seal is gone or has another hash: each is tampering. */
  brokenAnchors: AnchorCheck[];
  /** The chain is whole and every anchor's seal is there with its published hash. */
  intact: boolean;
  lookup: { hash: string; seal: { id: number; sealedAt: Date } | null } | null;
}

/** Reading, exporting and checking the audit log. Who may see what is decided here, by auditScope. */
export function createAuditBrowseService({ db, repository, clock, batchSize = BATCH_SIZE }: AuditServiceDependencies) {
  /** An organisation's administrator sees only their organisation's entries, whatever they ask for. */
  function scoped(actor: Actor, filters: AuditFilters): AuditFilters {
    const { organisationId } = auditScope(actor);
    return organisationId === null ? filters : { ...filters, organisationId };
  }

  async function* newestFirst(filters: AuditFilters): AsyncGenerator<AuditListEntry> {
    let beforeId: number | null = null;
    for (;;) {
      const batch = await repository.batchBefore(filters, beforeId, batchSize);
      yield* batch;
      if (batch.length < batchSize) return;
      beforeId = batch[batch.length - 1].id;
    }
  }

  return {
    /** Whether this actor may choose an organisation to filter by (only one who sees them all). */
    seesEveryOrganisation: (actor: Actor) => auditScope(actor).organisationId === null,

    async browse(actor: Actor, filters: AuditFilters, page: number, ipAddress: string | null) {
      const effective = scoped(actor, filters);
      const total = await repository.count(effective);
      const pageCount = countPages(total, ENTRIES_PER_PAGE);
      const entries = await repository.page(effective, (page - 1) * ENTRIES_PER_PAGE, ENTRIES_PER_PAGE);
      // The log names people and where they were: reading it is itself a read of personal data.
      await recordAudit(
        db,
        { actor, action: 'read', recordType: 'audit_log', detail: { filters: effective, page }, ipAddress },
        clock(),
      );
      return { entries, total, page, pageCount };
    },

    /**
     * The filtered entries as CSV, newest first, read in batches as the response is sent. The export
     * is recorded before the first row leaves, so no copy of the log goes out unrecorded.
     */
    async exportCsv(actor: Actor, filters: AuditFilters, ipAddress: string | null): Promise<Readable> {
      const effective = scoped(actor, filters);
      await recordAudit(
        db,
        { actor, action: 'export', recordType: 'audit_log', detail: { filters: effective }, ipAddress },
        clock(),
      );
      const csv = stringify({
        header: true,
        columns: csvColumns,
        cast: {
          date: (value) => value.toISOString(),
          object: (value) => JSON.stringify(value),
          string: (value) => neutraliseFormula(value),
        },
      });
      // pipeline, not pipe: a failed query destroys the response instead of leaving it hanging.
      pipeline(Readable.from(newestFirst(effective)), csv, () => {});
      return csv;
    },

    /**
     * Seals what is ready, then checks every seal and every entry (checkChain), and every published
     * anchor against the seal it names (checkAnchors): a chain that is whole in itself may still
     * have lost its newest seals, or been rewritten from some point, which only the anchors show.
     * `hash`, from an anchor email, is looked up among the seals. Partnership administrators only,
     * as it reads every organisation's entries.
     */
    async verify(actor: Actor, ipAddress: string | null, options: { hash?: string } = {}): Promise<AuditVerification> {
      if (auditScope(actor).organisationId !== null) throw new ForbiddenError();
      // Without it, the check would call unsealed whatever was written since the worker's last run;
      // a moment's patience lets the transactions ending just now be sealed too.
      await sealAuditLog(db, clock, { patienceMs: VERIFY_SEAL_PATIENCE_MS });
      const chain = await checkChain(repository, batchSize);
      const anchors = await checkAnchors(db);
      const brokenAnchors = anchors.filter((anchor) => anchor.status !== 'found');
      const intact = chain.intact && brokenAnchors.length === 0;
      const found = options.hash ? await findSealByHash(db, options.hash) : undefined;
      const lookup = options.hash
        ? { hash: options.hash, seal: found ? { id: found.id, sealedAt: found.sealed_at } : null }
        : null;
      const detail = {
        ...chain,
        intact,
        anchors: {
          checked: anchors.length,
          broken: brokenAnchors.map(({ anchor, status }) => ({ anchor: anchor.id, seal: anchor.seal_id, status })),
        },
        ...(lookup ? { lookup: { hash: lookup.hash, seal: lookup.seal?.id ?? null } } : {}),
      };
      await recordAudit(db, { actor, action: 'verify', recordType: 'audit_log', detail, ipAddress }, clock());
      return { chain, anchors, brokenAnchors, intact, lookup };
    },
  };
}

export type AuditBrowseService = ReturnType<typeof createAuditBrowseService>;
