import { sql, type Kysely } from 'kysely';

/**
 * Accounts, sessions, partnerships' projects, data-sharing agreements, the audit log and the email
 * outbox: what every later capability relies on to know who is acting and what they may see.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table organisations add column email_domain text`.execute(db);

  // An organisation may sign its staff in through its own OpenID Connect provider.
  await sql`
    create table organisation_identity_providers (
      organisation_id integer primary key references organisations (id),
      issuer_url text not null,
      client_id text not null,
      client_secret text not null,
      enabled boolean not null default true,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table staff (
      id integer generated always as identity primary key,
      organisation_id integer not null references organisations (id),
      email text not null unique check (email = lower(email)),
      name text not null,
      roles text[] not null default '{}',
      password_hash text,
      failed_sign_ins integer not null default 0,
      locked_until timestamptz,
      disabled_at timestamptz,
      last_signed_in_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table citizens (
      id integer generated always as identity primary key,
      email text not null unique check (email = lower(email)),
      name text not null,
      phone text,
      password_hash text,
      email_verified_at timestamptz,
      oidc_issuer text,
      oidc_subject text,
      failed_sign_ins integer not null default 0,
      locked_until timestamptz,
      created_at timestamptz not null default now(),
      unique (oidc_issuer, oidc_subject)
    )`.execute(db);

  // The cookie holds a random token; only its SHA-256 is stored, so a database leak opens no session.
  await sql`
    create table sessions (
      token_hash text primary key,
      staff_id integer references staff (id),
      citizen_id integer references citizens (id),
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      ip_address text,
      user_agent text,
      check ((staff_id is null) <> (citizen_id is null))
    )`.execute(db);
  await sql`create index sessions_staff_id on sessions (staff_id)`.execute(db);

  // One-use tokens sent by email: password resets and email verification.
  await sql`
    create table account_tokens (
      token_hash text primary key,
      purpose text not null check (purpose in ('password_reset', 'email_verification')),
      staff_id integer references staff (id),
      citizen_id integer references citizens (id),
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now(),
      check ((staff_id is null) <> (citizen_id is null))
    )`.execute(db);

  await sql`
    create table partnership_projects (
      id integer generated always as identity primary key,
      partnership_id integer not null references partnerships (id),
      name text not null,
      summary text not null default '',
      status text not null check (status in ('proposed', 'active', 'completed', 'stopped')),
      starts_on date,
      ends_on date,
      expected_cashable_pence bigint not null default 0,
      expected_non_cashable_pence bigint not null default 0,
      expected_other text not null default '',
      realised_cashable_pence bigint not null default 0,
      realised_non_cashable_pence bigint not null default 0,
      realised_other text not null default '',
      created_at timestamptz not null default now(),
      check (ends_on is null or starts_on is null or ends_on >= starts_on)
    )`.execute(db);

  await sql`
    create table project_members (
      project_id integer not null references partnership_projects (id) on delete cascade,
      organisation_id integer not null references organisations (id),
      primary key (project_id, organisation_id)
    )`.execute(db);

  await sql`
    create table project_lessons (
      id integer generated always as identity primary key,
      project_id integer not null references partnership_projects (id) on delete cascade,
      outcome text not null check (outcome in ('worked', 'did_not_work')),
      lesson text not null,
      recorded_by_staff_id integer references staff (id),
      recorded_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table data_sharing_agreements (
      id integer generated always as identity primary key,
      title text not null,
      purpose text not null check (purpose in ('cases', 'recruitment', 'insight')),
      covers_all_services boolean not null default true,
      valid_from date not null,
      valid_to date,
      status text not null check (status in ('draft', 'active', 'ended')),
      created_by_staff_id integer references staff (id),
      created_at timestamptz not null default now(),
      check (valid_to is null or valid_to >= valid_from)
    )`.execute(db);

  await sql`
    create table agreement_parties (
      agreement_id integer not null references data_sharing_agreements (id) on delete cascade,
      organisation_id integer not null references organisations (id),
      primary key (agreement_id, organisation_id)
    )`.execute(db);

  await sql`
    create table agreement_services (
      agreement_id integer not null references data_sharing_agreements (id) on delete cascade,
      lgsl integer not null references services (lgsl),
      primary key (agreement_id, lgsl)
    )`.execute(db);

  // Append-only and chained: each entry's hash covers its content and the previous entry's hash.
  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      occurred_at timestamptz not null,
      actor_type text not null check (actor_type in ('staff', 'citizen', 'system', 'api_client')),
      actor_id integer,
      actor_label text not null,
      organisation_id integer,
      action text not null,
      record_type text not null,
      record_id text,
      detail jsonb not null default '{}',
      ip_address text,
      previous_hash text not null,
      hash text not null unique
    )`.execute(db);
  await sql`create index audit_log_record on audit_log (record_type, record_id)`.execute(db);
  await sql`
    create function audit_log_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit log is append-only';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_is_append_only()`.execute(db);

  // Written in the same transaction as the change that causes the email; a worker sends it.
  await sql`
    create table email_outbox (
      id bigint generated always as identity primary key,
      to_address text not null,
      subject text not null,
      body_text text not null,
      created_at timestamptz not null default now(),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      locked_until timestamptz,
      last_error text,
      sent_at timestamptz,
      message_id text
    )`.execute(db);
  await sql`create index email_outbox_due on email_outbox (next_attempt_at) where sent_at is null`.execute(db);
}
