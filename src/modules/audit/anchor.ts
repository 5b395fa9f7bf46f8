import { sql, type Kysely, type Selectable } from 'kysely';
import type { AuditAnchorsTable, Database } from '../../db/schema.js';
import { queueEmail } from '../notify/outbox.js';
import { dayInEngland } from '../../shared/dates.js';

/**
 * One publisher at a time across every process, so two workers never send the same day's anchor
 * twice. (The sealer's lock is AUDIT_SEAL_LOCK, 7_341_002.)
 */
export const AUDIT_ANCHOR_LOCK = 7_341_003;

export interface AnchorRecipient {
  name: string;
  email: string;
}

export interface AnchorPublishing {
  /** How long after one publication the next is due. */
  intervalMs: number;
  /** For the link in the email to the verify page. */
  publicUrl: string;
  partnershipName: string;
  /** Who the newest seal's hash is emailed to: the partnership administrators. */
  recipients: () => Promise<AnchorRecipient[]>;
}

export type PublishResult =
  | { outcome: 'published'; anchorId: number; sealId: number; recipients: number }
  /** Published less than intervalMs ago, by this process or another. */
  | { outcome: 'not-due' }
  /** Nothing sealed yet: nothing to anchor. */
  | { outcome: 'no-seal' }
  /** Another process is publishing right now. */
  | { outcome: 'busy' };

/**
 * Publishes the newest seal when one is due: writes an anchor and, in the same transaction, queues
 * an email with the seal's id and hash to every partnership administrator. The outbox then delivers
 * it at least once, retrying until the mail server takes it. The emails are what the database's
 * administrators cannot change: if the newest seals are later deleted, or the seals rewritten and
 * rehashed from some point, the verify page (and anyone holding one of these emails) finds that
 * the published seal is gone or has another hash. When it was last published is read from the
 * table, so the schedule holds across restarts and processes.
 */
export async function publishAnchor(
  db: Kysely<Database>,
  clock: () => Date,
  options: AnchorPublishing,
): Promise<PublishResult> {
  // Read first, outside the transaction: the staff table is not the audit module's to lock.
  const recipients = await options.recipients();
  return db.transaction().execute(async (trx): Promise<PublishResult> => {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_xact_lock(${AUDIT_ANCHOR_LOCK}) as locked`.execute(trx);
    if (!rows[0]!.locked) return { outcome: 'busy' };
    const now = clock();
    const last = await trx
      .selectFrom('audit_anchors')
      .select('published_at')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last && now.getTime() - last.published_at.getTime() < options.intervalMs) return { outcome: 'not-due' };
    const head = await trx
      .selectFrom('audit_seals')
      .select(['id', 'hash', 'sealed_at', 'entry_count'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!head) return { outcome: 'no-seal' };

    const anchor = await trx
      .insertInto('audit_anchors')
      .values({
        published_at: now,
        seal_id: head.id,
        seal_hash: head.hash,
        sealed_at: head.sealed_at,
        recipients: recipients.map((recipient) => recipient.email),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const link = `${options.publicUrl}/staff/audit/verify?hash=${head.hash}`;
    for (const recipient of recipients) {
      await queueEmail(trx, {
        to: recipient.email,
        subject: `${options.partnershipName} audit log: seal ${head.id} on ${dayInEngland(now)}`,
        body:
          `Dear ${recipient.name},\n\n` +
          `This is the newest seal of the ${options.partnershipName} audit log, as it was at ${now.toISOString()}:\n\n` +
          `  seal ${head.id}, made ${head.sealed_at.toISOString()}\n  hash ${head.hash}\n\n` +
          'Keep this email. Every later seal builds on this one, so if entries or seals of the log were ever deleted or rewritten ' +
          'behind the application\u2019s back, this seal would no longer be found with this hash.\n\n' +
          `To check, open ${link}\n\n` +
          'If the page says it cannot find this hash, tell your security team: the audit log has been changed.\n',
      });
    }
    return { outcome: 'published', anchorId: anchor.id, sealId: head.id, recipients: recipients.length };
  });
}

export type AuditAnchor = Selectable<AuditAnchorsTable>;

/**
 * An anchor checked against the seals as they are now:
 * - found: its seal is there with the hash that was published;
 * - missing: its seal is gone (the newest seals were deleted);
 * - differs: its seal is there with another hash (the seals were rewritten and rehashed).
 */
export interface AnchorCheck {
  anchor: AuditAnchor;
  status: 'found' | 'missing' | 'differs';
  /** The seal's hash now, when it differs. */
  currentHash: string | null;
}

/** Every anchor, newest first, beside the seal it names. */
export async function checkAnchors(db: Kysely<Database>): Promise<AnchorCheck[]> {
  const rows = await db
    .selectFrom('audit_anchors')
    .leftJoin('audit_seals', 'audit_seals.id', 'audit_anchors.seal_id')
    .selectAll('audit_anchors')
    .select('audit_seals.hash as current_hash')
    .orderBy('audit_anchors.id', 'desc')
    .execute();
  return rows.map(({ current_hash: currentHash, ...anchor }) => ({
    anchor,
    status: currentHash === null ? 'missing' : currentHash === anchor.seal_hash ? 'found' : 'differs',
    currentHash: currentHash !== null && currentHash !== anchor.seal_hash ? currentHash : null,
  }));
}

/** The seal that has this hash, if any: for checking a hash from an anchor email. */
export async function findSealByHash(db: Kysely<Database>, hash: string) {
  return db.selectFrom('audit_seals').select(['id', 'sealed_at', 'hash']).where('hash', '=', hash).executeTakeFirst();
}
