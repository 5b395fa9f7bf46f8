import { sql, type Kysely } from 'kysely';

/**
 * A message at every step, and transfers that keep the clock.
 *
 * `message_templates`: an organisation's own wording of a message its cases send (a resident told of a
 * transfer, a team told of a new case). A kind with no row is sent in the plain English default of
 * `cases/core/message-templates.ts`, so an organisation edits only what it wants to change.
 *
 * `case_letters`: the text of a message for a resident who gave no email address, ready for staff to
 * print and post (or read out on the phone), kept with the case as the outbox keeps an email.
 *
 * `cases.resident_due_on`: the day the resident was promised, kept when the case moves to a body
 * whose own target (`due_on`, from the day of the transfer) differs; null when the two are the same.
 * `cases.transferred_at`: when the current owner received the case. Insight measures the resident's
 * promise with coalesce(resident_due_on, due_on), and the owner's target with due_on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table cases
      add column resident_due_on date,
      add column transferred_at timestamptz`.execute(db);

  await sql`
    create table message_templates (
      organisation_id integer not null references organisations (id),
      kind text not null check (kind ~ '^[a-z][a-z-]*$'),
      subject text not null check (length(subject) between 1 and 200),
      body text not null check (length(body) between 1 and 5000),
      updated_at timestamptz not null default now(),
      updated_by_staff_id integer references staff (id),
      primary key (organisation_id, kind)
    )`.execute(db);

  await sql`
    create table case_letters (
      id integer generated always as identity primary key,
      case_id integer not null references cases (id),
      kind text not null,
      subject text not null,
      body text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index case_letters_case on case_letters (case_id, created_at)`.execute(db);
}
