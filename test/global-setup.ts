import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createPglite, kyselyOverPglite, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { importReferenceData } from '../src/db/seed/reference-data.js';
import { adminConnection, databaseUrlFor } from './support/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: a data-folder tarball holding the migrated, imported database. */
    pgliteTemplate: string;
    /** PostgreSQL (when DATABASE_URL is set): the name of a database to copy. */
    postgresTemplate: string;
  }
}

const quiet = () => {};

/**
 * Migrates and imports the real reference data once per run; each test file then starts from a
 * copy, which takes a fraction of a second instead of an import's several seconds.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) return preparePostgresTemplate(project, process.env.DATABASE_URL);
  return preparePgliteTemplate(project);
}

async function preparePgliteTemplate(project: TestProject) {
  const pglite = await createPglite();
  const db = kyselyOverPglite(pglite);
  await migrateToLatest(db);
  await importReferenceData(db, 'derbyshire', quiet);
  const dump = await pglite.dumpDataDir('none');
  await db.destroy();

  const folder = mkdtempSync(path.join(tmpdir(), 'shirehall-test-'));
  const file = path.join(folder, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  project.provide('postgresTemplate', '');
  return () => rmSync(folder, { recursive: true, force: true });
}

async function preparePostgresTemplate(project: TestProject, url: string) {
  const name = `shirehall_template_${randomBytes(4).toString('hex')}`;
  const admin = adminConnection(url);
  await admin.query(`create database ${name}`);
  const db = await openDatabase({ kind: 'postgres', url: databaseUrlFor(url, name) });
  await migrateToLatest(db);
  await importReferenceData(db, 'derbyshire', quiet);
  await db.destroy();
  project.provide('postgresTemplate', name);
  project.provide('pgliteTemplate', '');
  return async () => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}
