import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string | undefined };

// Both drivers agree on JavaScript types: bigint and double precision are numbers (our bigints —
// pence, log ids — stay far below 2^53), and a date is its 'YYYY-MM-DD' text, free of time zones.
pg.types.setTypeParser(pg.types.builtins.FLOAT8, Number.parseFloat);
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
const pgliteParsers = { [pg.types.builtins.DATE]: (value: string) => value };

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
  return kyselyOverPglite(await createPglite({ dataDir: target.dataDir }));
}

/** The database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR. */
export function openDatabaseFor(config: { databaseUrl: string | undefined; dataDir: string }): Promise<Kysely<Database>> {
  return openDatabase(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir });
}

/** A PGlite database: in a folder, in memory, or in memory from a dump (as tests start). */
export function createPglite(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<PGlite> {
  return PGlite.create({ ...options, parsers: pgliteParsers });
}

export function kyselyOverPglite(pglite: PGlite): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}
