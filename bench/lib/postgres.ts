/**
 * The bench's PostgreSQL: a database of its own, created at the start and dropped at the end; the
 * baselines' tables; and the data the app is measured with (a member of staff signed in, Open311
 * keys, cases at the stated scale) made with the project's own functions where it has them and with
 * set-based SQL where it needs volume.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';
import { issueApiKey } from '../../src/modules/cases/open311/keys.js';
import { SESSION_COOKIE } from '../../src/modules/identity/session-plugin.js';
import { createSessionRepository } from '../../src/modules/identity/session-repository.js';
import { createSessionService } from '../../src/modules/identity/sessions.js';

export function databaseUrlFor(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface BenchDatabase {
  name: string;
  url: string;
  serverVersion: string;
  drop(): Promise<void>;
}

/** Creates `shirehall_bench_<random>` on the server the admin URL names. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `shirehall_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let serverVersion = '';
  try {
    serverVersion = (await admin.query<{ server_version: string }>('show server_version')).rows[0].server_version;
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  let dropped = false;
  return {
    name,
    url: databaseUrlFor(adminUrl, name),
    serverVersion,
    async drop() {
      if (dropped) return;
      dropped = true;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Rows the select baseline reads (2,000 groups of 100) and the table the insert baseline writes. */
export async function createBaselineTables(url: string, groups: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      create table bench_baseline_inserts (id bigint generated always as identity primary key, created_at timestamptz not null default now(), body jsonb not null);
      create table bench_baseline_rows (id bigint generated always as identity primary key, group_id integer not null, status text not null, due_on date not null, title text not null);
      insert into bench_baseline_rows (group_id, status, due_on, title)
        select 1 + g % ${groups}, (array['open', 'acknowledged', 'in_progress'])[1 + g % 3], current_date + (g % 90) - 30, 'Row ' || g || ' of the select baseline'
        from generate_series(1, ${groups * 100}) g;
      create index bench_baseline_rows_group on bench_baseline_rows (group_id, due_on, id);`);
    await client.query('vacuum analyze bench_baseline_rows');
  } finally {
    await client.end();
  }
}

export function openBenchKysely(url: string): Promise<Kysely<Database>> {
  return openDatabase({ kind: 'postgres', url });
}

/**
 * A service officer of the organisation with this GSS code, signed in: the Cookie header that
 * carries the session, made by the project's own session service as sign-in does.
 */
export async function staffSessionCookie(
  db: Kysely<Database>,
  gss: string,
): Promise<{ cookie: string; staffId: number; organisationId: number }> {
  const organisation = await db
    .selectFrom('organisations')
    .select('id')
    .where('gss', '=', gss)
    .executeTakeFirstOrThrow();
  const staff = await db
    .insertInto('staff')
    .values({
      organisation_id: organisation.id,
      email: `bench.officer.${randomBytes(3).toString('hex')}@bench.example`,
      name: 'Bench Officer',
      roles: ['service_officer'],
      password_hash: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sessions = createSessionService(createSessionRepository(db), () => new Date());
  const token = await sessions.start(
    { kind: 'staff', staffId: staff.id },
    { ip: '127.0.0.1', userAgent: 'npm run bench' },
  );
  return { cookie: `${SESSION_COOKIE}=${token}`, staffId: staff.id, organisationId: organisation.id };
}

/**
 * Open311 keys issued as `npm run open311:key` issues them. Each client may post 60 times a minute,
 * so the bench posts with many clients in turn, as many systems would on a busy day.
 */
export async function issueBenchKeys(db: Kysely<Database>, count: number, concurrency = 4): Promise<string[]> {
  const keys: string[] = [];
  let issued = 0;
  async function worker() {
    while (issued < count) {
      const number = ++issued;
      const { key } = await issueApiKey(
        db,
        { name: `Bench client ${number}`, organisationId: null, createdByStaffId: null },
        { kind: 'system', label: 'npm run bench' },
        new Date(),
      );
      keys.push(key);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return keys;
}

/**
 * Cases numbered `from` to `to`, in one set-based INSERT … SELECT FROM generate_series: spread over
 * every member council's request types and the partnership's real postcodes; one in five unfinished
 * (open, acknowledged, in progress), the rest resolved or closed; received over two years.
 * No timeline events: the worklist does not read them.
 */
export async function generateCases(db: Kysely<Database>, from: number, to: number): Promise<void> {
  await sql`
    with types as (
      select row_number() over (order by id) as n, id, organisation_id, team_id, public_on_map, sla_working_days from request_types where active
    ), places as (
      select row_number() over (order by postcode) as n, postcode, latitude, longitude from postcodes
    ), sizes as (
      select (select count(*) from types) as types, (select count(*) from places) as places
    ), statuses as (
      select g,
        case when g % 100 < 8 then 'open' when g % 100 < 14 then 'acknowledged' when g % 100 < 20 then 'in_progress' when g % 100 < 80 then 'resolved' else 'closed' end as status
      from generate_series(${from}::integer, ${to}::integer) g
    ), numbered as (
      -- unfinished work is recent (some of it overdue); finished work is spread over two years
      select g, status, status in ('open', 'acknowledged', 'in_progress') as unfinished,
        now() - make_interval(days => case when status in ('open', 'acknowledged', 'in_progress') then g % 45 else g % 730 end, secs => g % 86400) as received
      from statuses
    )
    insert into cases (reference, request_type_id, organisation_id, team_id, status, closure_reason, channel, description, answers, latitude, longitude, postcode,
      contact_name, is_public, due_on, created_at, updated_at, resolved_at, closed_at)
    select 'BEN-' || lpad(g::text, 7, '0'), t.id, t.organisation_id, t.team_id, c.status,
      case when c.status = 'closed' then 'no_further_action' end,
      (array['web', 'phone', 'face_to_face', 'email', 'outreach', 'partner_agency'])[1 + g % 6],
      'Generated by npm run bench: case ' || g, '{}', p.latitude, p.longitude, p.postcode,
      'Bench Resident', t.public_on_map,
      case when c.unfinished then current_date + (g % 60) - 30 else c.received::date + t.sla_working_days end,
      c.received, c.received,
      case when c.status in ('resolved', 'closed') then c.received + interval '3 days' end,
      case when c.status = 'closed' then c.received + interval '3 days' end
    from numbered c
    cross join sizes s
    join types t on t.n = 1 + (c.g::bigint * 7 % s.types)
    join places p on p.n = 1 + (c.g::bigint * 7919 % s.places)`.execute(db);
}

export async function vacuumAnalyze(db: Kysely<Database>): Promise<void> {
  await sql`vacuum analyze cases`.execute(db);
}

export async function countCases(db: Kysely<Database>, organisationId?: number): Promise<number> {
  let query = db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('count'));
  if (organisationId !== undefined) query = query.where('organisation_id', '=', organisationId);
  return Number((await query.executeTakeFirstOrThrow()).count);
}
