import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface Email {
  to: string;
  subject: string;
  body: string;
}

/**
 * Puts an email in the outbox. Pass the transaction of the change that causes it: the email exists
 * exactly when the change does, and the worker sends it afterwards, retrying until it is accepted.
 */
export async function queueEmail(db: Kysely<Database> | Transaction<Database>, email: Email): Promise<void> {
  await db
    .insertInto('email_outbox')
    .values({ to_address: email.to, subject: email.subject, body_text: email.body })
    .execute();
}
