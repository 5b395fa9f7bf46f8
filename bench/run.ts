/**
 * `npm run bench` (`npm run bench -- --quick` for a short run): the hot paths of issue 7, each beside
 * a bare Fastify 5 baseline measured in the same run, interleaved (baseline, target, baseline,
 * target…; the median of the rounds). See bench/README.md for what each figure means.
 *
 * 1. Point-in-polygon in a process of its own.
 * 2. PostgreSQL: a database of its own (created here, dropped at the end, even on failure), the real
 *    server started on it as production runs it, staff, keys and cases at 1k and then at 1,000,000.
 * 3. The embedded default: PGlite in a fresh folder, started as `npm start` starts it, then restarted.
 *
 * Environment: DATABASE_URL (the server to create the bench database on; default the local one, as
 * its admin database), BENCH_ROUNDS, BENCH_DURATION (seconds per measurement).
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { dataPath, parseCsv } from '../src/db/seed/files.js';
import type { Database } from '../src/db/schema.js';
import type { LoadJob, LoadResult } from './load-generator.js';
import { LoadClient } from './lib/load-client.js';
import {
  countCases,
  createBaselineTables,
  createBenchDatabase,
  generateCases,
  issueBenchKeys,
  openBenchKysely,
  staffSessionCookie,
  vacuumAnalyze,
  type BenchDatabase,
} from './lib/postgres.js';
import {
  buildForBench,
  freePort,
  nodeArgsFor,
  projectRoot,
  runningPids,
  ServerProcess,
  settle,
  stopAll,
} from './lib/processes.js';
import { machineInfo, resultTable, writeResults, type ResultRow } from './lib/report.js';

const quick = process.argv.includes('--quick');
const settings = {
  rounds: Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3)),
  durationSeconds: Number(process.env.BENCH_DURATION ?? (quick ? 2 : 3)),
  warmupSeconds: quick ? 1 : 1.5,
  // A process started just before its group (the second app, the logging pair) is warmed up longer:
  // a new process is measurably slower for its first seconds under load (JIT, pool, caches).
  freshWarmupSeconds: quick ? 4 : 8,
  connections: 100,
  // The worklist is measured at 10 connections (as many as the app's database pool): at 100 the
  // app as it is answers nothing within a run, and a rate of 0 tells nothing about flatness.
  worklistConnections: 10,
  smallScale: 1_000,
  largeScale: quick ? 100_000 : 1_000_000,
  apiKeys: quick ? 300 : 1_000,
  rateLimitPerMinute: 100_000_000,
};
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const appEntry = path.join(projectRoot, 'src/main.ts');
const baselineEntry = path.join(projectRoot, 'bench/baseline-server.ts');
const MB = 2 ** 20;
const freshWarmupSeconds = settings.freshWarmupSeconds;

const began = performance.now();
const say = (text: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${text}`);

// ---------------------------------------------------------------------------------------------
// Cleanup: servers stopped, database dropped, temporary folders removed, on every way out.

const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | undefined;
/** Runs once; a second caller (Ctrl-C during a failure's cleanup) waits for the same run. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await stopAll().catch(() => {});
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the servers and dropping the bench database`);
    // Not awaited in a signal handler; cleanUp catches and logs each step's failure, so it cannot reject.
    void cleanUp().finally(() => process.exit(130));
  });
}

const temporary = mkdtempSync(path.join(os.tmpdir(), 'shirehall-bench-'));
// BENCH_KEEP_LOGS=1 keeps the servers' logs (the folder is named at the end); the data goes anyway.
const keepLogs = process.env.BENCH_KEEP_LOGS === '1';
cleanups.push(() => {
  if (!keepLogs) rmSync(temporary, { recursive: true, force: true });
  else {
    for (const name of ['embedded-data', 'unused'])
      rmSync(path.join(temporary, name), { recursive: true, force: true });
    console.log(`Server logs kept in ${temporary}`);
  }
});
const logFile = (name: string) => path.join(temporary, `${name}.log`);

// ---------------------------------------------------------------------------------------------
// Statistics and measurement.

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** What a subject is asked: the same requests go to the target and to its baseline. */
interface RequestSpec {
  method?: 'GET' | 'POST';
  paths: string[];
  bodies?: string[];
  headers?: Record<string, string>;
  /** The status a correct answer has, checked once before the load. */
  expect: number;
}

interface Subject {
  label: string;
  servers: ServerProcess[];
  request: RequestSpec;
  connections?: number;
}

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  runs: LoadResult[];
  status: Record<string, number>;
  errors: number;
  timeouts: number;
}

function summarise(runs: LoadResult[]): Summary {
  const status: Record<string, number> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  for (const run of runs) for (const [code, count] of Object.entries(run.status)) status[code] += count;
  return {
    rps: median(runs.map((run) => run.requestsPerSecond)),
    p50: median(runs.map((run) => run.latency.p50)),
    p99: median(runs.map((run) => run.latency.p99)),
    runs,
    status,
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    timeouts: runs.reduce((sum, run) => sum + run.timeouts, 0),
  };
}

const load = new LoadClient();
let benchDatabase: BenchDatabase | undefined;
let adminPool: pg.Pool | undefined;

/** Waits until the bench database has no query running (a backlog of the last run draining). */
async function databaseQuiet(maxMs = 10_000): Promise<void> {
  if (!adminPool || !benchDatabase) return;
  const start = performance.now();
  while (performance.now() - start < maxMs) {
    const { rows } = await adminPool.query<{ active: string }>(
      "select count(*) as active from pg_stat_activity where datname = $1 and state = 'active' and pid <> pg_backend_pid()",
      [benchDatabase.name],
    );
    if (Number(rows[0].active) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every server of ours idle (the last target may still be draining its backlog) and the database too. */
let settledMs = 0;
async function quiet(): Promise<void> {
  const start = performance.now();
  const waited = await settle(runningPids());
  await databaseQuiet();
  settledMs += performance.now() - start;
  if (waited > 3_000) say(`  (waited ${(waited / 1000).toFixed(1)} s for the servers to go idle)`);
}

/** One request, to see the subject answers as it should before it is loaded. */
async function preflight(subject: Subject): Promise<void> {
  await revive(subject.servers, `the check before ${subject.label}`);
  for (const server of subject.servers) {
    const { request } = subject;
    const response = await fetch(`${server.baseUrl}${request.paths[0]}`, {
      method: request.method ?? 'GET',
      headers: request.headers,
      body: request.bodies?.[0],
      redirect: 'manual',
      signal: AbortSignal.timeout(120_000),
    });
    const body = await response.text();
    if (response.status !== request.expect) {
      throw new Error(
        `${subject.label}: ${request.method ?? 'GET'} ${request.paths[0]} answered ${response.status}, not ${request.expect}:\n${body.slice(0, 600)}`,
      );
    }
  }
}

/** Servers that stopped without the bench asking (a crash, or someone's `pkill`), each restarted once per run. */
const incidents: { server: string; during: string; exit: string; at: string; log: string }[] = [];

async function revive(servers: ServerProcess[], during: string): Promise<number | undefined> {
  let revived: number | undefined;
  for (const server of servers.filter((candidate) => candidate.diedUnasked)) {
    const log = server
      .logTail(400)
      .split('\n')
      // what the process said that is not a request log line: exit-watch's notes, errors, console output
      .filter((line) => !line.startsWith('{') || /"level":(4|5|6)\d/.test(line))
      .slice(-12)
      .join('\n');
    incidents.push({ server: server.name, during, exit: server.exitDescription, at: new Date().toISOString(), log });
    say(
      `  ${server.name} ${server.exitDescription} during ${during}, not asked to by the bench${log ? `: ${log.split('\n').join(' | ')}` : ''}; starting it again`,
    );
    if (server.respawns >= 5)
      throw new Error(`${server.name} keeps stopping (${server.respawns} times); giving up.\n${server.logTail(40)}`);
    revived = await server.respawn();
  }
  return revived;
}

async function runOnce(subject: Subject, seconds: number): Promise<LoadResult> {
  for (let attempt = 0; ; attempt += 1) {
    await revive(subject.servers, `the wait before ${subject.label}`);
    await quiet();
    const job: LoadJob = {
      targets: subject.servers.map((server) => server.baseUrl),
      connections: subject.connections ?? settings.connections,
      durationSeconds: seconds,
      method: subject.request.method,
      paths: subject.request.paths,
      bodies: subject.request.bodies,
      headers: subject.request.headers,
    };
    const result = await load.run(job);
    // A run during which a server went away measures nothing: start it again and measure again.
    if ((await revive(subject.servers, subject.label)) === undefined) return result;
    if (attempt >= 2) throw new Error(`${subject.label}: its server stopped in three runs in a row`);
  }
}

interface Pair {
  target: Subject;
  baseline: Subject;
}

/**
 * Each pair's baseline and target, alternately, round after round: baseline, target, next pair's
 * baseline, its target… Each is warmed up once first. The medians are compared.
 */
/** Medians of the rounds; `ratio` is the median of each round's target / baseline, which cancels slow drift. */
interface Measured {
  target: Summary;
  baseline: Summary;
  ratio: number | null;
}

async function interleaved(pairs: Pair[], warmupSeconds = settings.warmupSeconds): Promise<Measured[]> {
  const warmed = new Set<ServerProcess>();
  for (const { target, baseline } of pairs) {
    await preflight(baseline);
    await preflight(target);
    for (const subject of [baseline, target]) {
      if (subject.servers.every((server) => warmed.has(server)) && subject === baseline) continue;
      await runOnce(subject, warmupSeconds);
      for (const server of subject.servers) warmed.add(server);
    }
  }
  const results = pairs.map(() => ({ target: [] as LoadResult[], baseline: [] as LoadResult[] }));
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const [index, { target, baseline }] of pairs.entries()) {
      const base = await runOnce(baseline, settings.durationSeconds);
      const measured = await runOnce(target, settings.durationSeconds);
      results[index].baseline.push(base);
      results[index].target.push(measured);
      say(
        `  round ${round + 1}/${settings.rounds} ${target.label}: ${measured.requestsPerSecond.toFixed(0)} req/s (p99 ${measured.latency.p99} ms)${nonSuccess(measured)} | ${baseline.label}: ${base.requestsPerSecond.toFixed(0)} req/s${nonSuccess(base)}`,
      );
    }
  }
  return results.map(({ target, baseline }) => {
    const paired = target.flatMap((run, i) =>
      baseline[i].requestsPerSecond > 0 ? [run.requestsPerSecond / baseline[i].requestsPerSecond] : [],
    );
    return { target: summarise(target), baseline: summarise(baseline), ratio: paired.length ? median(paired) : null };
  });
}

function nonSuccess(result: LoadResult): string {
  const parts = [
    result.status['3xx'] ? `${result.status['3xx']} 3xx` : '',
    result.status['4xx'] ? `${result.status['4xx']} 4xx` : '',
    result.status['5xx'] ? `${result.status['5xx']} 5xx` : '',
    result.errors ? `${result.errors} errors (${result.timeouts} timeouts)` : '',
  ].filter(Boolean);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

// ---------------------------------------------------------------------------------------------
// Rows.

const rows: ResultRow[] = [];
const round1 = (value: number) => Math.round(value * 10) / 10;

/** A row of goal 7: a peak RSS against its limit, beside bare Fastify's peak under load. */
function memoryRow(path: string, peak: number, barePeak: number, limitMb: number, goal: string) {
  return {
    goal_id: 7,
    path,
    value: round1(peak / MB),
    unit: 'MB',
    baseline: round1(barePeak / MB),
    baseline_name: 'bare Fastify under load',
    ratio: Number((peak / Math.max(1, barePeak)).toFixed(2)),
    ratio_as: 'times' as const,
    goal,
    met: peak < limitMb * MB,
    p50: null,
    p99: null,
  };
}

function detailOf(summary: Summary, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    runs_req_per_s: summary.runs.map((run) => round1(run.requestsPerSecond)),
    responses: summary.status,
    connection_errors: summary.errors,
    timeouts: summary.timeouts,
    ...extra,
  };
}

function throughputRow(
  goalId: number,
  label: string,
  measured: Measured,
  baselineName: string,
  goal: string,
  met: (ratio: number, summary: Summary) => boolean,
  extra: Record<string, unknown> = {},
): void {
  const { ratio } = measured;
  rows.push({
    goal_id: goalId,
    path: label,
    value: round1(measured.target.rps),
    unit: 'req/s',
    baseline: round1(measured.baseline.rps),
    baseline_name: baselineName,
    ratio: ratio === null ? null : Number(ratio.toFixed(4)),
    ratio_as: 'percent',
    goal,
    met: ratio === null ? false : met(ratio, measured.target),
    p50: measured.target.p50,
    p99: measured.target.p99,
    detail: detailOf(measured.target, {
      baseline_p50: measured.baseline.p50,
      baseline_p99: measured.baseline.p99,
      baseline_runs_req_per_s: measured.baseline.runs.map((run) => round1(run.requestsPerSecond)),
      baseline_responses: measured.baseline.status,
      ...extra,
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// Request lists: real postcodes from data/, in a fixed shuffled order.

function shuffled<T>(items: T[], seed = 20_260_101): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

const postcodeRows = shuffled(
  parseCsv(readFileSync(dataPath('postcodes/derbyshire-postcodes-codepoint-2014.csv'), 'utf8')),
);
const requests = {
  postcode: {
    paths: postcodeRows.map((row) => `/api/v1/places/postcodes/${encodeURIComponent(row.postcode)}`),
    expect: 200,
  },
  point: {
    paths: postcodeRows.map((row) => `/api/v1/places/point?lat=${row.latitude}&lng=${row.longitude}`),
    expect: 200,
  },
  home: { paths: ['/'], expect: 200 },
  aToZ: { paths: ['/services'], expect: 200 },
  service: {
    paths: postcodeRows.map(
      (row) => `/services/find-out-which-day-the-refuse-is-collected?postcode=${encodeURIComponent(row.postcode)}`,
    ),
    expect: 200,
  },
} satisfies Record<string, RequestSpec>;
const readPaths: RequestSpec = {
  paths: requests.postcode.paths.flatMap((postcode, i) => [postcode, requests.point.paths[i]]),
  expect: 200,
};

const htmlTargets = [
  { key: 'home', label: 'HTML home /' },
  { key: 'aToZ', label: 'HTML A-Z /services' },
  { key: 'service', label: 'HTML service page with a postcode /services/{slug}?postcode=' },
] as const;

// ---------------------------------------------------------------------------------------------
// Servers.

async function startBaseline(
  mode: 'constant' | 'insert' | 'select',
  databaseUrl?: string,
): Promise<{ server: ServerProcess; startMs: number }> {
  const server = new ServerProcess({
    name: `bare Fastify (${mode})`,
    entry: baselineEntry,
    env: { BASELINE: mode, DATABASE_URL: databaseUrl },
    port: await freePort(),
    logFile: logFile(`baseline-${mode}-${randomBytes(2).toString('hex')}`),
  });
  const startMs = await server.ready();
  return { server, startMs };
}

const appLogs: { name: string; file: string }[] = [];
// BENCH_CPU_PROF=<folder>: each app process writes a V8 CPU profile there when it stops (open it in
// Chrome DevTools or speedscope). Profiling slows the app, so figures from such a run are not the record.
const cpuProfileFolder = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
const cpuProfileFlags = cpuProfileFolder ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileFolder}`] : [];

async function startApp(
  name: string,
  env: Record<string, string | undefined>,
): Promise<{ server: ServerProcess; startMs: number }> {
  const port = await freePort();
  const file = logFile(name.replace(/\W+/g, '-'));
  appLogs.push({ name, file });
  const server = new ServerProcess({
    name,
    entry: appEntry,
    preload: [path.join(projectRoot, 'bench/exit-watch.ts')],
    nodeFlags: cpuProfileFlags,
    env: { ...env, PUBLIC_URL: env.PUBLIC_URL === undefined ? undefined : `http://127.0.0.1:${port}` },
    port,
    logFile: file,
  });
  try {
    return { server, startMs: await server.ready() };
  } catch (error) {
    if (!server.diedUnasked) throw error;
    // Started again, its start is no longer a first start: the incident is in the results.
    const startMs = await revive([server], 'its start');
    return { server, startMs: startMs ?? Number.NaN };
  }
}

// ---------------------------------------------------------------------------------------------
// The phases.

async function pointInPolygon(): Promise<void> {
  say('point-in-polygon in process');
  const { args } = nodeArgsFor(path.join(projectRoot, 'bench/point-in-polygon-child.ts'));
  const { stdout } = await promisify(execFile)(process.execPath, [...args, ...(quick ? ['--quick'] : [])], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: benchDatabase?.url ?? adminUrl },
    maxBuffer: 16 * MB,
  });
  const figures = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    lookupsPerSecond: number;
    postgisLookupsPerSecond: number | null;
    source: string;
    note?: string;
  };
  const ratio = figures.postgisLookupsPerSecond ? figures.lookupsPerSecond / figures.postgisLookupsPerSecond : null;
  rows.push({
    goal_id: 6,
    path: 'point-in-polygon in process, both tiers',
    value: Math.round(figures.lookupsPerSecond),
    unit: 'lookups/s',
    baseline: figures.postgisLookupsPerSecond === null ? null : Math.round(figures.postgisLookupsPerSecond),
    baseline_name: 'PostGIS ST_Contains',
    ratio: ratio === null ? null : Number(ratio.toFixed(2)),
    ratio_as: 'times',
    goal: '≥ 1,000,000 lookups/s and ≥ 20× PostGIS',
    met: figures.lookupsPerSecond >= 1_000_000 && ratio !== null && ratio >= 20,
    p50: null,
    p99: null,
    detail: { source: figures.source, ...(figures.note ? { note: figures.note } : {}) },
  });
  say(
    `  ${Math.round(figures.lookupsPerSecond).toLocaleString('en-GB')} lookups/s; PostGIS ${figures.postgisLookupsPerSecond === null ? 'not measured' : Math.round(figures.postgisLookupsPerSecond).toLocaleString('en-GB')}`,
  );
}

const bare = { startMs: [] as number[], afterStartRss: 0, peakRss: 0 };
let constantBaseline: ServerProcess;

async function postgresPhase(): Promise<void> {
  say(`PostgreSQL: creating a database of its own on ${new URL(adminUrl).host}`);
  benchDatabase = await createBenchDatabase(adminUrl);
  const database = benchDatabase;
  cleanups.push(() => database.drop());
  adminPool = new pg.Pool({ connectionString: adminUrl, max: 1 });
  const pool = adminPool;
  cleanups.push(() => pool.end());
  say(`  ${database.name} (PostgreSQL ${database.serverVersion}); baseline tables`);
  await createBaselineTables(database.url, 2_000);

  const constant = await startBaseline('constant');
  constantBaseline = constant.server;
  bare.startMs.push(constant.startMs);
  bare.afterStartRss = constant.server.lastRss;
  constant.server.window('load');
  const insert = (await startBaseline('insert', database.url)).server;
  const select = (await startBaseline('select', database.url)).server;

  const appEnv = {
    DATABASE_URL: database.url,
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_URL: 'set per process',
    RATE_LIMIT_PER_MINUTE: String(settings.rateLimitPerMinute),
    // Where the app has it (OPEN311_POSTS_PER_MINUTE); the bench also posts with many clients in turn.
    OPEN311_POSTS_PER_MINUTE: String(settings.rateLimitPerMinute),
    LOG_LEVEL: 'info',
    // Production runs the worker as its own process (`npm run worker`); nothing here needs it.
    RUN_WORKER: 'false',
    DATA_DIR: path.join(temporary, 'unused'),
  };
  say('  starting the app on PostgreSQL (fresh database: migrations and reference data)');
  const { server: app, startMs: pgFreshMs } = await startApp('app on PostgreSQL', appEnv);
  say(`  first 200 after ${pgFreshMs.toFixed(0)} ms`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const pgAfterStartRss = app.lastRss;
  app.window('load');

  const db: Kysely<Database> = await openBenchKysely(database.url);
  cleanups.push(() => db.destroy());
  // The staff member works for Amber Valley; Open311 posts go to Derbyshire Dales, so they do not
  // change the size of the worklist being measured.
  const staff = await staffSessionCookie(db, 'E07000032');
  say(`  issuing ${settings.apiKeys} Open311 keys`);
  const keys = await issueBenchKeys(db, settings.apiKeys);
  await generateCases(db, 1, settings.smallScale);
  await vacuumAnalyze(db);

  const constantPair = (target: Subject): Pair => ({
    target,
    baseline: { label: 'bare Fastify constant', servers: [constant.server], request: target.request },
  });
  say('PostgreSQL: read paths and pages against the constant baseline');
  const readTargets: Subject[] = [
    { label: 'postcode (PG)', servers: [app], request: requests.postcode },
    { label: 'point (PG)', servers: [app], request: requests.point },
    ...htmlTargets.map(({ key, label }) => ({ label: `${label} (PG)`, servers: [app], request: requests[key] })),
  ];
  const reads = await interleaved(readTargets.map(constantPair));
  throughputRow(
    1,
    'postcode → councils GET /api/v1/places/postcodes/{pc} (PostgreSQL)',
    reads[0],
    'bare Fastify constant',
    '≥ 60% of baseline; p99 < 20 ms at 100 connections',
    (ratio, target) => ratio >= 0.6 && target.p99 < 20,
  );
  throughputRow(
    2,
    'point → councils GET /api/v1/places/point (PostgreSQL)',
    reads[1],
    'bare Fastify constant',
    '≥ 60% of baseline',
    (ratio) => ratio >= 0.6,
  );
  htmlTargets.forEach(({ label }, i) =>
    throughputRow(
      3,
      `${label} (PostgreSQL)`,
      reads[2 + i],
      'bare Fastify constant',
      '≥ 30% of baseline',
      (ratio) => ratio >= 0.3,
    ),
  );

  say(
    `PostgreSQL: staff worklist at ${settings.smallScale.toLocaleString('en-GB')} cases against the indexed-SELECT baseline`,
  );
  const worklistRequest: RequestSpec = { paths: ['/staff/cases'], headers: { cookie: staff.cookie }, expect: 200 };
  const worklistSubject: Subject = {
    label: 'worklist (PG)',
    servers: [app],
    request: worklistRequest,
    connections: settings.worklistConnections,
  };
  const selectBaseline: Subject = {
    label: 'bare Fastify SELECT',
    servers: [select],
    request: worklistRequest,
    connections: settings.worklistConnections,
  };
  const ownCasesSmall = await countCases(db, staff.organisationId);
  const [worklistSmall] = await interleaved([{ target: worklistSubject, baseline: selectBaseline }]);

  say(`PostgreSQL: Open311 POST against the one-INSERT baseline (${keys.length} clients in turn)`);
  const form = (key: string) =>
    new URLSearchParams([
      ['api_key', key],
      ['service_code', 'missed-bin'],
      ['address_string', 'DE4 3AG'],
      ['attribute[bin_type]', 'general'],
      ['description', 'The bin was out by 7am'],
    ]).toString();
  const postRequest: RequestSpec = {
    method: 'POST',
    paths: ['/open311/v2/requests.xml'],
    bodies: keys.map(form),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    expect: 201,
  };
  const [posts] = await interleaved([
    {
      target: { label: 'Open311 POST (PG)', servers: [app], request: postRequest },
      baseline: { label: 'bare Fastify INSERT', servers: [insert], request: postRequest },
    },
  ]);
  throughputRow(
    4,
    'Open311 POST /open311/v2/requests.xml (PostgreSQL)',
    posts,
    'bare Fastify one INSERT',
    '≥ 40% of baseline and ≥ 1,500 req/s',
    (ratio, target) => ratio >= 0.4 && target.rps >= 1_500,
    { clients: keys.length, posts_per_client_per_minute_allowed: 60 },
  );

  const started = performance.now();
  say(
    `PostgreSQL: generating cases up to ${settings.largeScale.toLocaleString('en-GB')} (INSERT … SELECT FROM generate_series)`,
  );
  const step = 250_000;
  for (let from = settings.smallScale + 1; from <= settings.largeScale; from += step)
    await generateCases(db, from, Math.min(settings.largeScale, from + step - 1));
  await vacuumAnalyze(db);
  const generationSeconds = (performance.now() - started) / 1000;
  const totalCases = await countCases(db);
  const ownCasesLarge = await countCases(db, staff.organisationId);
  say(
    `  ${totalCases.toLocaleString('en-GB')} cases (${ownCasesLarge.toLocaleString('en-GB')} the staff member's organisation's) in ${generationSeconds.toFixed(0)} s`,
  );
  const [worklistLarge] = await interleaved([{ target: worklistSubject, baseline: selectBaseline }]);

  const scaleNote = (cases: number, own: number) => ({
    cases,
    cases_of_the_organisation: own,
    connections: settings.worklistConnections,
  });
  const largeLabel =
    settings.largeScale >= 1_000_000 ? `${settings.largeScale / 1_000_000}M` : `${settings.largeScale / 1_000}k`;
  throughputRow(
    5,
    `staff worklist /staff/cases, ${settings.smallScale / 1_000}k cases (PostgreSQL)`,
    worklistSmall,
    'bare Fastify indexed SELECT',
    '≥ 40% of baseline',
    (ratio) => ratio >= 0.4,
    scaleNote(settings.smallScale, ownCasesSmall),
  );
  throughputRow(
    5,
    `staff worklist /staff/cases, ${largeLabel} cases (PostgreSQL)`,
    worklistLarge,
    'bare Fastify indexed SELECT',
    '≥ 40% of baseline',
    (ratio) => ratio >= 0.4,
    { ...scaleNote(totalCases, ownCasesLarge), generation_seconds: round1(generationSeconds) },
  );
  const flatness = worklistSmall.target.rps > 0 ? worklistLarge.target.rps / worklistSmall.target.rps : null;
  rows.push({
    goal_id: 5,
    path: `staff worklist flatness: ${largeLabel} cases vs ${settings.smallScale / 1_000}k`,
    value: round1(worklistLarge.target.rps),
    unit: 'req/s',
    baseline: round1(worklistSmall.target.rps),
    baseline_name: `${settings.smallScale / 1_000}k cases`,
    ratio: flatness === null ? null : Number(flatness.toFixed(3)),
    ratio_as: 'percent',
    goal: `within 20% (≥ 80%)${settings.largeScale < 1_000_000 ? `; --quick: ${largeLabel}, not 1M` : ''}`,
    met: flatness !== null && flatness >= 0.8,
    p50: worklistLarge.target.p50,
    p99: worklistLarge.target.p99,
    detail: {
      select_baseline_ratio_small: worklistSmall.ratio,
      select_baseline_ratio_large: worklistLarge.ratio,
      // The same comparison with each scale's req/s first divided by its own SELECT baseline: machine drift between the two cancels.
      flatness_against_baselines:
        worklistSmall.ratio && worklistLarge.ratio
          ? Number((worklistLarge.ratio / worklistSmall.ratio).toFixed(3))
          : null,
    },
  });

  say('PostgreSQL: one app process against two, on the read paths (postcode and point, alternately)');
  const { server: second } = await startApp('second app on PostgreSQL', appEnv);
  const [scaling] = await interleaved(
    [
      {
        target: { label: 'two app processes', servers: [app, second], request: readPaths },
        baseline: { label: 'one app process', servers: [app], request: readPaths },
      },
    ],
    freshWarmupSeconds,
  );
  await quiet();
  await second.stop();
  const factor = scaling.ratio;
  rows.push({
    goal_id: 9,
    path: 'two app processes on one PostgreSQL vs one, read paths',
    value: round1(scaling.target.rps),
    unit: 'req/s',
    baseline: round1(scaling.baseline.rps),
    baseline_name: 'one process',
    ratio: factor === null ? null : Number(factor.toFixed(3)),
    ratio_as: 'times',
    goal: '≥ 1.7×',
    met: factor !== null && factor >= 1.7,
    p50: scaling.target.p50,
    p99: scaling.target.p99,
    detail: detailOf(scaling.target, {
      cores: os.cpus().length,
      note: 'one load generator process drives both (50 connections each) or the one (100)',
    }),
  });

  // Two new processes, started and warmed up alike: a process that has served for minutes is faster
  // than a new one for its first ten seconds or so under load, whatever its log level.
  say('PostgreSQL: request logging, LOG_LEVEL=info against silent (postcode path, two new processes)');
  const { server: silent } = await startApp('app on PostgreSQL, LOG_LEVEL=silent', { ...appEnv, LOG_LEVEL: 'silent' });
  const { server: logged } = await startApp('app on PostgreSQL, LOG_LEVEL=info, for the logging comparison', appEnv);
  const [logging] = await interleaved(
    [
      {
        target: { label: 'LOG_LEVEL=info', servers: [logged], request: requests.postcode },
        baseline: { label: 'LOG_LEVEL=silent', servers: [silent], request: requests.postcode },
      },
    ],
    freshWarmupSeconds,
  );
  await quiet();
  await silent.stop();
  await logged.stop();
  const kept = logging.ratio;
  rows.push({
    goal_id: 10,
    path: 'request logging: postcode path, LOG_LEVEL=info vs silent (PostgreSQL)',
    value: round1(logging.target.rps),
    unit: 'req/s',
    baseline: round1(logging.baseline.rps),
    baseline_name: 'silent',
    ratio: kept === null ? null : Number(kept.toFixed(3)),
    ratio_as: 'percent',
    goal: 'report the ratio',
    met: null,
    p50: logging.target.p50,
    p99: logging.target.p99,
    detail: detailOf(logging.target, {
      silent_p50: logging.baseline.p50,
      silent_p99: logging.baseline.p99,
      cost_per_cent: kept === null ? null : round1((1 - kept) * 100),
    }),
  });

  const pgPeak = app.windowPeak('load');
  bare.peakRss = Math.max(bare.peakRss, constant.server.windowPeak('load'));
  rows.push({
    ...memoryRow('memory: RSS of the app under load (PostgreSQL)', pgPeak, bare.peakRss, 250, '< 250 MB under load'),
    detail: {
      after_start_mb: round1(pgAfterStartRss / MB),
      peak_mb: round1(pgPeak / MB),
      bare_after_start_mb: round1(bare.afterStartRss / MB),
      fresh_start_ms: Math.round(pgFreshMs),
    },
  });

  await quiet();
  await app.stop();
  await insert.stop();
  await select.stop();
}

async function embeddedPhase(): Promise<void> {
  const dataDir = path.join(temporary, 'embedded-data');
  const embeddedEnv = {
    DATABASE_URL: undefined,
    NODE_ENV: undefined,
    SESSION_SECRET: undefined,
    PUBLIC_URL: undefined,
    LOG_LEVEL: undefined,
    RUN_WORKER: undefined,
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: String(settings.rateLimitPerMinute),
  };
  say('embedded: first start on a fresh DATA_DIR (migrations, reference data, demo seed)');
  const { server: app, startMs: freshMs } = await startApp('app on the embedded database', embeddedEnv);
  const firstStartPeak = app.peakRss;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const afterStartRss = app.lastRss;
  say(
    `  first 200 after ${freshMs.toFixed(0)} ms; RSS ${round1(afterStartRss / MB)} MB (peak during the start ${round1(firstStartPeak / MB)} MB)`,
  );
  app.window('load');
  constantBaseline.window('embedded');

  const targets: Subject[] = [
    { label: 'postcode (embedded)', servers: [app], request: requests.postcode },
    { label: 'point (embedded)', servers: [app], request: requests.point },
    ...htmlTargets.map(({ key, label }) => ({ label: `${label} (embedded)`, servers: [app], request: requests[key] })),
  ];
  const reads = await interleaved(
    targets.map((target) => ({
      target,
      baseline: { label: 'bare Fastify constant', servers: [constantBaseline], request: target.request },
    })),
  );
  throughputRow(
    1,
    'postcode → councils GET /api/v1/places/postcodes/{pc} (embedded)',
    reads[0],
    'bare Fastify constant',
    '≥ 60% of baseline; p99 < 20 ms at 100 connections',
    (ratio, target) => ratio >= 0.6 && target.p99 < 20,
  );
  throughputRow(
    2,
    'point → councils GET /api/v1/places/point (embedded)',
    reads[1],
    'bare Fastify constant',
    '≥ 60% of baseline',
    (ratio) => ratio >= 0.6,
  );
  htmlTargets.forEach(({ label }, i) =>
    throughputRow(
      3,
      `${label} (embedded)`,
      reads[2 + i],
      'bare Fastify constant',
      '≥ 30% of baseline',
      (ratio) => ratio >= 0.3,
    ),
  );
  const underLoadPeak = app.windowPeak('load');
  bare.peakRss = Math.max(bare.peakRss, constantBaseline.windowPeak('embedded'));
  let peak = app.peakRss;
  await quiet();
  await app.stop();
  await constantBaseline.stop();

  say('embedded: restarts on the same DATA_DIR, each after a bare Fastify start');
  const restartMs: number[] = [];
  let restartPeak = 0;
  for (let round = 0; round < settings.rounds; round += 1) {
    const baseline = await startBaseline('constant');
    bare.startMs.push(baseline.startMs);
    await baseline.server.stop();
    const restarted = await startApp('app on the embedded database, restarted', embeddedEnv);
    restartMs.push(restarted.startMs);
    restartPeak = Math.max(restartPeak, restarted.server.peakRss);
    await restarted.server.stop();
    say(
      `  restart ${round + 1}/${settings.rounds}: ${restarted.startMs.toFixed(0)} ms (bare Fastify ${baseline.startMs.toFixed(0)} ms)`,
    );
  }
  peak = Math.max(peak, restartPeak);
  const bareStart = median(bare.startMs);

  rows.push({
    ...memoryRow(
      'memory: RSS of the app, embedded, first start included',
      peak,
      bare.peakRss,
      400,
      '< 400 MB, first start included',
    ),
    detail: {
      first_start_peak_mb: round1(firstStartPeak / MB),
      after_start_mb: round1(afterStartRss / MB),
      under_load_peak_mb: round1(underLoadPeak / MB),
      restart_peak_mb: round1(restartPeak / MB),
      bare_after_start_mb: round1(bare.afterStartRss / MB),
    },
  });
  rows.push({
    goal_id: 8,
    path: 'start to first 200 (GET /health), embedded restart',
    value: Math.round(median(restartMs)),
    unit: 'ms',
    baseline: Math.round(bareStart),
    baseline_name: 'bare Fastify start',
    ratio: Number((median(restartMs) / bareStart).toFixed(1)),
    ratio_as: 'times',
    goal: '< 2 s',
    met: median(restartMs) < 2_000,
    p50: null,
    p99: null,
    detail: { runs_ms: restartMs.map(Math.round), bare_runs_ms: bare.startMs.map(Math.round) },
  });
  rows.push({
    goal_id: 8,
    path: 'start to first 200 (GET /health), embedded fresh DATA_DIR',
    value: Math.round(freshMs),
    unit: 'ms',
    baseline: Math.round(bareStart),
    baseline_name: 'bare Fastify start',
    ratio: Number((freshMs / bareStart).toFixed(1)),
    ratio_as: 'times',
    goal: '< 8 s',
    met: freshMs < 8_000,
    p50: null,
    p99: null,
  });
}

/** Error lines (pino level ≥ 50) and 5xx answers in each app process's log. */
async function scanLogs(): Promise<
  Record<string, { error_lines: number; responses_5xx: number; first_errors: string[] }>
> {
  const report: Record<string, { error_lines: number; responses_5xx: number; first_errors: string[] }> = {};
  const files = new Map(appLogs.map(({ name, file }) => [file, name]));
  for (const [file, name] of files) {
    const entry = { error_lines: 0, responses_5xx: 0, first_errors: [] as string[] };
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.startsWith('{')) continue;
      const level = /"level":(\d+)/.exec(line);
      if (level && Number(level[1]) >= 50) {
        entry.error_lines += 1;
        if (entry.first_errors.length < 3) entry.first_errors.push(line.slice(0, 400));
      }
      if (/"statusCode":5\d\d/.test(line)) entry.responses_5xx += 1;
    }
    report[name] = entry;
  }
  return report;
}

const goalOrder = (row: ResultRow) => row.goal_id;

async function main(): Promise<void> {
  say(
    `npm run bench${quick ? ' -- --quick' : ''}: ${settings.rounds} round(s) of ${settings.durationSeconds} s per measurement, ${settings.connections} connections`,
  );
  say('compiling the app (npm run build) and the baselines: every server runs on plain node, as in production');
  const runner = buildForBench();
  await load.start();
  await pointInPolygon();
  await postgresPhase();
  await embeddedPhase();
  load.stop();
  const logs = await scanLogs();
  rows.sort((a, b) => goalOrder(a) - goalOrder(b));

  const day = new Date().toISOString().slice(0, 10);
  const document = {
    machine: machineInfo({ postgresql: benchDatabase?.serverVersion ?? null, runner }),
    settings: {
      ...settings,
      quick,
      cpu_profiles: cpuProfileFolder ?? null,
      admin_database: new URL(adminUrl).host,
      seconds_waiting_for_idle: Math.round(settledMs / 1000),
      seconds_total: Math.round((performance.now() - began) / 1000),
    },
    results: rows,
    server_logs: logs,
    incidents,
  };
  const written = writeResults(`${day}${quick ? '-quick' : cpuProfileFolder ? '-profiled' : ''}.json`, document);
  console.log(`\n${resultTable(rows)}\n`);
  for (const [name, entry] of Object.entries(logs)) {
    if (entry.error_lines || entry.responses_5xx)
      console.log(
        `${name}: ${entry.error_lines} error lines, ${entry.responses_5xx} 5xx answers in its log. First: ${entry.first_errors[0] ?? ''}`,
      );
  }
  for (const incident of incidents)
    console.log(
      `${incident.server} ${incident.exit} during ${incident.during} at ${incident.at}, unasked: restarted and measured again. ${incident.log.split('\n').join(' | ')}`,
    );
  const met = rows.filter((row) => row.met === true).length;
  const judged = rows.filter((row) => row.met !== null).length;
  if (cpuProfileFolder) console.log(`CPU profiles of the app processes in ${cpuProfileFolder}`);
  console.log(
    `${met} of ${judged} goals met. Results in ${path.relative(projectRoot, written)} (${Math.round((performance.now() - began) / 1000)} s).`,
  );
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  load.stop();
  await cleanUp();
}
