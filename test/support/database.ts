import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import { createPglite, kyselyOverPglite, openDatabase } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';
import { adminConnection, databaseUrlFor } from './postgres.js';

export interface TestDatabase {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** Closes the connection and removes the database. */
  destroy(): Promise<void>;
}

/**
 * A database of this test file's own, holding the real reference data: on PostgreSQL when
 * DATABASE_URL is set (a fresh database copied from the run's template), otherwise in-memory PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `shirehall_test_${randomBytes(6).toString('hex')}`;
    const admin = adminConnection(url);
    await admin.query(`create database ${name} template ${inject('postgresTemplate')}`);
    const db = await openDatabase({ kind: 'postgres', url: databaseUrlFor(url, name) });
    return {
      db,
      kind: 'postgres',
      async destroy() {
        await db.destroy();
        await admin.query(`drop database if exists ${name}`);
        await admin.end();
      },
    };
  }
  const template = readFileSync(inject('pgliteTemplate'));
  const db = kyselyOverPglite(await createPglite({ loadDataDir: new Blob([template]) }));
  return { db, kind: 'pglite', destroy: () => db.destroy() };
}
