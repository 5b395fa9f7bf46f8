import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { WorkerLog } from '../modules/notify/worker.js';
import { whenLauncherEnds } from '../shared/processes.js';
import { startWorker } from './start.js';

/**
 * `npm run worker`: the background jobs on their own, for production, where web processes set
 * RUN_WORKER=false. It seals the audit log whether or not SMTP_URL names a mail server to send email.
 */
const log: WorkerLog = {
  info: (message) => console.log(`${new Date().toISOString()} ${message}`),
  warn: (message) => console.warn(`${new Date().toISOString()} ${message}`),
  error: ({ err }, message) => console.error(`${new Date().toISOString()} ${message}`, err),
};

const config = loadConfig();
if (!config.databaseUrl) {
  // PGlite's files belong to one process: the web process, which runs the worker itself by default.
  console.error(
    'npm run worker needs DATABASE_URL: the embedded database can be opened by one process only. Leave RUN_WORKER=true and the web process sends email itself.',
  );
  process.exit(1);
}

const db = await openDatabase({ kind: 'postgres', url: config.databaseUrl });
await migrateToLatest(db);
const worker = startWorker({ config, db, log });
const shutdown = closeWithGrace({ delay: 30_000 }, async ({ err }) => {
  if (err) log.error({ err }, 'shutting down after an error');
  await worker.stop();
  await db.destroy();
});
whenLauncherEnds(() => {
  log.warn('npm, which started this worker, has ended: shutting down');
  shutdown.close();
});
