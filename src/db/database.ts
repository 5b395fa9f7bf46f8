import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataFolder, serverAdvice, type FolderUser } from './folder-lock.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type DatabaseTarget =
  { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string | undefined; user?: FolderUser };

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
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: postgresPool(target.url) }) });
  }
  if (!target.dataDir) return kyselyOverPglite(await createPglite());
  return openPgliteFolder(target.dataDir, target.user ?? anyUser);
}

/** Who opens the folder when the caller does not say: named by the script it runs. */
const anyUser: FolderUser = { command: `node ${path.basename(process.argv[1] ?? 'node')}`, advice: serverAdvice };

/**
 * The embedded database in a folder, locked to this process first — before initdb makes a new one —
 * and unlocked when the database is closed.
 */
async function openPgliteFolder(dataDir: string, user: FolderUser): Promise<Kysely<Database>> {
  mkdirSync(dataDir, { recursive: true });
  const lock = lockDataFolder(dataDir, user);
  try {
    createPgliteFolderElsewhere(dataDir);
    return kyselyOverPglite(await createPglite({ dataDir }), lock.release);
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** How long a request waits for a connection before it is told the service is unavailable. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A pool that outlives its connections. The server may end any of them at any moment (a restart, a
 * failover, pg_terminate_backend): the query running on it fails with that error, and pg.Pool drops
 * the connection when it is released and opens a new one for the next request. pg.Pool listens for
 * the errors of idle connections only; one checked out between two statements (inside a
 * transaction, or just acquired) reports its end as an 'error' event that, unheard, would end the
 * whole process. So every connection is listened to from the moment it opens.
 */
function postgresPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on('connect', (client) =>
    client.on('error', (error) => console.error(`PostgreSQL connection lost: ${error.message}`)),
  );
  // The pool repeats an idle connection's error, already logged by the connection's own listener.
  pool.on('error', () => {});
  return pool;
}

/**
 * A new folder is made by PGlite's initdb, which grows its WebAssembly memory to about 650 MB and
 * never gives it back; run in a short-lived process of its own, the server that then opens the
 * folder stays at a third of that.
 */
function createPgliteFolderElsewhere(dataDir: string): void {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const pgliteModule = JSON.stringify(import.meta.resolve('@electric-sql/pglite'));
  const script = `const { PGlite } = await import(${pgliteModule}); const db = await PGlite.create({ dataDir: process.argv[1] }); await db.close();`;
  const result = spawnSync(process.execPath, ['--input-type=module', '--eval', script, path.resolve(dataDir)], {
    stdio: 'inherit',
  });
  if (result.status !== 0)
    throw new Error(
      `Could not create the embedded database in ${dataDir} (initdb exited with ${result.status ?? result.signal})`,
    );
}

/**
 * The database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR,
 * which `user` then holds alone (DataFolderInUseError if another process has it).
 */
export function openDatabaseFor(
  config: { databaseUrl: string | undefined; dataDir: string },
  user?: FolderUser,
): Promise<Kysely<Database>> {
  return openDatabase(
    config.databaseUrl
      ? { kind: 'postgres', url: config.databaseUrl }
      : { kind: 'pglite', dataDir: config.dataDir, user },
  );
}

// PGlite's memory is WebAssembly's, which grows and never shrinks: PostgreSQL's defaults (128 MB of
// shared buffers, 64 MB per index build) made the first start peak at 1 GB. The embedded database
// holds one partnership's data, which these fit many times over.
const pgliteSettings = ['shared_buffers=16MB', 'maintenance_work_mem=16MB', 'work_mem=4MB', 'temp_buffers=4MB'];

/**
 * A PGlite database: in a folder, in memory, or in memory from a dump (as tests start). With pg_trgm,
 * which the customer view's name search uses (migration 0025), as PostgreSQL has it in contrib.
 */
export function createPglite(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<PGlite> {
  const startParams = [...PGlite.defaultStartParams, ...pgliteSettings.flatMap((setting) => ['-c', setting])];
  return PGlite.create({ ...options, parsers: pgliteParsers, startParams, extensions: { pg_trgm } });
}

/** Kysely over PGlite; `afterClose` runs once the database is closed (the folder's lock is released). */
export function kyselyOverPglite(pglite: PGlite, afterClose?: () => void): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite, afterClose) });
}
