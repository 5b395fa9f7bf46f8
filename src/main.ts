import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabaseFor } from './db/database.js';
import { seedDemo } from './db/seed/demo.js';
import { migrateToLatest } from './db/migrate.js';
import { importReferenceData } from './db/seed/reference-data.js';
import { startWorker } from './worker/start.js';

const startedAt = performance.now();
const config = loadConfig();
const db = await openDatabaseFor(config);
await migrateToLatest(db);
await importReferenceData(db, config.partnership, (message) => console.log(message));
// The embedded database is for trying Shirehall out: it gets demo accounts. PostgreSQL never does.
if (!config.databaseUrl && config.environment !== 'production') await seedDemo(db, config.partnership, (text) => console.log(text));

const app = await buildApp({ config, db });
// Sends email and seals the audit log from this process unless RUN_WORKER=false (then `npm run worker` does).
const worker = config.runWorker ? startWorker({ config, db, log: app.log.child({ module: 'worker' }) }) : undefined;
closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  // Requests finish first, so that the worker's last seal covers the entries they wrote.
  await app.close();
  await worker?.stop();
  await db.destroy();
});

await app.listen({ host: config.host, port: config.port });
const database = config.databaseUrl ? 'PostgreSQL' : `the embedded database in ${config.dataDir}/`;
app.log.info(`Shirehall is ready at http://localhost:${config.port} on ${database} (${Math.round(performance.now() - startedAt)} ms)`);
