import { sql, type Kysely, type Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.js';
import { checkChain } from '../src/modules/audit/browse-service.js';
import { createAuditRepository } from '../src/modules/audit/repository.js';
import { GENESIS_HASH, entryHash, recordAudit, type AuditEvent } from '../src/modules/audit/service.js';
import type { StaffActor } from '../src/modules/identity/actor.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';

const context = useTestApp();

const officer = (organisation: number): StaffActor => ({
  kind: 'staff',
  staffId: 9001,
  name: 'Olive Officer',
  email: 'olive@test.example',
  organisationId: organisation,
  organisationName: 'Test Council',
  roles: ['service_officer'],
});

/** The whole log, in chain order. */
const allEntries = (db: Kysely<Database>) => db.selectFrom('audit_log').selectAll().orderBy('id').execute();

/**
 * Tampering as someone with the database's own rights would: the append-only trigger is switched
 * off and on again inside one transaction, so it is never off for anything else.
 */
async function tamper(db: Kysely<Database>, change: (trx: Transaction<Database>) => Promise<unknown>) {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(trx);
    await change(trx);
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(trx);
  });
}

type Entry = Awaited<ReturnType<typeof allEntries>>[number];

/** Puts a deleted entry back exactly as it was, id included. */
async function reinsert(db: Kysely<Database>, entry: Entry) {
  await sql`
    insert into audit_log (id, occurred_at, actor_type, actor_id, actor_label, organisation_id, action, record_type, record_id, detail, ip_address, previous_hash, hash)
    overriding system value
    values (${entry.id}, ${entry.occurred_at}, ${entry.actor_type}, ${entry.actor_id}, ${entry.actor_label}, ${entry.organisation_id}, ${entry.action},
            ${entry.record_type}, ${entry.record_id}, ${JSON.stringify(entry.detail)}, ${entry.ip_address}, ${entry.previous_hash}, ${entry.hash})`.execute(db);
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

describe('the audit chain', () => {
  it('verifies a chain of many appends, across query batches', async () => {
    const db = context.database.db;
    await appendMany(db, 60, await organisationId(db, 'E10000007'));
    const entries = await allEntries(db);
    expect(entries.length).toBeGreaterThanOrEqual(60);
    expect(entries[0]!.previous_hash).toBe(GENESIS_HASH);
    for (let index = 1; index < entries.length; index++) expect(entries[index]!.previous_hash).toBe(entries[index - 1]!.hash);

    const repository = createAuditRepository(db);
    expect(await checkChain(repository, 7)).toEqual({ intact: true, checked: entries.length });
    expect(await checkChain(repository)).toEqual({ intact: true, checked: entries.length });
  });

  it('verifies entries whose detail holds undefined values, dates and keys of mixed case', async () => {
    const db = context.database.db;
    const county = await organisationId(db, 'E10000007');
    // jsonb drops undefined values and turns a Date into text: the hash must be of what is stored.
    const detail = { missing: undefined, when: new Date('2026-05-01T10:00:00Z'), Zed: 1, alpha: [undefined, 2], a_b: { B: 1, a: 2 } };
    await recordAudit(db, { actor: officer(county), action: 'update', recordType: 'chain-test', recordId: 'odd-detail', detail }, new Date());
    const stored = await db.selectFrom('audit_log').select('detail').where('record_id', '=', 'odd-detail').executeTakeFirstOrThrow();
    expect(stored.detail).toEqual({ when: '2026-05-01T10:00:00.000Z', Zed: 1, alpha: [null, 2], a_b: { B: 1, a: 2 } });
    expect(await checkChain(createAuditRepository(db))).toMatchObject({ intact: true });
  });

  it('names the entry whose field was changed: hash mismatch', async () => {
    const db = context.database.db;
    const repository = createAuditRepository(db);
    const entries = await allEntries(db);
    const target = entries[20]!;

    await tamper(db, (trx) => trx.updateTable('audit_log').set({ actor_label: 'someone innocent' }).where('id', '=', target.id).execute());
    expect(await checkChain(repository, 7)).toEqual({ intact: false, checked: 20, brokenEntryId: target.id, reason: 'hash-mismatch' });

    await tamper(db, (trx) => trx.updateTable('audit_log').set({ actor_label: target.actor_label }).where('id', '=', target.id).execute());
    expect(await checkChain(repository, 7)).toEqual({ intact: true, checked: entries.length });
  });

  it('names the entry whose detail was changed, even by one number', async () => {
    const db = context.database.db;
    const repository = createAuditRepository(db);
    const target = (await allEntries(db))[33]!;

    const altered = { ...(target.detail as Record<string, unknown>), zeta: 999 };
    await tamper(db, (trx) => trx.updateTable('audit_log').set({ detail: JSON.stringify(altered) }).where('id', '=', target.id).execute());
    expect(await checkChain(repository)).toMatchObject({ intact: false, brokenEntryId: target.id, reason: 'hash-mismatch' });

    await tamper(db, (trx) => trx.updateTable('audit_log').set({ detail: JSON.stringify(target.detail) }).where('id', '=', target.id).execute());
    expect(await checkChain(repository)).toMatchObject({ intact: true });
  });

  it('names the next entry when a changed entry was given a fresh hash: broken link', async () => {
    const db = context.database.db;
    const repository = createAuditRepository(db);
    const entries = await allEntries(db);
    const [target, next] = [entries[10]!, entries[11]!];

    // A careful forger recomputes the hash of what they changed; the next entry still holds the old one.
    const forgedHash = entryHash({ ...target, action: 'read' });
    await tamper(db, (trx) => trx.updateTable('audit_log').set({ action: 'read', hash: forgedHash }).where('id', '=', target.id).execute());
    expect(await checkChain(repository, 7)).toEqual({ intact: false, checked: 11, brokenEntryId: next.id, reason: 'broken-link' });

    await tamper(db, (trx) => trx.updateTable('audit_log').set({ action: target.action, hash: target.hash }).where('id', '=', target.id).execute());
    expect(await checkChain(repository, 7)).toMatchObject({ intact: true });
  });

  it('names the entry after a deleted one: broken link', async () => {
    const db = context.database.db;
    const repository = createAuditRepository(db);
    const entries = await allEntries(db);
    const [deleted, next] = [entries[40]!, entries[41]!];

    await tamper(db, (trx) => trx.deleteFrom('audit_log').where('id', '=', deleted.id).execute());
    expect(await checkChain(repository, 7)).toEqual({ intact: false, checked: 40, brokenEntryId: next.id, reason: 'broken-link' });

    await reinsert(db, deleted);
    expect(await checkChain(repository, 7)).toEqual({ intact: true, checked: entries.length });
  });

  it('notices when the first entry is deleted: the second no longer starts the chain', async () => {
    const db = context.database.db;
    const repository = createAuditRepository(db);
    const [first, second] = await allEntries(db);

    await tamper(db, (trx) => trx.deleteFrom('audit_log').where('id', '=', first!.id).execute());
    expect(await checkChain(repository)).toEqual({ intact: false, checked: 0, brokenEntryId: second!.id, reason: 'broken-link' });

    await reinsert(db, first!);
    expect(await checkChain(repository)).toMatchObject({ intact: true });
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    const db = context.database.db;
    const before = await allEntries(db);
    const id = before[5]!.id;
    await expect(db.updateTable('audit_log').set({ actor_label: 'rewritten' }).where('id', '=', id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').where('id', '=', id).execute()).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
    expect(await allEntries(db)).toEqual(before);
  });

  it('keeps one valid chain when 20 entries are appended at once', async () => {
    const db = context.database.db;
    const county = await organisationId(db, 'E10000007');
    const before = (await allEntries(db)).length;
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        recordAudit(db, { actor: officer(county), action: 'read', recordType: 'concurrent', recordId: index }, new Date()),
      ),
    );
    const entries = await allEntries(db);
    expect(entries.length).toBe(before + 20);
    // No two entries claim the same predecessor: the chain did not fork.
    expect(new Set(entries.map((entry) => entry.previous_hash)).size).toBe(entries.length);
    expect(await checkChain(createAuditRepository(db), 7)).toEqual({ intact: true, checked: entries.length });
  });

  it('says so on the verify page, and names the broken entry after tampering', async () => {
    const db = context.database.db;
    const { client } = await signedInStaff(context.app, db, { organisationId: await organisationId(db, 'E10000007'), roles: ['partnership_admin'] });
    const count = (await allEntries(db)).length;

    const intact = await client.get('/staff/audit/verify');
    expect(intact.statusCode).toBe(200);
    expect(intact.body).toContain(`The audit log is intact: ${count} entries checked`);

    // The check is itself recorded, with its result.
    const recorded = await db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(recorded).toMatchObject({ action: 'verify', record_type: 'audit_log', detail: { intact: true, checked: count } });

    const target = (await allEntries(db))[15]!;
    await tamper(db, (trx) => trx.updateTable('audit_log').set({ ip_address: '203.0.113.9' }).where('id', '=', target.id).execute());
    const broken = await client.get('/staff/audit/verify');
    expect(broken.statusCode).toBe(200);
    expect(broken.body).toContain(`The first broken entry is entry ${target.id}, with a hash mismatch`);
    expect(broken.body).not.toContain('The audit log is intact');
    await tamper(db, (trx) => trx.updateTable('audit_log').set({ ip_address: target.ip_address }).where('id', '=', target.id).execute());

    const deleted = (await allEntries(db))[25]!;
    const after = (await allEntries(db))[26]!;
    await tamper(db, (trx) => trx.deleteFrom('audit_log').where('id', '=', deleted.id).execute());
    const unlinked = await client.get('/staff/audit/verify');
    expect(unlinked.body).toContain(`The first broken entry is entry ${after.id}, with a broken link`);
    await reinsert(db, deleted);
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
