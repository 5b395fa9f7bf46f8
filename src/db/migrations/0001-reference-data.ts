import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organisations (
      id integer generated always as identity primary key,
      gss text unique,
      slug text not null unique,
      name text not null,
      type text not null check (type in ('council', 'advice_agency', 'police', 'health', 'fire_and_rescue', 'housing', 'other')),
      tier text check (tier in ('county', 'district', 'unitary')),
      parent_gss text,
      homepage_url text,
      created_at timestamptz not null default now(),
      check ((type = 'council') = (tier is not null))
    )`.execute(db);

  await sql`
    create table partnerships (
      id integer generated always as identity primary key,
      slug text not null unique,
      name text not null,
      kind text not null check (kind in ('national', 'regional', 'shire', 'local')),
      description text not null default '',
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table partnership_members (
      partnership_id integer not null references partnerships (id) on delete cascade,
      organisation_id integer not null references organisations (id),
      primary key (partnership_id, organisation_id)
    )`.execute(db);

  await sql`
    create table boundaries (
      gss text not null,
      level text not null check (level in ('lower', 'upper')),
      name text not null,
      geometry jsonb not null,
      min_longitude double precision not null,
      min_latitude double precision not null,
      max_longitude double precision not null,
      max_latitude double precision not null,
      primary key (gss, level)
    )`.execute(db);

  await sql`
    create table postcodes (
      postcode text primary key,
      latitude double precision not null,
      longitude double precision not null,
      lower_tier_gss text not null,
      county_gss text,
      ward_gss text
    )`.execute(db);

  await sql`
    create table services (
      lgsl integer primary key,
      slug text not null unique,
      title text not null,
      description text not null,
      tier text not null check (tier in ('district/unitary', 'county/unitary', 'all')),
      in_current_list boolean not null
    )`.execute(db);

  await sql`
    create table service_links (
      organisation_id integer not null references organisations (id),
      lgsl integer not null references services (lgsl),
      lgil integer not null,
      url text not null,
      primary key (organisation_id, lgsl, lgil)
    )`.execute(db);

  await sql`
    create table reference_imports (
      dataset text primary key,
      checksum text not null,
      row_count integer not null,
      imported_at timestamptz not null default now()
    )`.execute(db);
}
