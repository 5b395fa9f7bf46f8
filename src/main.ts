import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { importReferenceData } from './db/seed/reference-data.js';

const startedAt = performance.now();
const config = loadConfig();
const db = await openDatabase(
  config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir },
);
await migrateToLatest(db);
await importReferenceData(db, config.partnership, (message) => console.log(message));

const app = await buildApp({ config, db });
closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  await app.close();
  await db.destroy();
});

await app.listen({ host: config.host, port: config.port });
const database = config.databaseUrl ? 'PostgreSQL' : `the embedded database in ${config.dataDir}/`;
app.log.info(`Shirehall is ready at http://localhost:${config.port} on ${database} (${Math.round(performance.now() - startedAt)} ms)`);
