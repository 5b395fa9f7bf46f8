-- Least privilege for Shirehall on PostgreSQL (docs/audit.md, "Least privilege").
--
-- Two roles instead of one:
--   shirehall_owner  owns the schema and every table; migrations run as it (npm run db:migrate);
--   shirehall_app    what the web and worker processes connect as: it reads and writes the tables
--                    it needs, but may only add to the audit tables (audit_log, audit_seals,
--                    audit_anchors) — no UPDATE, DELETE or TRUNCATE — and, owning nothing, it can
--                    neither switch their triggers off nor change the schema.
--
-- Run it as a superuser, connected to the application's database, before the first migration or
-- at any time after (it can be run again):
--
--   psql -v ON_ERROR_STOP=1 -d shirehall -f scripts/postgres-roles.sql
--   psql -d shirehall -c "alter role shirehall_owner password '…'" -c "alter role shirehall_app password '…'"
--
-- then migrate as the owner and run the application as the app:
--
--   DATABASE_URL=postgres://shirehall_owner:…@db/shirehall npm run db:migrate
--   DATABASE_URL=postgres://shirehall_app:…@db/shirehall RUN_WORKER=false node dist/main.js
--
-- It is plain SQL, so any client can run it; test/postgres-roles.test.ts runs it under other role
-- names by replacing these two.

do $$
begin
  if not exists (select from pg_roles where rolname = 'shirehall_owner') then
    create role shirehall_owner login;
  end if;
  if not exists (select from pg_roles where rolname = 'shirehall_app') then
    create role shirehall_app login;
  end if;
end
$$;

-- The owner owns the database, its public schema and, for a database migrated before this script
-- (as another role), every table, sequence and function already in it.
do $$
declare
  item record;
begin
  execute format('alter database %I owner to shirehall_owner', current_database());
  -- What an extension (PostGIS, say) installed stays the extension's.
  for item in
    select c.relname from pg_class c
    where c.relkind in ('r', 'p', 'v', 'm') and c.relnamespace = 'public'::regnamespace
      and not exists (select from pg_depend d where d.objid = c.oid and d.deptype = 'e')
  loop
    execute format('alter table public.%I owner to shirehall_owner', item.relname);
  end loop;
  -- Sequences that no identity column owns (identity sequences follow their table).
  for item in
    select c.relname from pg_class c
    where c.relkind = 'S' and c.relnamespace = 'public'::regnamespace
      and not exists (select from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i', 'e'))
  loop
    execute format('alter sequence public.%I owner to shirehall_owner', item.relname);
  end loop;
  for item in
    select p.oid::regprocedure as signature from pg_proc p
    where p.pronamespace = 'public'::regnamespace
      and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')
  loop
    execute format('alter routine %s owner to shirehall_owner', item.signature);
  end loop;
end
$$;
alter schema public owner to shirehall_owner;

-- Nobody else creates anything here, or connects; the app may connect and use the schema.
revoke create on schema public from public;
do $$
begin
  -- GRANT takes no function call for the database's name: hence format.
  execute format('revoke all on database %I from public', current_database());
  execute format('grant connect on database %I to shirehall_app', current_database());
end
$$;
grant usage on schema public to shirehall_app;

-- The app reads and writes every table, those there now and those later migrations make...
grant select, insert, update, delete on all tables in schema public to shirehall_app;
grant usage, select on all sequences in schema public to shirehall_app;
alter default privileges for role shirehall_owner in schema public grant select, insert, update, delete on tables to shirehall_app;
alter default privileges for role shirehall_owner in schema public grant usage, select on sequences to shirehall_app;

-- ...but only adds to the audit tables, and only reads what the migrations keep. Migration 0019 does
-- the same for audit tables made after this script ran; TRUNCATE is never granted at all.
do $$
declare
  name text;
begin
  foreach name in array array['audit_log', 'audit_seals', 'audit_anchors'] loop
    if to_regclass('public.' || name) is not null then
      execute format('revoke update, delete, truncate on public.%I from shirehall_app', name);
      execute format('grant select, insert on public.%I to shirehall_app', name);
    end if;
  end loop;
  foreach name in array array['kysely_migration', 'kysely_migration_lock'] loop
    if to_regclass('public.' || name) is not null then
      execute format('revoke insert, update, delete, truncate on public.%I from shirehall_app', name);
    end if;
  end loop;
end
$$;
