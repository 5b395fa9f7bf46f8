import { sql, type Kysely } from 'kysely';

/**
 * The /report journey's answers until "Send report": one row per browser (its cookie holds a random
 * token, the row only its hash), kept a few hours. Once sent, `case_id` says which case it made, so
 * a second post of the same draft shows that case instead of making another.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table report_drafts (
      id integer generated always as identity primary key,
      token_hash text not null unique,
      answers jsonb not null default '{}',
      expires_at timestamptz not null,
      -- Set while one request sends the draft, so a second post waits for it instead of sending again.
      submitting_at timestamptz,
      case_id integer references cases (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index report_drafts_expiry on report_drafts (expires_at)`.execute(db);
}
