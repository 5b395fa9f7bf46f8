/**
 * `npm run bench:jobs`: full-text job search over 50,000 generated vacancies, through the running
 * app's JSON API (/api/v1/jobs?q=…), on a PostgreSQL database of its own (created here and dropped at
 * the end, on failure too). Prints p50/p95/p99 latency and requests per second, and EXPLAIN ANALYZE
 * of one search as the app sends it, checking it uses the GIN index vacancies_search.
 *
 * The load comes from a second process (this file, forked with --load) running autocannon, as
 * bench/load-generator.ts does; it keeps every response's time, so the percentiles are exact (autocannon's
 * own summary has no p95).
 *
 * Environment: DATABASE_URL (the server to create the bench database on; default the local one),
 * BENCH_VACANCIES (50000), BENCH_DURATION (seconds of measurement, 20), BENCH_CONNECTIONS (10).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/schema.js';
import { createJobsRepository } from '../src/modules/recruitment/jobs/repository.js';
import { createBenchDatabase, type BenchDatabase } from './lib/postgres.js';
import { freePort, projectRoot, ServerProcess, stopAll } from './lib/processes.js';

const settings = {
  vacancies: Number(process.env.BENCH_VACANCIES ?? 50_000),
  durationSeconds: Number(process.env.BENCH_DURATION ?? 20),
  warmupSeconds: 5,
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
};

/** What people type into a council jobs search, phrases and exclusions included. */
const queries = [
  'social worker',
  'teaching assistant',
  'driver',
  'customer service',
  '"care assistant"',
  'finance officer',
  'gardener',
  'library',
  'engineer -senior',
  'school cook',
  'planning',
  'youth worker',
  'apprentice',
  'cleaner',
  'ICT support',
  'occupational therapist',
];

interface LoadSummary {
  requests: number;
  requestsPerSecond: number;
  status: Record<string, number>;
  errors: number;
  timeouts: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function percentile(sorted: number[], share: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

/** The forked side: autocannon against the app, every response's time kept. */
async function runLoad(job: { url: string; paths: string[]; connections: number; durationSeconds: number }) {
  const times: number[] = [];
  const status: Record<string, number> = {};
  let counter = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.durationSeconds,
        timeout: 10,
        requests: [{ setupRequest: (request) => ({ ...request, path: job.paths[counter++ % job.paths.length] }) }],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      times.push(responseTime);
      const kind = `${Math.floor(statusCode / 100)}xx`;
      status[kind] = (status[kind] ?? 0) + 1;
    });
  });
  times.sort((a, b) => a - b);
  const summary: LoadSummary = {
    requests: times.length,
    requestsPerSecond: (status['2xx'] ?? 0) / result.duration,
    status,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    p99: percentile(times, 0.99),
    max: times[times.length - 1] ?? Number.NaN,
  };
  return summary;
}

function loadFromChild(job: Parameters<typeof runLoad>[0]): Promise<LoadSummary> {
  const child = fork(fileURLToPath(import.meta.url), ['--load'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { result?: LoadSummary; error?: string }) => {
      child.kill();
      if (message.result) resolve(message.result);
      else reject(new Error(message.error ?? 'the load generator answered nothing'));
    });
    child.once('error', reject);
    child.send(job);
  });
}

/**
 * 50,000 vacancies in one set-based INSERT … SELECT: titles from a grade, a service and a role; a
 * description of several sentences from word lists; every member of the partnership as employer; the
 * partnership's real postcodes; salaries annual and hourly, both patterns and every contract type.
 * Nine in ten are live; the rest are drafts, scheduled, closed or appointed, which the search must skip.
 */
async function generateVacancies(db: Kysely<Database>, count: number): Promise<void> {
  await sql`
    with employers as (
      select row_number() over (order by o.id) as n, o.id from organisations o
      join partnership_members m on m.organisation_id = o.id
      join partnerships p on p.id = m.partnership_id and p.slug = 'derbyshire'
    ), places as (
      select row_number() over (order by postcode) as n, postcode, latitude, longitude from postcodes
    ), sizes as (
      select (select count(*) from employers) as employers, (select count(*) from places) as places
    ), words as (
      select
        array['Senior', 'Assistant', 'Trainee', 'Principal', 'Lead', 'Relief', 'Apprentice', 'Casual', 'Deputy', 'Team'] as grade,
        array['social worker', 'teaching assistant', 'HGV driver', 'customer service adviser', 'care assistant',
              'finance officer', 'gardener', 'library assistant', 'highways engineer', 'school cook', 'planning officer',
              'youth worker', 'cleaner', 'ICT support analyst', 'occupational therapist', 'refuse collector',
              'environmental health officer', 'lifeguard', 'payroll officer', 'countryside ranger', 'housing officer',
              'building surveyor', 'receptionist', 'data analyst', 'solicitor', 'electrician', 'caretaker',
              'midday supervisor', 'family support worker', 'project manager'] as role,
        array['Adult Care', 'Children''s Services', 'Highways', 'Libraries', 'Finance', 'Waste', 'Parks', 'Housing',
              'Planning', 'Schools', 'Leisure', 'ICT', 'Legal', 'Public Health', 'Transport'] as service,
        array['Matlock', 'Chesterfield', 'Buxton', 'Derby', 'Ilkeston', 'Belper', 'Ripley', 'Ashbourne', 'Bakewell',
              'Glossop', 'Swadlincote', 'Alfreton', 'Long Eaton', 'Dronfield', 'Bolsover'] as town,
        array['You will join a friendly team that serves residents across the county.',
              'We are looking for someone who is organised, reliable and good with people.',
              'The role involves working with partners, answering enquiries and keeping accurate records.',
              'Flexible working, a generous pension and 26 days of annual leave are offered.',
              'Training is provided, and you will be supported to gain qualifications.',
              'A full driving licence and access to a vehicle are needed for travel between sites.',
              'You will plan your own work, solve problems and help improve our services.',
              'Experience in a similar role is welcome but not essential.',
              'The post involves some evening and weekend work on a rota.',
              'We value diversity and welcome applications from everyone in our communities.'] as sentence
    ), numbered as (
      select g,
        case when g % 20 = 0 then 'draft' when g % 20 = 1 then 'closed' when g % 20 = 2 then 'appointed' else 'published' end as status,
        g % 20 = 3 as scheduled
      from generate_series(1, ${count}::integer) g
    )
    insert into vacancies (slug, organisation_id, title, service_area, location_name, postcode, latitude, longitude,
      salary_min_pence, salary_max_pence, salary_period, grade, hours_per_week, working_pattern, contract_type,
      description, status, publish_at, closes_at, posted_at)
    select
      'bench-vacancy-' || g,
      e.id,
      w.grade[1 + g % 10] || ' ' || w.role[1 + (g * 7) % 30],
      w.service[1 + (g * 3) % 15],
      w.town[1 + (g * 11) % 15],
      p.postcode, p.latitude, p.longitude,
      case when g % 5 = 0 then 1100 + g % 900 else 1800000 + (g % 40) * 100000 end,
      case when g % 5 = 0 then 1100 + g % 900 + 150 else 1800000 + (g % 40) * 100000 + 300000 end,
      case when g % 5 = 0 then 'hourly' else 'annual' end,
      'Grade ' || (1 + g % 12),
      case when g % 3 = 0 then 18.5 else 37 end,
      case when g % 3 = 0 then 'part_time' else 'full_time' end,
      (array['permanent', 'fixed_term', 'temporary', 'casual', 'apprenticeship'])[1 + g % 5],
      'This is a ' || lower(w.grade[1 + g % 10]) || ' ' || w.role[1 + (g * 7) % 30] || ' post in ' || w.service[1 + (g * 3) % 15]
        || ', based in ' || w.town[1 + (g * 11) % 15] || '. ' || w.sentence[1 + g % 10] || ' ' || w.sentence[1 + (g * 3) % 10]
        || E'\n\n' || w.sentence[1 + (g * 7) % 10] || ' ' || w.sentence[1 + (g * 9) % 10],
      n.status,
      case when n.scheduled then now() + interval '3 days' end,
      case when n.status = 'published' then now() + make_interval(days => 1 + g % 60, hours => g % 24)
           else now() - make_interval(days => 1 + g % 30) end,
      now() - make_interval(days => g % 60, secs => g % 86400)
    from numbered n
    cross join sizes s
    cross join words w
    join employers e on e.n = 1 + (n.g::bigint * 13 % s.employers)
    join places p on p.n = 1 + (n.g::bigint * 7919 % s.places)`.execute(db);
  await sql`vacuum analyze vacancies`.execute(db);
}

/** The SQL the app's repository sends for one search, captured from Kysely's log as it runs it. */
async function capturedSearchQueries(url: string, keywords: string): Promise<CompiledQuery[]> {
  const captured: CompiledQuery[] = [];
  const logged = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  try {
    await createJobsRepository(logged).search(
      { keywords, contracts: [] },
      { now: new Date(), sort: 'relevance', limit: 20, offset: 0 },
    );
  } finally {
    await logged.destroy();
  }
  return captured;
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const temporary = mkdtempSync(path.join(os.tmpdir(), 'shirehall-bench-jobs-'));
  let database: BenchDatabase | undefined;
  let db: Kysely<Database> | undefined;
  try {
    console.log(`bench:jobs: a database of its own on ${new URL(adminUrl).host}`);
    database = await createBenchDatabase(adminUrl);
    const port = await freePort();
    const app = new ServerProcess({
      name: 'app on PostgreSQL',
      entry: path.join(projectRoot, 'src/main.ts'),
      env: {
        DATABASE_URL: database.url,
        NODE_ENV: 'production',
        SESSION_SECRET: randomBytes(32).toString('hex'),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        RATE_LIMIT_PER_MINUTE: '100000000',
        LOG_LEVEL: 'warn',
        RUN_WORKER: 'false',
        DATA_DIR: path.join(temporary, 'unused'),
      },
      port,
      logFile: path.join(temporary, 'app.log'),
    });
    const startMs = await app.ready();
    console.log(`  the app answered after ${(startMs / 1000).toFixed(1)} s (migrations and reference data)`);

    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }),
    });
    const generating = performance.now();
    await generateVacancies(db, settings.vacancies);
    const live = await sql<{ count: string }>`
      select count(*) from vacancies where status = 'published' and (publish_at is null or publish_at <= now()) and closes_at > now()`.execute(
      db,
    );
    console.log(
      `  ${settings.vacancies.toLocaleString('en-GB')} vacancies (${Number(live.rows[0].count).toLocaleString('en-GB')} live) in ${((performance.now() - generating) / 1000).toFixed(1)} s`,
    );

    // Every query answers 200 with jobs before anything is measured.
    for (const query of queries) {
      const response = await fetch(`${app.baseUrl}/api/v1/jobs?q=${encodeURIComponent(query)}`);
      const body = (await response.json()) as { total?: number };
      if (response.status !== 200) throw new Error(`${query}: ${response.status} ${JSON.stringify(body)}`);
      console.log(`  q=${query}: ${body.total} jobs`);
    }

    const plans: { query: string; usesIndex: boolean; plan: string }[] = [];
    for (const compiled of await capturedSearchQueries(
      database.url,
      process.env.BENCH_EXPLAIN_QUERY ?? 'social worker',
    )) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const result = await client.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, buffers) ${compiled.sql}`,
          compiled.parameters as unknown[],
        );
        const plan = result.rows.map((row) => row['QUERY PLAN']).join('\n');
        plans.push({ query: compiled.sql, usesIndex: plan.includes('vacancies_search'), plan });
      } finally {
        await client.end();
      }
    }

    const paths = queries.map((query) => `/api/v1/jobs?q=${encodeURIComponent(query)}`);
    const job = { url: app.baseUrl, paths, connections: settings.connections };
    console.log(`  warming up for ${settings.warmupSeconds} s`);
    await loadFromChild({ ...job, durationSeconds: settings.warmupSeconds });
    console.log(
      `  measuring for ${settings.durationSeconds} s at ${settings.connections} connections, ${queries.length} queries in turn`,
    );
    const result = await loadFromChild({ ...job, durationSeconds: settings.durationSeconds });

    console.log('\nEXPLAIN ANALYZE of q=social worker, as the app sends it:');
    for (const plan of plans) {
      console.log(`\n${plan.query.replace(/\s+/g, ' ').slice(0, 160)}…\n${plan.plan}`);
      console.log(`uses the GIN index vacancies_search: ${plan.usesIndex ? 'yes' : 'NO'}`);
    }
    console.log('\nFull-text job search through /api/v1/jobs?q=');
    console.log(`  vacancies        ${settings.vacancies.toLocaleString('en-GB')}`);
    console.log(
      `  requests         ${result.requests.toLocaleString('en-GB')} (${JSON.stringify(result.status)}, errors ${result.errors}, timeouts ${result.timeouts})`,
    );
    console.log(`  req/s            ${result.requestsPerSecond.toFixed(0)}`);
    console.log(`  p50              ${result.p50.toFixed(1)} ms`);
    console.log(`  p95              ${result.p95.toFixed(1)} ms`);
    console.log(`  p99              ${result.p99.toFixed(1)} ms`);
    console.log(`  max              ${result.max.toFixed(1)} ms`);
    if (plans.some((plan) => !plan.usesIndex)) process.exitCode = 1;
    await app.stop();
  } finally {
    await db?.destroy();
    await stopAll();
    await database?.drop();
    rmSync(temporary, { recursive: true, force: true });
  }
}

if (process.argv.includes('--load')) {
  process.once('message', (job: Parameters<typeof runLoad>[0]) => {
    runLoad(job).then(
      (result) => process.send?.({ result }),
      (error: unknown) => process.send?.({ error: String(error) }),
    );
  });
} else {
  await main();
}
