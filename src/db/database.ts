import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string | undefined };

// PostgreSQL's double precision and numeric come back as strings by default; ours are plain numbers.
pg.types.setTypeParser(pg.types.builtins.FLOAT8, Number.parseFloat);

/**
 * Opens the database: PostgreSQL when a URL is given, otherwise the embedded PGlite in a folder
 * (or in memory when the folder is undefined, as tests do).
 */
export async function openDatabase(target: DatabaseTarget): Promise<Kysely<Database>> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    // An idle connection that the server closes (a restart, a failover) is replaced on next use;
    // without a listener its error would end the whole process.
    pool.on('error', (error) => console.error(`PostgreSQL connection lost: ${error.message}`));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const pglite = await PGlite.create(target.dataDir);
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}
