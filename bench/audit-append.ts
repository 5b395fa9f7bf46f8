/**
 * How fast the audit log takes appends from many requests at once, on PostgreSQL:
 * `npx tsx bench/audit-append.ts` (DATABASE_URL names the server; default the local one).
 * It creates a database of its own, migrates it, and drops it at the end. Not part of `npm test`.
 *
 * Each round is 2,000 appends, 50 at a time through the app's own pool (10 connections), in two
 * shapes: bare, `recordAudit(db, …)`, as a read audited on its own; and in a transaction with 2 ms
 * of other work after the append, as a case page or a change does — an append that holds a lock
 * until commit makes every other request wait that long. The append as it was before the log was
 * sealed (one advisory lock, chained to the newest entry) runs in the same run as the baseline,
 * interleaved with today's (base, target, base, target, …); each figure is the median of its rounds.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { sealAuditLog } from '../src/modules/audit/seal.js';
import { GENESIS_HASH, entryHash, recordAudit, type AuditEvent } from '../src/modules/audit/service.js';

const TOTAL = 2_000;
const AT_ONCE = 50;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type Append = (db: Kysely<Database>, event: AuditEvent, now: Date) => Promise<void>;

/** The append of migration 0012's day, kept here to measure against: a global lock until commit. */
const lockedAppend: Append = async (db, event, now) => {
  const append = async (trx: Kysely<Database>) => {
    await sql`select pg_advisory_xact_lock(7341001)`.execute(trx);
    const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const fields = {
      occurred_at: now,
      actor_type: 'system' as const,
      actor_id: null,
      actor_label: event.actor.kind === 'system' ? event.actor.label : 'bench',
      organisation_id: null,
      action: event.action,
      record_type: event.recordType,
      record_id: String(event.recordId),
      detail: event.detail ?? {},
      ip_address: event.ipAddress ?? null,
      previous_hash: last?.hash ?? GENESIS_HASH,
    };
    await trx
      .insertInto('audit_log')
      .values({ ...fields, detail: JSON.stringify(fields.detail), hash: entryHash(fields) })
      .execute();
  };
  if (db.isTransaction) await append(db);
  else await db.transaction().execute(append);
};

const event = (index: number): AuditEvent => ({
  actor: { kind: 'system', label: 'bench' },
  action: 'read',
  recordType: 'case',
  recordId: index,
  detail: { filters: { status: ['open', 'in_progress'] }, page: 1 },
  ipAddress: '192.0.2.1',
});

const shapes: Record<string, (db: Kysely<Database>, append: Append, index: number) => Promise<void>> = {
  bare: (db, append, index) => append(db, event(index), new Date()),
  'in a transaction, 2 ms after it': (db, append, index) =>
    db.transaction().execute(async (trx) => {
      await append(trx, event(index), new Date());
      await sql`select pg_sleep(0.002)`.execute(trx);
    }),
};

interface Round {
  seconds: number;
  p50: number;
  p99: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** `TOTAL` calls, `AT_ONCE` in flight at a time. */
async function round(call: (index: number) => Promise<void>): Promise<Round> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (next < TOTAL) {
        const index = next++;
        const begun = performance.now();
        await call(index);
        latencies.push(performance.now() - begun);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    seconds: (performance.now() - started) / 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

function line(name: string, rounds: Round[]): string {
  const seconds = median(rounds.map((r) => r.seconds));
  const rate = Math.round(TOTAL / seconds);
  return `  ${name.padEnd(22)} ${seconds.toFixed(2).padStart(6)} s  ${String(rate).padStart(6)} appends/s  p50 ${median(
    rounds.map((r) => r.p50),
  )
    .toFixed(1)
    .padStart(6)} ms  p99 ${median(rounds.map((r) => r.p99))
    .toFixed(1)
    .padStart(6)} ms`;
}

async function run(db: Kysely<Database>) {
  // Warms the pool and the plan cache; not reported.
  await round((index) => recordAudit(db, event(index), new Date()));
  for (const [shape, call] of Object.entries(shapes)) {
    const results = { base: [] as Round[], target: [] as Round[] };
    for (let index = 0; index < ROUNDS; index++) {
      results.base.push(await round((i) => call(db, lockedAppend, i)));
      results.target.push(await round((i) => call(db, recordAudit, i)));
    }
    const ratio = median(results.base.map((r) => r.seconds)) / median(results.target.map((r) => r.seconds));
    console.log(`${shape} (median of ${ROUNDS} rounds each; lock-free is ${ratio.toFixed(1)}× as fast)`);
    console.log(line('one global lock (old)', results.base));
    console.log(line('lock-free (now)', results.target));
  }
  const started = performance.now();
  const sealed = await sealAuditLog(db, () => new Date());
  console.log(
    `sealing what was appended: ${sealed.entries} entries in ${sealed.seals} seals, ${((performance.now() - started) / 1000).toFixed(2)} s`,
  );
}

function databaseUrl(name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

const name = `shirehall_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
await admin.connect();
await admin.query(`create database ${name}`);
const db = await openDatabase({ kind: 'postgres', url: databaseUrl(name) });
try {
  await migrateToLatest(db);
  const { rows } = await sql<{ version: string }>`select version()`.execute(db);
  console.log(`${TOTAL} audit appends, ${AT_ONCE} at a time, on ${rows[0]!.version.split(' on ')[0]}`);
  await run(db);
} finally {
  await db.destroy();
  await admin.query(`drop database if exists ${name}`);
  await admin.end();
}
