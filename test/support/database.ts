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
  if (process.env.DATABASE_URL) {
    const copy = await copyPostgresTemplate(process.env.DATABASE_URL);
    const db = await openDatabase({ kind: 'postgres', url: copy.url });
    return {
      db,
      kind: 'postgres',
      async destroy() {
        await db.destroy();
        await copy.drop();
      },
    };
  }
  const template = readFileSync(inject('pgliteTemplate'));
  const db = kyselyOverPglite(await createPglite({ loadDataDir: new Blob([template]) }));
  return { db, kind: 'pglite', destroy: () => db.destroy() };
}

export interface PostgresCopy {
  name: string;
  url: string;
  /** Removes the database, ending whatever is still connected to it. */
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database copied from the run's template, for a test or for servers it starts. */
export async function copyPostgresTemplate(url: string): Promise<PostgresCopy> {
  const name = `shirehall_test_${randomBytes(6).toString('hex')}`;
  const admin = adminConnection(url);
  await admin.query(`create database ${name} template ${inject('postgresTemplate')}`);
  return {
    name,
    url: databaseUrlFor(url, name),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
