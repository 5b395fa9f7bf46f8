/**
 * `npm run db:migrate`: runs the migrations and imports the reference data, then exits. For
 * PostgreSQL with the roles of scripts/postgres-roles.sql: run it with the owner's DATABASE_URL on
 * each deploy, then start the application with the app's, which may not change the schema and
 * finds nothing left to migrate (docs/audit.md, "Least privilege").
 */
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { importReferenceData } from '../db/seed/reference-data.js';

const config = loadConfig();
if (!config.databaseUrl) {
  // The embedded database is migrated by the process that opens it: `npm start`.
  console.error('npm run db:migrate needs DATABASE_URL: the embedded database is migrated by npm start itself.');
  process.exit(1);
}
const db = await openDatabase({ kind: 'postgres', url: config.databaseUrl });
try {
  await migrateToLatest(db);
  await importReferenceData(db, config.partnership, (message) => console.log(message));
  console.log('The database is up to date.');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
