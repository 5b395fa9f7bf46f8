import { sql, type Kysely } from 'kysely';

/**
 * Photos on cases, links a client sent instead of a photo, and residents who follow someone else's
 * report (issue 10, items 4 and 6).
 *
 * - `case_photos` is what is known of each photo (its case, or the report draft it waits on until
 *   the report is sent; the update it came with; whether it is private; its size). The bytes live
 *   behind the photo store (`photo_files` here), so that an S3-compatible store can take their place
 *   without the rest changing. Each photo is kept twice, resized and as a thumbnail, both already
 *   stripped of EXIF (location) by the time they reach the database.
 * - `case_media_links` are the `media_url`s Open311 clients send: recorded as links, never fetched.
 * - `case_followers` are people told of a case's public updates without being its reporter: by
 *   account, or by an email address confirmed by an emailed link (only its hash is kept). Every
 *   email to a follower carries a "stop following" link whose key is kept as it is (so that each
 *   email can carry it): it can do nothing but end that one follow.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table photo_files (
      storage_key text primary key,
      bytes bytea not null
    )`.execute(db);
  await sql`
    create table case_photos (
      id serial primary key,
      case_id integer references cases (id) on delete cascade,
      report_draft_id integer references report_drafts (id) on delete cascade,
      case_event_id integer references case_events (id) on delete set null,
      is_private boolean not null default false,
      image_key text not null,
      thumbnail_key text not null,
      width integer not null check (width > 0),
      height integer not null check (height > 0),
      image_bytes integer not null check (image_bytes > 0),
      thumbnail_bytes integer not null check (thumbnail_bytes > 0),
      original_format text not null check (original_format in ('jpeg', 'png', 'heif')),
      uploaded_by_staff_id integer references staff (id),
      created_at timestamptz not null default now(),
      check (case_id is not null or report_draft_id is not null)
    )`.execute(db);
  await sql`create index case_photos_case on case_photos (case_id, id) where case_id is not null`.execute(db);
  await sql`create index case_photos_draft on case_photos (report_draft_id) where report_draft_id is not null`.execute(
    db,
  );
  await sql`
    create table case_media_links (
      id serial primary key,
      case_id integer not null references cases (id) on delete cascade,
      url text not null check (length(url) <= 2000),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index case_media_links_case on case_media_links (case_id, id)`.execute(db);
  await sql`
    create table case_followers (
      id serial primary key,
      case_id integer not null references cases (id) on delete cascade,
      email text,
      citizen_id integer references citizens (id) on delete cascade,
      token_hash text unique,
      confirmed_at timestamptz,
      stop_key text not null unique,
      created_at timestamptz not null default now(),
      check (email is not null or citizen_id is not null)
    )`.execute(db);
  await sql`create unique index case_followers_email on case_followers (case_id, lower(email)) where email is not null`.execute(
    db,
  );
  await sql`create unique index case_followers_citizen on case_followers (case_id, citizen_id) where citizen_id is not null`.execute(
    db,
  );
}
