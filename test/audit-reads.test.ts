import { describe, expect, it } from 'vitest';
import { checkChain } from '../src/modules/audit/check.js';
import { createAuditRepository } from '../src/modules/audit/repository.js';
import { sealAuditLog } from '../src/modules/audit/seal.js';
import { recordAudit, type AuditEvent } from '../src/modules/audit/service.js';
import { useTestApp } from './support/app.js';

const context = useTestApp();

describe('audit entries', () => {
  // Found while fixing issue 9, finding 6: since entries stopped holding the previous entry's hash,
  // two identical events in one millisecond (a double-clicked page, two sign-in attempts for the
  // same unknown email) hashed the same, and the unique index on the hash failed the request.
  it('keeps two identical events of the same millisecond, and seals and checks both', async () => {
    const db = context.database.db;
    const at = new Date('2026-12-01T09:00:00.123Z');
    const event: AuditEvent = { actor: { kind: 'system', label: 'identical twin' }, action: 'read', recordType: 'twin', ipAddress: '192.0.2.1' };
    await recordAudit(db, event, at);
    await recordAudit(db, event, at);
    const twins = await db.selectFrom('audit_log').select(['id', 'hash']).where('actor_label', '=', 'identical twin').execute();
    expect(twins).toHaveLength(2);
    expect(twins[0]!.hash).toBe(twins[1]!.hash);

    await expect
      .poll(async () => {
        await sealAuditLog(db, () => new Date());
        return checkChain(createAuditRepository(db));
      }, { timeout: 10_000, interval: 50 })
      .toMatchObject({ intact: true, unsealed: 0 });
  });
});
