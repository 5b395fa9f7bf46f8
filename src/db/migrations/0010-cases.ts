import { sql, type Kysely } from 'kysely';

/** The combined CRM: teams, the request-type catalogue, cases and their timeline, Open311 clients. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Case references read like DBY-2026-000123: the partnership's prefix, the year, a number.
  await sql`alter table partnerships add column reference_prefix text not null default 'SHR'`.execute(db);

  await sql`
    create table bank_holidays (
      holiday_on date primary key,
      title text not null
    )`.execute(db);

  await sql`
    create table teams (
      id integer generated always as identity primary key,
      organisation_id integer not null references organisations (id),
      name text not null,
      email text,
      created_at timestamptz not null default now(),
      unique (organisation_id, name)
    )`.execute(db);

  await sql`
    create table staff_teams (
      staff_id integer not null references staff (id),
      team_id integer not null references teams (id),
      primary key (staff_id, team_id)
    )`.execute(db);

  // A request type belongs to one organisation. The same service_code at several organisations is
  // one kind of request (a pothole) that each may receive; routing picks whose by place and tier.
  await sql`
    create table request_types (
      id integer generated always as identity primary key,
      organisation_id integer not null references organisations (id),
      service_code text not null check (service_code ~ '^[a-z0-9-]+$'),
      name text not null,
      tier text not null check (tier in ('district/unitary', 'county/unitary')),
      lgsl integer references services (lgsl),
      group_name text not null,
      description text not null default '',
      hint text not null default '',
      keywords text not null default '',
      sla_working_days integer not null check (sla_working_days between 1 and 365),
      team_id integer not null references teams (id),
      public_on_map boolean not null default true,
      allows_anonymous boolean not null default false,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      unique (organisation_id, service_code)
    )`.execute(db);

  await sql`
    create table request_type_questions (
      id integer generated always as identity primary key,
      request_type_id integer not null references request_types (id) on delete cascade,
      code text not null check (code ~ '^[a-z0-9_]+$'),
      label text not null,
      hint text not null default '',
      datatype text not null check (datatype in ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')),
      required boolean not null default false,
      options jsonb not null default '[]',
      position integer not null default 0,
      unique (request_type_id, code)
    )`.execute(db);

  await sql`
    create table api_clients (
      id integer generated always as identity primary key,
      name text not null,
      key_hash text not null unique,
      key_hint text not null,
      created_by_staff_id integer references staff (id),
      created_at timestamptz not null default now(),
      revoked_at timestamptz
    )`.execute(db);

  await sql`
    create table case_reference_counters (
      prefix text not null,
      year integer not null,
      last_number integer not null,
      primary key (prefix, year)
    )`.execute(db);

  await sql`
    create table cases (
      id integer generated always as identity primary key,
      reference text not null unique,
      request_type_id integer not null references request_types (id),
      organisation_id integer not null references organisations (id),
      team_id integer references teams (id),
      assignee_staff_id integer references staff (id),
      status text not null check (status in ('open', 'acknowledged', 'in_progress', 'resolved', 'closed')),
      closure_reason text check (closure_reason in ('no_further_action', 'not_our_responsibility', 'duplicate')),
      duplicate_of_case_id integer references cases (id),
      channel text not null check (channel in ('web', 'phone', 'face_to_face', 'email', 'outreach', 'partner_agency', 'open311')),
      description text not null,
      answers jsonb not null default '{}',
      latitude double precision not null,
      longitude double precision not null,
      postcode text,
      location_description text not null default '',
      citizen_id integer references citizens (id),
      contact_name text,
      contact_email text,
      contact_phone text,
      is_public boolean not null,
      due_on date not null,
      created_by_staff_id integer references staff (id),
      -- The body whose staff recorded it (a partner agency for its client): it may follow the case.
      recorded_by_organisation_id integer references organisations (id),
      created_by_api_client_id integer references api_clients (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      resolved_at timestamptz,
      closed_at timestamptz,
      check ((status = 'closed') = (closure_reason is not null))
    )`.execute(db);
  await sql`create index cases_worklist on cases (organisation_id, status, due_on)`.execute(db);
  await sql`create index cases_citizen on cases (citizen_id)`.execute(db);
  await sql`create index cases_location on cases (latitude, longitude)`.execute(db);

  // The timeline: every change, update and note, with the channel and organisation for insight.
  await sql`
    create table case_events (
      id bigint generated always as identity primary key,
      case_id integer not null references cases (id),
      occurred_at timestamptz not null default now(),
      kind text not null check (kind in ('created', 'status_changed', 'public_update', 'internal_note', 'assigned', 'transferred', 'reopened', 'contact_recorded', 'satisfaction')),
      is_public boolean not null,
      body text not null default '',
      from_status text,
      to_status text,
      from_organisation_id integer references organisations (id),
      to_organisation_id integer references organisations (id),
      staff_id integer references staff (id),
      organisation_id integer references organisations (id),
      channel text not null
    )`.execute(db);
  await sql`create index case_events_case on case_events (case_id, occurred_at)`.execute(db);

  // A partner adviser acts for a client only with the client's recorded consent.
  await sql`
    create table case_consents (
      case_id integer primary key references cases (id),
      given_by text not null,
      given_on date not null,
      purpose text not null,
      recorded_by_staff_id integer not null references staff (id),
      recorded_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table satisfaction_responses (
      case_id integer primary key references cases (id),
      token_hash text not null unique,
      score integer check (score between 1 and 5),
      responded_at timestamptz
    )`.execute(db);

  await sql`
    create table idempotency_keys (
      api_client_id integer not null references api_clients (id),
      key text not null,
      request_hash text not null,
      response_status integer not null,
      response_type text not null,
      response_body text not null,
      created_at timestamptz not null default now(),
      primary key (api_client_id, key)
    )`.execute(db);
}
