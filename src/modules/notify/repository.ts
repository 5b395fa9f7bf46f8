import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { EmailStatus } from './schemas.js';

export interface ClaimedEmail {
  id: number;
  to_address: string;
  subject: string;
  body_text: string;
  attempts: number;
}

type Outbox = ExpressionBuilder<Database, 'email_outbox'>;

/** The rows in each status; the same conditions count, filter and label the staff page. */
const statusConditions: Record<EmailStatus, (eb: Outbox) => ReturnType<Outbox['and']>> = {
  waiting: (eb) => eb.and([eb('sent_at', 'is', null), eb('failed_at', 'is', null), eb('attempts', '=', 0)]),
  retrying: (eb) => eb.and([eb('sent_at', 'is', null), eb('failed_at', 'is', null), eb('attempts', '>', 0)]),
  sent: (eb) => eb.and([eb('sent_at', 'is not', null)]),
  failed: (eb) => eb.and([eb('sent_at', 'is', null), eb('failed_at', 'is not', null)]),
};

export function createOutboxRepository(db: Kysely<Database>) {
  return {
    /**
     * Leases up to `limit` due emails until `leaseUntil`, in one statement. `skip locked` lets
     * workers claim side by side without waiting on, or taking, each other's rows; an email whose
     * lease has run out (its worker died) is due again.
     */
    async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedEmail[]> {
      const result = await sql<ClaimedEmail>`
        update email_outbox set locked_until = ${leaseUntil}
        where id in (
          select id from email_outbox
          where sent_at is null and failed_at is null and next_attempt_at <= ${now}
            and (locked_until is null or locked_until < ${now})
          order by next_attempt_at, id
          limit ${limit}
          for update skip locked
        )
        returning id, to_address, subject, body_text, attempts`.execute(db);
      // RETURNING follows the order rows were updated in, not the subquery's: send the oldest first.
      return result.rows.sort((a, b) => a.id - b.id);
    },

    async markSent(id: number, sentAt: Date, messageId: string): Promise<void> {
      await db
        .updateTable('email_outbox')
        .set({ sent_at: sentAt, message_id: messageId, locked_until: null })
        .where('id', '=', id)
        .execute();
    },

    /** A failed attempt: when to try next, or (failedAt set) that no more tries will be made. */
    async recordFailedAttempt(
      id: number,
      attempt: { attempts: number; lastError: string; nextAttemptAt: Date; failedAt: Date | null },
    ) {
      await db
        .updateTable('email_outbox')
        .set({
          attempts: attempt.attempts,
          last_error: attempt.lastError,
          next_attempt_at: attempt.nextAttemptAt,
          failed_at: attempt.failedAt,
          locked_until: null,
        })
        .where('id', '=', id)
        .execute();
    },

    /** A page of emails, newest first, of one status or all. */
    list(filter: { status: EmailStatus | undefined; offset: number; limit: number }) {
      let query = db
        .selectFrom('email_outbox')
        .select([
          'id',
          'to_address',
          'subject',
          'created_at',
          'attempts',
          'next_attempt_at',
          'last_error',
          'sent_at',
          'failed_at',
        ])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .offset(filter.offset)
        .limit(filter.limit);
      if (filter.status) query = query.where(statusConditions[filter.status]);
      return query.execute();
    },

    async countByStatus(): Promise<Record<EmailStatus, number>> {
      const counts = await db
        .selectFrom('email_outbox')
        .select((eb) => [
          eb.fn.countAll<number>().filterWhere(statusConditions.waiting).as('waiting'),
          eb.fn.countAll<number>().filterWhere(statusConditions.retrying).as('retrying'),
          eb.fn.countAll<number>().filterWhere(statusConditions.sent).as('sent'),
          eb.fn.countAll<number>().filterWhere(statusConditions.failed).as('failed'),
        ])
        .executeTakeFirstOrThrow();
      // count() is a bigint, which the drivers return as a number or a string.
      return {
        waiting: Number(counts.waiting),
        retrying: Number(counts.retrying),
        sent: Number(counts.sent),
        failed: Number(counts.failed),
      };
    },

    findById: (id: number) => db.selectFrom('email_outbox').selectAll().where('id', '=', id).executeTakeFirst(),
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
export type OutboxEmail = NonNullable<Awaited<ReturnType<OutboxRepository['findById']>>>;
