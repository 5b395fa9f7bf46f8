import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { importReferenceData } from '../../src/db/seed/reference-data.js';
import { issueApiKey } from '../../src/modules/cases/open311/keys.js';
import { adminConnection, databaseUrlFor } from '../support/postgres.js';
import {
  freePort,
  runProcess,
  startServer,
  stopProcess,
  type RunningProcess,
  type RunningServer,
} from '../support/server.js';

/** Set for every process of the suite: no limit of ours is what a fault is about. */
const unlimited = {
  OPEN311_POSTS_PER_MINUTE: '1000000',
  RATE_LIMIT_PER_MINUTE: '1000000',
  SIGN_IN_ATTEMPTS_PER_MINUTE: '1000000',
};

/**
 * What production looks like, small: one PostgreSQL database of its own, two app processes on two
 * ports (RUN_WORKER=false), and `npm run worker` as a process of its own, sending through `smtpUrl`.
 */
export class Cluster {
  apps: (RunningServer | undefined)[] = [undefined, undefined];
  worker: RunningProcess | undefined;
  private readonly ports: number[] = [];

  private constructor(
    readonly admin: pg.Pool,
    readonly name: string,
    readonly url: string,
    readonly db: Kysely<Database>,
    readonly apiKey: string,
    private readonly smtpUrl: string,
  ) {}

  /** Makes the database (migrated, reference data imported) and a key for the load's Open311 client. */
  static async create(serverUrl: string, smtpUrl: string, log: (message: string) => void): Promise<Cluster> {
    const admin = adminConnection(serverUrl);
    const name = `shirehall_faults_${randomBytes(4).toString('hex')}`;
    await admin.query(`create database ${name}`);
    const url = databaseUrlFor(serverUrl, name);
    const db = await openDatabase({ kind: 'postgres', url });
    await migrateToLatest(db);
    await importReferenceData(db, 'derbyshire', log);
    const { key } = await issueApiKey(
      db,
      { name: 'Fault suite', organisationId: null, createdByStaffId: null },
      { kind: 'system', label: 'npm run test:faults' },
      new Date(),
    );
    return new Cluster(admin, name, url, db, key, smtpUrl);
  }

  /** The base addresses of the apps that are up. */
  targets(): string[] {
    return this.apps.filter((app): app is RunningServer => app !== undefined && !app.hasExited()).map((app) => app.url);
  }

  async startApp(index: number): Promise<RunningServer> {
    this.ports[index] ??= await freePort();
    const app = await startServer(
      { DATABASE_URL: this.url, RUN_WORKER: 'false', ...unlimited },
      { port: this.ports[index] },
    );
    this.apps[index] = app;
    return app;
  }

  startWorker(): RunningProcess {
    this.worker = runProcess(['--import', 'tsx', 'src/worker/main.ts'], {
      DATABASE_URL: this.url,
      SMTP_URL: this.smtpUrl,
      LOG_LEVEL: 'warn',
    });
    return this.worker;
  }

  /** pg_terminate_backend on every connection to the suite's database: the apps', the worker's, ours. */
  async terminateBackends(): Promise<number> {
    const result = await this.admin.query<{ n: number }>(
      'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [this.name],
    );
    return result.rows[0].n;
  }

  async stop(): Promise<void> {
    for (const app of this.apps) if (app) await stopProcess(app);
    if (this.worker) await stopProcess(this.worker);
    await this.db.destroy();
    await this.admin.query(`drop database if exists ${this.name} with (force)`);
    await this.admin.end();
  }
}
