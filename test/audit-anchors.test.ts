import { sql, type Kysely, type Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.js';
import { publishAnchor, type AnchorPublishing } from '../src/modules/audit/anchor.js';
import { checkChain } from '../src/modules/audit/check.js';
import { createAuditRepository } from '../src/modules/audit/repository.js';
import { sealAuditLog, sealHash } from '../src/modules/audit/seal.js';
import { recordAudit } from '../src/modules/audit/service.js';
import { createStaffRepository } from '../src/modules/identity/staff-repository.js';
import { startWorker } from '../src/worker/start.js';
import { createStaff, organisationId, signedInStaff } from './support/accounts.js';
import { testConfig, useTestApp, type TestApp } from './support/app.js';

// Issue 9, finding 8: deleting the newest seals, or rewriting and rehashing them from some point,
// went unnoticed, as nothing outside the database held the head. The worker now publishes the head
// seal's hash by email on a schedule (an anchor), and the verify page checks every anchor.
const day = 86_400_000;

async function sealEverything(db: Kysely<Database>) {
  await recordAudit(
    db,
    { actor: { kind: 'system', label: 'anchor test' }, action: 'read', recordType: 'anchor-test' },
    new Date(),
  );
  await expect
    .poll(
      async () => {
        await sealAuditLog(db, () => new Date());
        return checkChain(createAuditRepository(db));
      },
      { timeout: 10_000, interval: 50 },
    )
    .toMatchObject({ intact: true, unsealed: 0 });
  return db.selectFrom('audit_seals').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
}

function publishing(db: Kysely<Database>): AnchorPublishing {
  const staff = createStaffRepository(db);
  return {
    intervalMs: day,
    publicUrl: 'https://shirehall.test',
    partnershipName: 'Derbyshire Partnership',
    recipients: () => staff.listPartnershipAdministrators(),
  };
}

/** As someone with the database's own rights would: the append-only trigger off for one transaction. */
async function tamperWithSeals(db: Kysely<Database>, change: (trx: Transaction<Database>) => Promise<unknown>) {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_seals disable trigger audit_seals_append_only`.execute(trx);
    await change(trx);
    await sql`alter table audit_seals enable trigger audit_seals_append_only`.execute(trx);
  });
}

async function partnershipAdmin(context: TestApp) {
  const db = context.database.db;
  return signedInStaff(context.app, db, {
    organisationId: await organisationId(db, 'E10000007'),
    roles: ['partnership_admin'],
  });
}

describe('publishing anchors', () => {
  const context = useTestApp();

  it('emails the newest seal to each partnership administrator who can sign in, through the outbox, once per interval', async () => {
    const db = context.database.db;
    const county = await organisationId(db, 'E10000007');
    const first = await createStaff(db, {
      organisationId: county,
      roles: ['partnership_admin'],
      email: 'first-admin@anchor.example',
    });
    const second = await createStaff(db, {
      organisationId: await organisationId(db, 'E07000035'),
      roles: ['service_officer', 'partnership_admin'],
      email: 'second-admin@anchor.example',
    });
    const gone = await createStaff(db, {
      organisationId: county,
      roles: ['partnership_admin'],
      email: 'disabled-admin@anchor.example',
    });
    await db.updateTable('staff').set({ disabled_at: new Date() }).where('id', '=', gone.id).execute();
    await createStaff(db, { organisationId: county, roles: ['organisation_admin'], email: 'org-admin@anchor.example' });
    const head = await sealEverything(db);

    const at = new Date('2026-12-02T06:00:00Z');
    const published = await publishAnchor(db, () => at, publishing(db));
    expect(published).toMatchObject({ outcome: 'published', sealId: head.id });

    const anchor = await db
      .selectFrom('audit_anchors')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(anchor).toMatchObject({ seal_id: head.id, seal_hash: head.hash, published_at: at });
    expect(anchor.recipients).toEqual(expect.arrayContaining([first.email, second.email]));
    expect(anchor.recipients).not.toContain(gone.email);
    expect(anchor.recipients).not.toContain('org-admin@anchor.example');

    const emails = await db
      .selectFrom('email_outbox')
      .selectAll()
      .where('to_address', 'like', '%@anchor.example')
      .orderBy('id')
      .execute();
    expect(emails.map((email) => email.to_address).sort()).toEqual([first.email, second.email].sort());
    for (const email of emails) {
      expect(email.subject).toBe(`Derbyshire Partnership audit log: seal ${head.id} on 2026-12-02`);
      expect(email.body_text).toContain(`hash ${head.hash}`);
      expect(email.body_text).toContain(`https://shirehall.test/staff/audit/verify?hash=${head.hash}`);
      // Queued to be sent at least once: the worker retries it until the mail server takes it.
      expect(email.sent_at).toBeNull();
    }

    expect(await publishAnchor(db, () => new Date(at.getTime() + day - 1), publishing(db))).toEqual({
      outcome: 'not-due',
    });
    expect(await publishAnchor(db, () => new Date(at.getTime() + day), publishing(db))).toMatchObject({
      outcome: 'published',
    });
  });

  it('is published by the worker on its schedule, which holds across restarts', async () => {
    const db = context.database.db;
    await sealEverything(db);
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('audit_anchors')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const log = { info() {}, warn() {}, error() {} };
    // Far enough after the anchors of the test before for one to be due.
    let now = new Date('2026-12-10T06:00:00Z');
    const clock = () => now;
    const before = await count();
    const config = testConfig({ smtpUrl: undefined, auditAnchorIntervalMs: day });

    const worker = startWorker({ config, db, log, clock, intervalMs: 50 });
    try {
      await expect.poll(count, { timeout: 10_000 }).toBe(before + 1);
    } finally {
      await worker.stop();
    }
    // Restarted an hour later: the last anchor is in the database, so none is due yet.
    now = new Date(now.getTime() + 3_600_000);
    const restarted = startWorker({ config, db, log, clock, intervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await count()).toBe(before + 1);
    now = new Date(now.getTime() + day);
    try {
      await expect.poll(count, { timeout: 10_000 }).toBe(before + 2);
    } finally {
      await restarted.stop();
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE of anchors in the database itself', async () => {
    const db = context.database.db;
    const anchor = await db.selectFrom('audit_anchors').selectAll().limit(1).executeTakeFirstOrThrow();
    await expect(
      db.updateTable('audit_anchors').set({ seal_hash: 'rewritten' }).where('id', '=', anchor.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_anchors').where('id', '=', anchor.id).execute()).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_anchors`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('shows the history of anchors on the verify page, each found in the log', async () => {
    const { client } = await partnershipAdmin(context);
    const anchors = await context.database.db.selectFrom('audit_anchors').selectAll().orderBy('id', 'desc').execute();
    const page = await client.get('/staff/audit/verify');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`every one of the ${anchors.length} published anchors found in it`);
    for (const anchor of anchors)
      expect(page.body).toContain(
        `Seal ${anchor.seal_id}<br><code class="govuk-!-text-break-word">${anchor.seal_hash}</code>`,
      );
    expect(page.body.match(/>\s*Found\s*</g)).toHaveLength(anchors.length);
  });

  it('checks a hash from an anchor email: found, not found, or not a hash', async () => {
    const { client } = await partnershipAdmin(context);
    const anchor = await context.database.db
      .selectFrom('audit_anchors')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const found = await client.get(`/staff/audit/verify?hash=${anchor.seal_hash.toUpperCase()}`);
    expect(found.body).toContain(`is that of seal ${anchor.seal_id}`);
    const unknown = 'ab'.repeat(32);
    expect((await client.get(`/staff/audit/verify?hash=${unknown}`)).body).toContain(`No seal has the hash ${unknown}`);
    expect((await client.get('/staff/audit/verify?hash=not-a-hash')).body).toContain(
      'Enter the hash as it is in the email',
    );
  });
});

describe('anchors against deleted seals', () => {
  const context = useTestApp();

  it('names the anchor whose seal was deleted, though the chain that is left is whole', async () => {
    const db = context.database.db;
    const { client } = await partnershipAdmin(context);
    const anchored = await sealEverything(db);
    await publishAnchor(db, () => new Date(), publishing(db));
    const anchor = await db
      .selectFrom('audit_anchors')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();

    // The newest seals deleted: their entries fall back to unsealed and are sealed again, afresh.
    await tamperWithSeals(db, (trx) => trx.deleteFrom('audit_seals').where('id', '>=', anchored.id).execute());
    await sealEverything(db);
    expect(await checkChain(createAuditRepository(db))).toMatchObject({ intact: true });

    const page = await client.get('/staff/audit/verify');
    expect(page.body).not.toContain('The audit log is intact');
    expect(page.body).toContain(`Anchor ${anchor.id}, published on`);
    expect(page.body).toContain(
      `names seal ${anchored.id} with hash ${anchored.hash}: that seal is gone, so seals have been deleted.`,
    );
    expect(page.body).toContain('Seal gone');
    const recorded = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'verify')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(recorded.detail).toMatchObject({
      intact: false,
      anchors: { broken: [{ anchor: anchor.id, seal: anchored.id, status: 'missing' }] },
    });
  });
});

describe('anchors against rewritten seals', () => {
  const context = useTestApp();

  it('names the anchor whose seal was rewritten and rehashed, though the chain is whole', async () => {
    const db = context.database.db;
    const { client } = await partnershipAdmin(context);
    const anchored = await sealEverything(db);
    await publishAnchor(db, () => new Date(), publishing(db));

    // The head seal made again as if at another time: a fresh, well-formed hash, and the chain whole.
    const { id, hash, ...fields } = anchored;
    const rewritten = { ...fields, sealed_at: new Date(fields.sealed_at.getTime() + 1_000) };
    const rehashed = sealHash(rewritten);
    await tamperWithSeals(db, async (trx) => {
      await trx.deleteFrom('audit_seals').where('id', '>=', id).execute();
      await sql`
        insert into audit_seals (id, sealed_at, after_transaction, after_entry_id, upto_transaction, upto_entry_id, entry_count, entries, previous_hash, hash)
        overriding system value
        values (${id}, ${rewritten.sealed_at}, ${rewritten.after_transaction}, ${rewritten.after_entry_id}, ${rewritten.upto_transaction}, ${rewritten.upto_entry_id},
                ${rewritten.entry_count}, ${JSON.stringify(rewritten.entries)}, ${rewritten.previous_hash}, ${rehashed})`.execute(
        trx,
      );
    });
    expect(await checkChain(createAuditRepository(db))).toMatchObject({ intact: true });
    expect(rehashed).not.toBe(hash);

    const page = await client.get('/staff/audit/verify');
    expect(page.body).not.toContain('The audit log is intact');
    expect(page.body).toContain(
      `names seal ${id} with hash ${hash}: that seal now has the hash ${rehashed}, so the seals have been rewritten.`,
    );
    expect(page.body).toContain('Hash changed');
    // The hash in the administrators' email is no longer in the log.
    expect((await client.get(`/staff/audit/verify?hash=${hash}`)).body).toContain(`No seal has the hash ${hash}`);
  });
});
