import { describe, expect, it } from 'vitest';
import { checkChain } from '../src/modules/audit/check.js';
import { createAuditRepository } from '../src/modules/audit/repository.js';
import { sealAuditLog } from '../src/modules/audit/seal.js';
import { recordAudit, type AuditEvent } from '../src/modules/audit/service.js';
import { queueEmail } from '../src/modules/notify/outbox.js';
import { organisationId, signedInStaff } from './support/accounts.js';
import { useTestApp } from './support/app.js';
import { issueTestKey, missedBin, postForm } from './support/open311.js';

const context = useTestApp();

/** The audit entries written since `afterId`, oldest first. */
async function entriesAfter(afterId: number) {
  return context.database.db.selectFrom('audit_log').selectAll().where('id', '>', afterId).orderBy('id').execute();
}

async function newestEntryId(): Promise<number> {
  const row = await context.database.db
    .selectFrom('audit_log')
    .select('id')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? 0;
}

// Issue 9, finding 8: lists of personal data were read without an audit entry. Each now records who
// read which list, with which filters, and how many rows it showed.
describe('reads of lists of personal data', () => {
  it('records a read of the email outbox, with its filter and how many emails it showed', async () => {
    const db = context.database.db;
    await queueEmail(db, { to: 'resident@example.com', subject: 'Your request', body: 'Dear resident' });
    const { client, staff } = await signedInStaff(context.app, db, {
      organisationId: await organisationId(db, 'E10000007'),
      roles: ['partnership_admin'],
    });
    const before = await newestEntryId();
    expect((await client.get('/staff/outbox?status=waiting')).statusCode).toBe(200);

    const [entry, ...others] = (await entriesAfter(before)).filter((row) => row.record_type === 'email_list');
    expect(others).toHaveLength(0);
    expect(entry).toMatchObject({ actor_type: 'staff', actor_id: staff.id, action: 'read', ip_address: '127.0.0.1' });
    expect(entry!.detail).toMatchObject({ filters: { status: 'waiting' }, page: 1 });
    expect((entry!.detail as { shown: number }).shown).toBeGreaterThanOrEqual(1);
  });

  it('records a read of the staff accounts list, with the organisation it covered and how many it showed', async () => {
    const db = context.database.db;
    const county = await organisationId(db, 'E10000007');
    const { client, staff } = await signedInStaff(context.app, db, {
      organisationId: county,
      roles: ['organisation_admin'],
    });
    const listed = await db.selectFrom('staff').select('id').where('organisation_id', '=', county).execute();
    const before = await newestEntryId();
    expect((await client.get('/staff/accounts')).statusCode).toBe(200);

    const entries = (await entriesAfter(before)).filter((row) => row.record_type === 'staff_list');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor_type: 'staff',
      actor_id: staff.id,
      action: 'read',
      organisation_id: county,
      ip_address: '127.0.0.1',
    });
    expect(entries[0]!.detail).toEqual({ filters: { organisationId: county }, shown: listed.length });
  });

  it('records each Open311 read made with a back office key, never the key itself', async () => {
    const db = context.database.db;
    const dales = await organisationId(db, 'E07000035');
    const sender = await issueTestKey(db, 'FixMyStreet for reads');
    const backOffice = await issueTestKey(db, 'Dales back office', dales);
    const posted = await postForm(context.app, '/open311/v2/requests.json', missedBin(sender.key));
    expect(posted.statusCode).toBe(201);
    const reference = (posted.json() as [{ service_request_id: string }])[0].service_request_id;

    const before = await newestEntryId();
    const reads = [
      `/open311/v2/requests.json?api_key=${backOffice.key}&status=open&service_code=missed-bin`,
      `/open311/v2/requests/${reference}.xml?api_key=${backOffice.key}`,
      `/open311/v2/tokens/${reference}.json?api_key=${backOffice.key}`,
      `/open311/v2/servicerequestupdates.json?api_key=${backOffice.key}`,
    ];
    for (const url of reads) expect((await context.app.inject(url)).statusCode, url).toBe(200);

    const entries = (await entriesAfter(before)).filter((row) => row.action === 'read');
    expect(entries.map((row) => [row.actor_type, row.actor_id, row.record_type])).toEqual([
      ['api_client', backOffice.id, 'open311_request_list'],
      ['api_client', backOffice.id, 'open311_request'],
      ['api_client', backOffice.id, 'open311_request'],
      ['api_client', backOffice.id, 'open311_update_list'],
    ]);
    expect(entries[0]!.detail).toMatchObject({ filters: { status: ['open'], service_code: ['missed-bin'] } });
    expect((entries[0]!.detail as { shown: number }).shown).toBeGreaterThanOrEqual(1);
    expect(entries[1]).toMatchObject({ record_id: reference, detail: { shown: 1 } });
    for (const entry of entries) expect(JSON.stringify(entry)).not.toContain(backOffice.key);
  });

  it('records nothing for Open311 reads without a key, which show no personal data', async () => {
    const before = await newestEntryId();
    expect((await context.app.inject('/open311/v2/requests.json')).statusCode).toBe(200);
    expect((await entriesAfter(before)).filter((row) => row.action === 'read')).toHaveLength(0);
  });
});

describe('audit entries', () => {
  // Found while fixing issue 9, finding 6: since entries stopped holding the previous entry's hash,
  // two identical events in one millisecond (a double-clicked page, two sign-in attempts for the
  // same unknown email) hashed the same, and the unique index on the hash failed the request.
  it('keeps two identical events of the same millisecond, and seals and checks both', async () => {
    const db = context.database.db;
    const at = new Date('2026-12-01T09:00:00.123Z');
    const event: AuditEvent = {
      actor: { kind: 'system', label: 'identical twin' },
      action: 'read',
      recordType: 'twin',
      ipAddress: '192.0.2.1',
    };
    await recordAudit(db, event, at);
    await recordAudit(db, event, at);
    const twins = await db
      .selectFrom('audit_log')
      .select(['id', 'hash'])
      .where('actor_label', '=', 'identical twin')
      .execute();
    expect(twins).toHaveLength(2);
    expect(twins[0]!.hash).toBe(twins[1]!.hash);

    await expect
      .poll(
        async () => {
          await sealAuditLog(db, () => new Date());
          return checkChain(createAuditRepository(db));
        },
        { timeout: 10_000, interval: 50 },
      )
      .toMatchObject({ intact: true, unsealed: 0 });
  });
});
