import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';

/** The newest email queued for an address, read from the outbox as the worker would send it. */
export async function latestEmailTo(db: Kysely<Database>, to: string) {
  return db
    .selectFrom('email_outbox')
    .selectAll()
    .where('to_address', '=', to)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The first link in an email's text that starts with the given path. */
export function linkIn(body: string, path: string): string {
  const match = new RegExp(`https?://[^\\s]+(${path.replace(/[/?]/g, '\\$&')}[^\\s]*)`).exec(body);
  if (!match) throw new Error(`No ${path} link in: ${body}`);
  return match[1];
}
