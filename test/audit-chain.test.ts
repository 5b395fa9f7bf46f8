import { Migrator, sql, type Kysely, type Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createPglite, kyselyOverPglite, openDatabase } from '../src/db/database.js';
import { migrateToLatest, migrations } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { checkChain } from '../src/modules/audit/check.js';
import { createAuditRepository } from '../src/modules/audit/repository.js';
import { AUDIT_SEAL_LOCK, GENESIS_KEY, sealAuditLog, sealHash } from '../src/modules/audit/seal.js';
import { GENESIS_HASH, entryHash, recordAudit, type AuditEvent } from '../src/modules/audit/service.js';
import type { StaffActor } from '../src/shared/actor.js';
import { startWorker } from '../src/worker/start.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { testConfig, useTestApp } from './support/app.js';
import { adminConnection, databaseUrlFor } from './support/postgres.js';

const context = useTestApp();
const clock = () => new Date();
const onlyOnPostgres = 'PGlite has one connection, so two of its transactions are never open at once';

const officer = (organisation: number): StaffActor => ({
  kind: 'staff',
  staffId: 9001,
  name: 'Olive Officer',
  email: 'olive@test.example',
  organisationId: organisation,
  organisationName: 'Test Council',
  roles: ['service_officer'],
});

/** The whole log, in id order. */
const allEntries = (db: Kysely<Database>) => db.selectFrom('audit_log').selectAll().orderBy('id').execute();
const allSeals = (db: Kysely<Database>) => db.selectFrom('audit_seals').selectAll().orderBy('id').execute();
const check = (db: Kysely<Database>, batchSize?: number, sealBatchSize?: number) =>
  checkChain(createAuditRepository(db), batchSize, sealBatchSize);

type Entry = Awaited<ReturnType<typeof allEntries>>[number];
type Seal = Awaited<ReturnType<typeof allSeals>>[number];

/**
 * Seals until nothing is left unsealed. On PostgreSQL a transaction anywhere on the server (another
 * test run's) can hold sealing back for a moment, so it tries again rather than once.
 */
async function sealEverything(db: Kysely<Database>, options: { maxEntries?: number } = {}) {
  await expect
    .poll(
      async () => {
        await sealAuditLog(db, clock, options);
        return check(db);
      },
      { timeout: 10_000, interval: 50 },
    )
    .toMatchObject({ intact: true, unsealed: 0 });
}

/**
 * Tampering as someone with the database's own rights would: the append-only trigger is switched
 * off and on again inside one transaction, so it is never off for anything else.
 */
async function tamper(
  db: Kysely<Database>,
  table: 'audit_log' | 'audit_seals',
  change: (trx: Transaction<Database>) => Promise<unknown>,
) {
  await db.transaction().execute(async (trx) => {
    await sql`alter table ${sql.table(table)} disable trigger ${sql.id(`${table}_append_only`)}`.execute(trx);
    await change(trx);
    await sql`alter table ${sql.table(table)} enable trigger ${sql.id(`${table}_append_only`)}`.execute(trx);
  });
}

/** Puts a deleted entry back exactly as it was, id and transaction included. */
async function reinsert(db: Kysely<Database>, entry: Entry) {
  await sql`
    insert into audit_log (id, occurred_at, actor_type, actor_id, actor_label, organisation_id, action, record_type, record_id, detail, ip_address, previous_hash, hash, transaction_id)
    overriding system value
    values (${entry.id}, ${entry.occurred_at}, ${entry.actor_type}, ${entry.actor_id}, ${entry.actor_label}, ${entry.organisation_id}, ${entry.action},
            ${entry.record_type}, ${entry.record_id}, ${JSON.stringify(entry.detail)}, ${entry.ip_address}, ${entry.previous_hash}, ${entry.hash}, ${entry.transaction_id})`.execute(
    db,
  );
}

/** Puts a deleted seal back exactly as it was. */
async function reinsertSeal(db: Kysely<Database>, seal: Seal) {
  await sql`
    insert into audit_seals (id, sealed_at, after_transaction, after_entry_id, upto_transaction, upto_entry_id, entry_count, entries, previous_hash, hash)
    overriding system value
    values (${seal.id}, ${seal.sealed_at}, ${seal.after_transaction}, ${seal.after_entry_id}, ${seal.upto_transaction}, ${seal.upto_entry_id},
            ${seal.entry_count}, ${JSON.stringify(seal.entries)}, ${seal.previous_hash}, ${seal.hash})`.execute(db);
}

/** The seal that lists an entry. */
async function sealOf(db: Kysely<Database>, entryId: number): Promise<Seal> {
  const seal = (await allSeals(db)).find((candidate) => candidate.entries.some(([id]) => id === entryId));
  if (!seal) throw new Error(`entry ${entryId} is in no seal`);
  return seal;
}

async function appendMany(db: Kysely<Database>, count: number, organisation: number) {
  const start = Date.UTC(2026, 2, 1, 9, 0, 0, 123);
  const actors: AuditEvent['actor'][] = [
    officer(organisation),
    { kind: 'system', label: 'nightly retention job' },
    { kind: 'api_client', id: 4, label: 'Open311 client “Fix My Street”' },
    { kind: 'citizen', citizenId: 12, name: 'Zoë Çitizen', email: 'zoe@test.example' },
  ];
  for (let index = 0; index < count; index++) {
    await recordAudit(
      db,
      {
        actor: actors[index % actors.length]!,
        action: ['read', 'create', 'update', 'delete'][index % 4]!,
        recordType: 'chain-test',
        recordId: index % 3 === 0 ? null : index,
        // Keys out of order and nested, so the hash must not depend on how jsonb orders them.
        detail: { zeta: index, alpha: { nested: [1, 'two', null], b: true, a: 1.5 }, text: 'café – ünïcode' },
        ipAddress: index % 2 ? '192.0.2.7' : null,
      },
      new Date(start + index * 61_000),
    );
  }
}

/** A promise and the function that settles it, to hold a transaction open until a test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const within = <T>(ms: number, promise: Promise<T>) =>
  Promise.race([
    promise.then(() => 'done' as const),
    new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms)),
  ]);

describe('appending and sealing', () => {
  it('appends entries that hold their own hash and their transaction, linked to nothing', async () => {
    const db = context.database.db;
    await appendMany(db, 60, await organisationId(db, 'E10000007'));
    const entries = await allEntries(db);
    expect(entries).toHaveLength(60);
    for (const entry of entries) {
      expect(entry.previous_hash).toBeNull();
      expect(entry.hash).toBe(entryHash(entry));
      expect(entry.transaction_id).toBeGreaterThan(0);
    }
    // Written one after another, each in a transaction of its own.
    expect(new Set(entries.map((entry) => entry.transaction_id)).size).toBe(60);
    expect(await check(db, 7)).toEqual({ intact: true, checked: 60, unsealed: 60, seals: 0, head: null });
  });

  it('seals every finished entry exactly once, in seals that follow each other, across query batches', async () => {
    const db = context.database.db;
    await sealEverything(db, { maxEntries: 7 });
    const [entries, seals] = [await allEntries(db), await allSeals(db)];
    expect(seals.length).toBeGreaterThanOrEqual(Math.ceil(60 / 7));
    expect(seals.flatMap((seal) => seal.entries)).toEqual(entries.map((entry) => [entry.id, entry.hash]));
    seals.forEach((seal, index) => {
      const before = seals[index - 1];
      expect(seal.entry_count).toBe(seal.entries.length);
      expect(seal.entry_count).toBeLessThanOrEqual(7);
      expect(seal.hash).toBe(sealHash(seal));
      expect(seal.previous_hash).toBe(before?.hash ?? GENESIS_HASH);
      expect([seal.after_transaction, seal.after_entry_id]).toEqual(
        before ? [before.upto_transaction, before.upto_entry_id] : [GENESIS_KEY.transaction, GENESIS_KEY.entryId],
      );
    });
    const head = seals.at(-1)!;
    const expected = {
      intact: true,
      checked: 60,
      unsealed: 0,
      seals: seals.length,
      head: { id: head.id, sealedAt: head.sealed_at, hash: head.hash },
    };
    expect(await check(db, 7, 2)).toEqual(expected);
    expect(await check(db)).toEqual(expected);
    // Nothing new, nothing sealed: an empty range writes no seal.
    expect(await sealAuditLog(db, clock)).toEqual({ seals: 0, entries: 0, skipped: false, pending: false });
    expect(await allSeals(db)).toHaveLength(seals.length);
  });

  it('verifies entries whose detail holds undefined values, dates and keys of mixed case', async () => {
    const db = context.database.db;
    const county = await organisationId(db, 'E10000007');
    // jsonb drops undefined values and turns a Date into text: the hash must be of what is stored.
    const detail = {
      missing: undefined,
      when: new Date('2026-05-01T10:00:00Z'),
      Zed: 1,
      alpha: [undefined, 2],
      a_b: { B: 1, a: 2 },
    };
    await recordAudit(
      db,
      { actor: officer(county), action: 'update', recordType: 'chain-test', recordId: 'odd-detail', detail },
      new Date(),
    );
    const stored = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('record_id', '=', 'odd-detail')
      .executeTakeFirstOrThrow();
    expect(stored.detail).toEqual({ when: '2026-05-01T10:00:00.000Z', Zed: 1, alpha: [null, 2], a_b: { B: 1, a: 2 } });
    expect(await check(db)).toMatchObject({ intact: true, unsealed: 1 });
    await sealEverything(db);
  });
});

describe('tampering with sealed entries', () => {
  it('names the entry whose field was changed: hash mismatch', async () => {
    const db = context.database.db;
    const entries = await allEntries(db);
    const target = entries[20]!;
    const seal = await sealOf(db, target.id);

    await tamper(db, 'audit_log', (trx) =>
      trx.updateTable('audit_log').set({ actor_label: 'someone innocent' }).where('id', '=', target.id).execute(),
    );
    expect(await check(db, 7)).toEqual({
      intact: false,
      checked: 20,
      brokenEntryId: target.id,
      brokenSealId: seal.id,
      reason: 'hash-mismatch',
    });

    await tamper(db, 'audit_log', (trx) =>
      trx.updateTable('audit_log').set({ actor_label: target.actor_label }).where('id', '=', target.id).execute(),
    );
    expect(await check(db, 7)).toMatchObject({ intact: true, checked: entries.length });
  });

  it('names the entry whose detail was changed, even by one number', async () => {
    const db = context.database.db;
    const target = (await allEntries(db))[33]!;

    const altered = { ...(target.detail as Record<string, unknown>), zeta: 999 };
    await tamper(db, 'audit_log', (trx) =>
      trx
        .updateTable('audit_log')
        .set({ detail: JSON.stringify(altered) })
        .where('id', '=', target.id)
        .execute(),
    );
    expect(await check(db)).toMatchObject({ intact: false, brokenEntryId: target.id, reason: 'hash-mismatch' });

    await tamper(db, 'audit_log', (trx) =>
      trx
        .updateTable('audit_log')
        .set({ detail: JSON.stringify(target.detail) })
        .where('id', '=', target.id)
        .execute(),
    );
    expect(await check(db)).toMatchObject({ intact: true });
  });

  it('names the entry that was changed and given a fresh hash: its seal recorded another', async () => {
    const db = context.database.db;
    const target = (await allEntries(db))[10]!;
    const seal = await sealOf(db, target.id);

    // A careful forger recomputes the hash of what they changed; the seal still holds the old one.
    const forgedHash = entryHash({ ...target, action: 'read' });
    await tamper(db, 'audit_log', (trx) =>
      trx.updateTable('audit_log').set({ action: 'read', hash: forgedHash }).where('id', '=', target.id).execute(),
    );
    expect(await check(db, 7)).toEqual({
      intact: false,
      checked: 10,
      brokenEntryId: target.id,
      brokenSealId: seal.id,
      reason: 'rehashed',
    });

    await tamper(db, 'audit_log', (trx) =>
      trx
        .updateTable('audit_log')
        .set({ action: target.action, hash: target.hash })
        .where('id', '=', target.id)
        .execute(),
    );
    expect(await check(db, 7)).toMatchObject({ intact: true });
  });

  it('names a deleted entry: missing', async () => {
    const db = context.database.db;
    const entries = await allEntries(db);
    const deleted = entries[40]!;
    const seal = await sealOf(db, deleted.id);

    await tamper(db, 'audit_log', (trx) => trx.deleteFrom('audit_log').where('id', '=', deleted.id).execute());
    expect(await check(db, 7)).toEqual({
      intact: false,
      checked: 40,
      brokenEntryId: deleted.id,
      brokenSealId: seal.id,
      reason: 'missing',
    });

    await reinsert(db, deleted);
    expect(await check(db, 7)).toMatchObject({ intact: true, checked: entries.length });
  });

  it('names the first entry when it is deleted, and the last of a seal', async () => {
    const db = context.database.db;
    const entries = await allEntries(db);
    const first = entries[0]!;

    await tamper(db, 'audit_log', (trx) => trx.deleteFrom('audit_log').where('id', '=', first.id).execute());
    expect(await check(db)).toMatchObject({ intact: false, checked: 0, brokenEntryId: first.id, reason: 'missing' });
    await reinsert(db, first);

    // The end of a range has no entry after it in the same seal to notice the gap.
    const seal = (await allSeals(db))[1]!;
    const [lastId] = seal.entries.at(-1)!;
    const last = entries.find((entry) => entry.id === lastId)!;
    await tamper(db, 'audit_log', (trx) => trx.deleteFrom('audit_log').where('id', '=', last.id).execute());
    expect(await check(db, 7)).toMatchObject({
      intact: false,
      brokenEntryId: last.id,
      brokenSealId: seal.id,
      reason: 'missing',
    });
    await reinsert(db, last);
    expect(await check(db)).toMatchObject({ intact: true });
  });

  it('names an entry added inside a sealed range, however well its hash is made: unlisted', async () => {
    const db = context.database.db;
    const neighbour = (await allEntries(db))[30]!;
    const seal = await sealOf(db, neighbour.id);

    // Inserting needs no switched-off trigger: back-dated into a sealed transaction, with a true hash.
    const { id: _id, hash: _hash, ...fields } = neighbour;
    const forged = { ...fields, actor_label: 'an alibi' };
    const { id } = await db
      .insertInto('audit_log')
      .values({ ...forged, detail: JSON.stringify(forged.detail), hash: entryHash(forged) })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await check(db, 7)).toMatchObject({
      intact: false,
      brokenEntryId: id,
      brokenSealId: seal.id,
      reason: 'unlisted',
    });

    await tamper(db, 'audit_log', (trx) => trx.deleteFrom('audit_log').where('id', '=', id).execute());
    expect(await check(db)).toMatchObject({ intact: true });
  });

  it('names an entry moved out of its sealed range: missing from that seal', async () => {
    const db = context.database.db;
    const target = (await allEntries(db))[5]!;
    const seal = await sealOf(db, target.id);

    await tamper(db, 'audit_log', (trx) =>
      trx
        .updateTable('audit_log')
        .set({ transaction_id: Number.MAX_SAFE_INTEGER })
        .where('id', '=', target.id)
        .execute(),
    );
    expect(await check(db)).toMatchObject({
      intact: false,
      brokenEntryId: target.id,
      brokenSealId: seal.id,
      reason: 'missing',
    });
    await tamper(db, 'audit_log', (trx) =>
      trx.updateTable('audit_log').set({ transaction_id: target.transaction_id }).where('id', '=', target.id).execute(),
    );
    expect(await check(db)).toMatchObject({ intact: true });
  });

  it('names an unsealed entry whose content was changed', async () => {
    const db = context.database.db;
    await recordAudit(
      db,
      { actor: { kind: 'system', label: 'not sealed yet' }, action: 'read', recordType: 'chain-test' },
      new Date(),
    );
    const target = (await allEntries(db)).at(-1)!;
    await tamper(db, 'audit_log', (trx) =>
      trx.updateTable('audit_log').set({ actor_label: 'someone else' }).where('id', '=', target.id).execute(),
    );
    expect(await check(db)).toMatchObject({
      intact: false,
      brokenEntryId: target.id,
      brokenSealId: null,
      reason: 'hash-mismatch',
    });
    await tamper(db, 'audit_log', (trx) =>
      trx.updateTable('audit_log').set({ actor_label: target.actor_label }).where('id', '=', target.id).execute(),
    );
    expect(await check(db)).toMatchObject({ intact: true, unsealed: 1 });
    await sealEverything(db);
  });
});

describe('tampering with seals', () => {
  it('names a seal whose content was changed: seal mismatch', async () => {
    const db = context.database.db;
    const seal = (await allSeals(db))[3]!;
    const shortened = seal.entries.slice(1);
    await tamper(db, 'audit_seals', (trx) =>
      trx
        .updateTable('audit_seals')
        .set({ entries: sql`${JSON.stringify(shortened)}::jsonb` })
        .where('id', '=', seal.id)
        .execute(),
    );
    expect(await check(db)).toMatchObject({
      intact: false,
      brokenEntryId: null,
      brokenSealId: seal.id,
      reason: 'seal-mismatch',
    });
    await tamper(db, 'audit_seals', (trx) =>
      trx
        .updateTable('audit_seals')
        .set({ entries: sql`${JSON.stringify(seal.entries)}::jsonb` })
        .where('id', '=', seal.id)
        .execute(),
    );
    expect(await check(db)).toMatchObject({ intact: true });
  });

  it('names the seal after one that was rewritten with a fresh hash to hide a deletion: broken link', async () => {
    const db = context.database.db;
    const [seal, next] = (await allSeals(db)).slice(2, 4) as [Seal, Seal];
    const [hiddenId] = seal.entries[1]!;
    const hidden = (await allEntries(db)).find((entry) => entry.id === hiddenId)!;

    // The forger deletes an entry and reseals its range without it: that seal checks out on its own.
    const entries = seal.entries.filter(([id]) => id !== hiddenId);
    const forged = { ...seal, entries, entry_count: entries.length };
    await tamper(db, 'audit_log', (trx) => trx.deleteFrom('audit_log').where('id', '=', hiddenId).execute());
    await tamper(db, 'audit_seals', (trx) =>
      trx
        .updateTable('audit_seals')
        .set({ entries: sql`${JSON.stringify(entries)}::jsonb`, entry_count: entries.length, hash: sealHash(forged) })
        .where('id', '=', seal.id)
        .execute(),
    );
    expect(await check(db)).toMatchObject({
      intact: false,
      brokenEntryId: null,
      brokenSealId: next.id,
      reason: 'broken-link',
    });

    await tamper(db, 'audit_seals', (trx) =>
      trx
        .updateTable('audit_seals')
        .set({ entries: sql`${JSON.stringify(seal.entries)}::jsonb`, entry_count: seal.entry_count, hash: seal.hash })
        .where('id', '=', seal.id)
        .execute(),
    );
    await reinsert(db, hidden);
    expect(await check(db)).toMatchObject({ intact: true });
  });

  it('names the seal after a deleted one: broken link', async () => {
    const db = context.database.db;
    const [deleted, next] = (await allSeals(db)).slice(4, 6) as [Seal, Seal];
    await tamper(db, 'audit_seals', (trx) => trx.deleteFrom('audit_seals').where('id', '=', deleted.id).execute());
    expect(await check(db, 7, 2)).toMatchObject({
      intact: false,
      brokenEntryId: null,
      brokenSealId: next.id,
      reason: 'broken-link',
    });
    await reinsertSeal(db, deleted);
    expect(await check(db, 7, 2)).toMatchObject({ intact: true });
  });

  it('cannot see the newest seal deleted on its own, which is why its hash is to be kept elsewhere', async () => {
    const db = context.database.db;
    const seals = await allSeals(db);
    const head = seals.at(-1)!;
    await tamper(db, 'audit_seals', (trx) => trx.deleteFrom('audit_seals').where('id', '=', head.id).execute());
    // Its entries are back to unsealed, and the head is the seal before: only a published head shows it.
    expect(await check(db)).toMatchObject({ intact: true, unsealed: head.entry_count, head: { id: seals.at(-2)!.id } });
    await reinsertSeal(db, head);
    expect(await check(db)).toMatchObject({ intact: true, unsealed: 0, head: { id: head.id, hash: head.hash } });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries and seals in the database itself', async () => {
    const db = context.database.db;
    const [entries, seals] = [await allEntries(db), await allSeals(db)];
    const id = entries[5]!.id;
    await expect(
      db.updateTable('audit_log').set({ actor_label: 'rewritten' }).where('id', '=', id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').where('id', '=', id).execute()).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(
      db.updateTable('audit_seals').set({ hash: GENESIS_HASH }).where('id', '=', seals[0]!.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_seals').where('id', '=', seals[0]!.id).execute()).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_seals`.execute(db)).rejects.toThrow(/append-only/);
    expect(await allEntries(db)).toEqual(entries);
    expect(await allSeals(db)).toEqual(seals);
  });
});

describe('many writers at once', () => {
  it('seals exactly once each of 20 entries appended at once while sealers run beside them', async () => {
    const db = context.database.db;
    const county = await organisationId(db, 'E10000007');
    const before = (await allEntries(db)).length;
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, index) =>
        recordAudit(
          db,
          { actor: officer(county), action: 'read', recordType: 'concurrent', recordId: index },
          new Date(),
        ),
      ),
      ...Array.from({ length: 3 }, () => sealAuditLog(db, clock)),
    ]);
    expect(results).toHaveLength(23);
    await sealEverything(db);
    const [entries, seals] = [await allEntries(db), await allSeals(db)];
    expect(entries).toHaveLength(before + 20);
    const sealedIds = seals.flatMap((seal) => seal.entries.map(([id]) => id));
    expect(sealedIds.sort((a, b) => a - b)).toEqual(entries.map((entry) => entry.id));
    expect(await check(db, 7)).toMatchObject({ intact: true, checked: entries.length, unsealed: 0 });
  });

  it('lets an append go ahead while another transaction that appended is still open', async (test) => {
    test.skip(context.database.kind === 'pglite', onlyOnPostgres);
    const db = context.database.db;
    const [held, appended] = [gate(), gate()];
    const first = db.transaction().execute(async (trx) => {
      await recordAudit(
        trx,
        { actor: { kind: 'system', label: 'slow change' }, action: 'update', recordType: 'concurrent', recordId: 'A' },
        new Date(),
      );
      appended.open();
      await held.opened;
    });
    await appended.opened;
    try {
      // Under one global lock this waits until the first transaction commits.
      const second = recordAudit(
        db,
        { actor: { kind: 'system', label: 'quick read' }, action: 'read', recordType: 'concurrent', recordId: 'B' },
        new Date(),
      );
      expect(await within(5_000, second)).toBe('done');
      const inTransaction = db.transaction().execute((trx) =>
        recordAudit(
          trx,
          {
            actor: { kind: 'system', label: 'quick change' },
            action: 'update',
            recordType: 'concurrent',
            recordId: 'C',
          },
          new Date(),
        ),
      );
      expect(await within(5_000, inTransaction)).toBe('done');
    } finally {
      held.open();
      await first;
    }
    await sealEverything(db);
  });

  it('seals an entry committed late by a long transaction in a later seal, and loses nothing', async (test) => {
    test.skip(context.database.kind === 'pglite', onlyOnPostgres);
    const db = context.database.db;
    const [held, appended] = [gate(), gate()];
    const long = db.transaction().execute(async (trx) => {
      await recordAudit(
        trx,
        {
          actor: { kind: 'system', label: 'long transaction' },
          action: 'update',
          recordType: 'late',
          recordId: 'long',
        },
        new Date(),
      );
      appended.open();
      await held.opened;
    });
    await appended.opened;
    const sealsBefore = (await allSeals(db)).length;
    try {
      // Committed after the long one began, with a higher id than its entry.
      await recordAudit(
        db,
        {
          actor: { kind: 'system', label: 'short transaction' },
          action: 'read',
          recordType: 'late',
          recordId: 'short',
        },
        new Date(),
      );
      // Sealing stops short of the open transaction, so nothing after it is sealed either.
      expect(await sealAuditLog(db, clock)).toMatchObject({ pending: true });
      const short = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('record_type', '=', 'late')
        .executeTakeFirstOrThrow();
      expect((await allSeals(db)).flatMap((seal) => seal.entries.map(([id]) => id))).not.toContain(short.id);
      expect(await check(db)).toMatchObject({ intact: true, unsealed: 1 });
    } finally {
      held.open();
      await long;
    }
    await sealEverything(db);
    const late = await db.selectFrom('audit_log').selectAll().where('record_type', '=', 'late').orderBy('id').execute();
    expect(late.map((entry) => entry.record_id)).toEqual(['long', 'short']);
    const seals = await allSeals(db);
    for (const entry of late) {
      const sealed = seals.filter((seal) => seal.entries.some(([id]) => id === entry.id));
      expect(sealed).toHaveLength(1);
      expect(seals.indexOf(sealed[0]!)).toBeGreaterThanOrEqual(sealsBefore);
    }
    expect(await check(db)).toMatchObject({ intact: true, unsealed: 0 });
  });

  it('leaves sealing to the sealer already at work', async (test) => {
    test.skip(context.database.kind === 'pglite', onlyOnPostgres);
    const db = context.database.db;
    await recordAudit(
      db,
      { actor: { kind: 'system', label: 'waits for the other sealer' }, action: 'read', recordType: 'concurrent' },
      new Date(),
    );
    const held = gate();
    const locked = gate();
    const other = db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${AUDIT_SEAL_LOCK})`.execute(trx);
      locked.open();
      await held.opened;
    });
    await locked.opened;
    try {
      expect(await sealAuditLog(db, clock)).toEqual({ seals: 0, entries: 0, skipped: true, pending: true });
    } finally {
      held.open();
      await other;
    }
    await sealEverything(db);
  });

  it('is sealed by the worker every few seconds without SMTP, and once more as the worker stops', async () => {
    const db = context.database.db;
    const log = { info() {}, warn() {}, error() {} };
    await recordAudit(
      db,
      { actor: { kind: 'system', label: 'sealed by the loop' }, action: 'read', recordType: 'worker' },
      new Date(),
    );
    const looping = startWorker({ config: testConfig({ smtpUrl: undefined }), db, log, clock, intervalMs: 50 });
    try {
      await expect.poll(() => check(db), { timeout: 10_000 }).toMatchObject({ intact: true, unsealed: 0 });
    } finally {
      await looping.stop();
    }

    // An hour between runs: only the seal made on stopping can seal what comes after the first run.
    const stopping = startWorker({ config: testConfig({ smtpUrl: undefined }), db, log, clock, intervalMs: 3_600_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await recordAudit(
      db,
      { actor: { kind: 'system', label: 'sealed on stopping' }, action: 'read', recordType: 'worker' },
      new Date(),
    );
    await stopping.stop();
    expect(await check(db)).toMatchObject({ intact: true, unsealed: 0 });
  });
});

describe('entries written before the log was sealed', () => {
  /** An empty database of its own, for migrating step by step. */
  async function freshDatabase(): Promise<{ db: Kysely<Database>; destroy: () => Promise<void> }> {
    if (context.database.kind === 'pglite') {
      const db = kyselyOverPglite(await createPglite());
      return { db, destroy: () => db.destroy() };
    }
    const url = process.env.DATABASE_URL!;
    const name = `shirehall_test_migration_${Date.now().toString(36)}`;
    const admin = adminConnection(url);
    await admin.query(`create database ${name}`);
    const db = await openDatabase({ kind: 'postgres', url: databaseUrlFor(url, name) });
    return {
      db,
      async destroy() {
        await db.destroy();
        await admin.query(`drop database if exists ${name}`);
        await admin.end();
      },
    };
  }

  /** The append of migration 0012's day: a global lock, and a link to the newest entry. */
  async function appendChained(db: Kysely<Database>, label: string) {
    await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(7341001)`.execute(trx);
      const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
      const fields = {
        occurred_at: new Date(),
        actor_type: 'system' as const,
        actor_id: null,
        actor_label: label,
        organisation_id: null,
        action: 'read',
        record_type: 'before-sealing',
        record_id: null,
        detail: {},
        ip_address: null,
        previous_hash: last?.hash ?? GENESIS_HASH,
      };
      await trx
        .insertInto('audit_log')
        .values({ ...fields, detail: '{}', hash: entryHash(fields) })
        .execute();
    });
  }

  it('gives them the migration’s transaction, keeps their links, and seals them with the first seals', async () => {
    const fresh = await freshDatabase();
    try {
      const { db } = fresh;
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0013'));
      const migrated = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
      expect(migrated.error).toBeUndefined();
      for (const label of ['first', 'second', 'third']) await appendChained(db, label);
      await migrateToLatest(db);

      const old = await allEntries(db);
      expect(new Set(old.map((entry) => entry.transaction_id)).size).toBe(1);
      expect(old[1]!.previous_hash).toBe(old[0]!.hash);
      await recordAudit(
        db,
        { actor: { kind: 'system', label: 'after' }, action: 'read', recordType: 'after-sealing' },
        new Date(),
      );
      await sealEverything(db, { maxEntries: 2 });
      const seals = await allSeals(db);
      expect(seals[0]!.entries).toEqual(old.slice(0, 2).map((entry) => [entry.id, entry.hash]));
      expect(seals.flatMap((seal) => seal.entries)).toHaveLength(4);
      expect(await check(db)).toMatchObject({ intact: true, checked: 4, unsealed: 0 });

      await tamper(db, 'audit_log', (trx) =>
        trx.updateTable('audit_log').set({ actor_label: 'changed' }).where('id', '=', old[1]!.id).execute(),
      );
      expect(await check(db)).toMatchObject({ intact: false, brokenEntryId: old[1]!.id, reason: 'hash-mismatch' });
    } finally {
      await fresh.destroy();
    }
  }, 60_000);
});

describe('the verify page', () => {
  it('says so, shows the newest seal, and names the broken entry after tampering', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, {
      organisationId: await organisationId(db, 'E10000007'),
      roles: ['partnership_admin'],
    });
    const count = (await allEntries(db)).length;

    const intact = await client.get('/staff/audit/verify');
    expect(intact.statusCode).toBe(200);
    expect(intact.body).toContain(`The audit log is intact: ${count} entries checked`);
    // It seals first, so the sign-in just written is sealed too, and the head shown is the newest.
    const head = (await allSeals(db)).at(-1)!;
    expect(head.entries.map(([id]) => id)).toContain((await allEntries(db)).at(-2)!.id);
    expect(intact.body).toContain(`<code class="govuk-!-text-break-word">${head.hash}</code>`);

    // The check is itself recorded, with its result.
    const recorded = await db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(recorded).toMatchObject({
      action: 'verify',
      record_type: 'audit_log',
      detail: { intact: true, checked: count, head: { id: head.id, hash: head.hash } },
    });

    const target = (await allEntries(db))[15]!;
    await tamper(db, 'audit_log', (trx) =>
      trx.updateTable('audit_log').set({ ip_address: '203.0.113.9' }).where('id', '=', target.id).execute(),
    );
    const broken = await client.get('/staff/audit/verify');
    expect(broken.statusCode).toBe(200);
    expect(broken.body).toContain(`The first broken entry is entry ${target.id}, with a hash mismatch`);
    expect(broken.body).not.toContain('The audit log is intact');
    await tamper(db, 'audit_log', (trx) =>
      trx.updateTable('audit_log').set({ ip_address: target.ip_address }).where('id', '=', target.id).execute(),
    );

    const deleted = (await allEntries(db))[25]!;
    const seal = await sealOf(db, deleted.id);
    await tamper(db, 'audit_log', (trx) => trx.deleteFrom('audit_log').where('id', '=', deleted.id).execute());
    const missing = await client.get('/staff/audit/verify');
    expect(missing.body).toContain(
      `The first broken entry is entry ${deleted.id}, which is missing: seal ${seal.id} lists it, so it has been deleted.`,
    );
    await reinsert(db, deleted);

    const [, next] = (await allSeals(db)).slice(1, 3);
    const removedSeal = (await allSeals(db))[1]!;
    await tamper(db, 'audit_seals', (trx) => trx.deleteFrom('audit_seals').where('id', '=', removedSeal.id).execute());
    const unlinked = await client.get('/staff/audit/verify');
    expect(unlinked.body).toContain(`The first broken seal is seal ${next!.id}, with a broken link`);
    await reinsertSeal(db, removedSeal);
    expect((await client.get('/staff/audit/verify')).body).toContain('The audit log is intact');
  });

  it('lets only partnership administrators check the chain', async () => {
    const db = context.database.db;
    const county = await organisationId(db, 'E10000007');
    for (const roles of [['organisation_admin'], ['service_officer'], ['analyst']] as const) {
      const { client } = await signedInStaff(context.app, db, { organisationId: county, roles: [...roles] });
      const response = await client.get('/staff/audit/verify');
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('You do not have permission to see this page');
    }
  });
});
