import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../../shared/actor.js';
import { requireCapability } from '../identity/policy.js';
import { NotFoundError } from '../../shared/errors.js';
import type { OutboxRepository } from './repository.js';
import type { EmailStatus, OutboxQuery } from './schemas.js';
import { countPages } from '../../shared/pagination.js';

export const OUTBOX_PAGE_SIZE = 50;

/** Where an email stands, from the columns the worker writes. */
export function emailStatus(email: { sent_at: Date | null; failed_at: Date | null; attempts: number }): EmailStatus {
  if (email.sent_at) return 'sent';
  if (email.failed_at) return 'failed';
  return email.attempts > 0 ? 'retrying' : 'waiting';
}

export interface OutboxServiceDependencies {
  db: Kysely<Database>;
  repository: OutboxRepository;
  clock: () => Date;
}

/** What partnership administrators see of the email the product sends, or keeps when it cannot. */
export function createOutboxService({ db, repository, clock }: OutboxServiceDependencies) {
  return {
    /** A page of the outbox: addresses and subjects are personal data, so the read is audited. */
    async list(actor: Actor, query: OutboxQuery, ipAddress: string | null = null) {
      const staff = requireCapability(actor, 'outbox.view');
      const counts = await repository.countByStatus();
      const total = query.status ? counts[query.status] : Object.values(counts).reduce((sum, count) => sum + count, 0);
      const pageCount = countPages(total, OUTBOX_PAGE_SIZE);
      const page = Math.min(query.page, pageCount);
      const rows = await repository.list({
        status: query.status,
        offset: (page - 1) * OUTBOX_PAGE_SIZE,
        limit: OUTBOX_PAGE_SIZE,
      });
      await recordAudit(
        db,
        {
          actor: staff,
          action: 'read',
          recordType: 'email_list',
          detail: { filters: { status: query.status ?? null }, page, shown: rows.length },
          ipAddress,
        },
        clock(),
      );
      return {
        emails: rows.map((row) => ({ ...row, status: emailStatus(row) })),
        counts,
        total,
        page,
        pageCount,
      };
    },

    /** One email in full: a read of personal data (the address, and what was said), so it is audited. */
    async get(actor: Actor, id: number, ipAddress: string | null = null) {
      const staff = requireCapability(actor, 'outbox.view');
      const email = await repository.findById(id);
      if (!email) throw new NotFoundError();
      await recordAudit(db, { actor: staff, action: 'read', recordType: 'email', recordId: id, ipAddress }, clock());
      return { ...email, status: emailStatus(email) };
    },
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
