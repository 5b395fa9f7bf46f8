import { sql, type Kysely } from 'kysely';

/**
 * Each question says what to tell someone who leaves it out ("Select where the pothole is"), as the
 * GOV.UK Design System asks, rather than a message made from the question's words ("Select where is
 * it"). And a date question can say which dates make sense: a missed collection was due today or
 * before, never next week. Empty and null keep the earlier behaviour: a general message, any date.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table request_type_questions add column error_message text not null default ''`.execute(db);
  await sql`
    alter table request_type_questions
      add column dates text check (dates in ('past', 'future'))`.execute(db);
}
