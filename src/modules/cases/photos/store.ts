import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Where a photo's bytes are kept, by a key of their own: outside the web root, and only ever served
 * through the route that checks who is asking. Here, a table (`photo_files`), which works the same
 * on PostgreSQL and PGlite and keeps a photo in the transaction of the case it belongs to. In
 * production an S3-compatible object store (private bucket, keys as object names) can take its
 * place behind this interface; it cannot join a database transaction, so there `put` writes the
 * object first and a photo whose transaction then rolls back leaves an object no row names, for a
 * sweep to delete (never the other way round: a row naming a missing object).
 */
export interface PhotoStore {
  newKey(): string;
  put(executor: Executor, key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  delete(executor: Executor, key: string): Promise<void>;
}

export function createDatabasePhotoStore(db: Kysely<Database>): PhotoStore {
  return {
    newKey: () => randomUUID(),
    async put(executor, key, bytes) {
      await executor.insertInto('photo_files').values({ storage_key: key, bytes }).execute();
    },
    async get(key) {
      const row = await db.selectFrom('photo_files').select('bytes').where('storage_key', '=', key).executeTakeFirst();
      // pg answers a Buffer, PGlite a Uint8Array.
      return row ? Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength) : undefined;
    },
    async delete(executor, key) {
      await executor.deleteFrom('photo_files').where('storage_key', '=', key).execute();
    },
  };
}
