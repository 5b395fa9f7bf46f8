import type { AddressInfo } from 'node:net';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabaseFor } from './db/database.js';
import { recordPortInLock, refuseIfFolderInUse, serverAdvice } from './db/folder-lock.js';
import { seedDemo } from './db/seed/demo.js';
import { migrateToLatest } from './db/migrate.js';
import { importReferenceData } from './db/seed/reference-data.js';
import { whenLauncherEnds } from './shared/processes.js';
import { startWorker } from './worker/start.js';

const startedAt = performance.now();
const config = loadConfig();
const folderUser = { command: 'the Shirehall server (npm start)', port: config.port, advice: serverAdvice };
const db = await openDatabaseFor(config, folderUser).catch(refuseIfFolderInUse);
await migrateToLatest(db);
await importReferenceData(db, config.partnership, (message) => console.log(message));
// The embedded database is for trying Shirehall out: it gets demo accounts. PostgreSQL never does.
if (!config.databaseUrl && config.environment !== 'production')
  await seedDemo(db, config.partnership, (text) => console.log(text));

const app = await buildApp({ config, db });
// Sends email and seals the audit log from this process unless RUN_WORKER=false (then `npm run worker` does).
const worker = config.runWorker ? startWorker({ config, db, log: app.log.child({ module: 'worker' }) }) : undefined;
const shutdown = closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  // Requests finish first, so that the worker's last seal covers the entries they wrote.
  await app.close();
  await worker?.stop();
  // Closing the embedded database also releases its folder's lock.
  await db.destroy();
});
whenLauncherEnds(() => {
  app.log.warn('npm, which started this server, has ended: shutting down');
  shutdown.close();
});

await app.listen({ host: config.host, port: config.port });
const port = (app.server.address() as AddressInfo).port;
if (!config.databaseUrl) recordPortInLock(config.dataDir, port);
const database = config.databaseUrl ? 'PostgreSQL' : `the embedded database in ${config.dataDir}/`;
app.log.info(
  `Shirehall is ready at http://localhost:${port} on ${database} (${Math.round(performance.now() - startedAt)} ms)`,
);
