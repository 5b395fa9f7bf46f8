import { describe, expect, it } from 'vitest';
import { checkChain } from '../src/modules/audit/check.js';
import { createAuditRepository } from '../src/modules/audit/repository.js';
import { sealAuditLog } from '../src/modules/audit/seal.js';
import { recordAudit, type AuditEvent } from '../src/modules/audit/service.js';
import { useTestApp } from './support/app.js';

/**
 * Found while testing finding 2 of issue 9: two Open311 posts from one client in the same millisecond
 * write audit entries identical field for field, so of the same content hash. The hash was still
 * unique from the days each entry named the one before; the second insert failed, and its post
 * answered 500 after its case was saved — a client retrying without an Idempotency-Key then made a
 * second case.
 */
const context = useTestApp();

describe('identical audit entries', () => {
  it('are both kept, sealed and verified', async () => {
    const { db } = context.database;
    const now = new Date();
    const event: AuditEvent = {
      actor: { kind: 'api_client', id: 1, label: 'Open311 client' },
      action: 'open311-post',
      recordType: 'open311',
      detail: { endpoint: 'requests', status: 201 },
      ipAddress: '127.0.0.1',
    };
    await recordAudit(db, event, now);
    await recordAudit(db, event, now);

    const entries = await db
      .selectFrom('audit_log')
      .select(['id', 'hash'])
      .where('action', '=', 'open311-post')
      .execute();
    expect(entries).toHaveLength(2);
    expect(entries[0].hash).toBe(entries[1].hash);

    await sealAuditLog(db, () => new Date(), { patienceMs: 2_000 });
    expect(await checkChain(createAuditRepository(db))).toMatchObject({ intact: true });
  });
});
