import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import type { MailSink } from './mail-sink.js';
import type { Submission } from './load.js';

/** One line of the suite's table. */
export interface Row {
  fault: string;
  submitted: number;
  acknowledged: number;
  found: number;
  lost: number;
  duplicated: number;
  notes: string;
  /** What else makes the run fail: a process that should have stayed up, requests never acknowledged. */
  problems: string[];
}

/**
 * Requests: submitted = Idempotency-Keys the client started; acknowledged = those answered 201 with a
 * reference; found = acknowledged references that are cases in the database afterwards; lost =
 * acknowledged but not found; duplicated = keys that made more than one case.
 */
export async function countRequests(
  db: Kysely<Database>,
  fault: string,
  label: string,
  submissions: Submission[],
  notes: string[],
  problems: string[] = [],
): Promise<Row> {
  const acknowledged = submissions.filter((submission) => submission.reference !== undefined);
  const cases = await db
    .selectFrom('cases')
    .select(['reference', 'description'])
    .where('description', 'like', `${label} %`)
    .execute();
  const references = new Set(cases.map((row) => row.reference));
  const casesPerKey = new Map<string, number>();
  for (const row of cases) casesPerKey.set(row.description, (casesPerKey.get(row.description) ?? 0) + 1);

  const found = acknowledged.filter((submission) => references.has(submission.reference as string)).length;
  const duplicated = [...casesPerKey.values()].filter((count) => count > 1).length;
  // A case whose client never heard of it (it gave up, or was refused) is not lost, but is worth saying.
  const unacknowledged = submissions.filter((submission) => submission.reference === undefined);
  const savedUnheard = unacknowledged.filter((submission) => casesPerKey.has(submission.description)).length;
  const retried = submissions.filter((submission) => submission.attempts > 1).length;
  const extra = [
    retried
      ? `${retried} retried, ${await countReplays(db, submissions)} of them answered with the saved response of an attempt whose answer was lost`
      : 'none retried',
    unacknowledged.length ? `${unacknowledged.length} never acknowledged (${savedUnheard} of them saved)` : '',
    refusals(submissions),
  ].filter(Boolean);
  // Every request is retried for a minute: one still unacknowledged means the service did not come back.
  const unanswered = unacknowledged.length ? [`${unacknowledged.length} requests never acknowledged`] : [];
  return {
    fault,
    submitted: submissions.length,
    acknowledged: acknowledged.length,
    found,
    lost: acknowledged.length - found,
    duplicated,
    notes: [...notes, ...extra].join('; '),
    problems: [...problems, ...unanswered],
  };
}

/**
 * Retries whose first attempt had made the case before its answer was lost (the process killed, the
 * connection ended after the commit): the Open311 audit entry of each POST says whether it replayed.
 */
async function countReplays(db: Kysely<Database>, submissions: Submission[]): Promise<number> {
  const keys = submissions.filter((submission) => submission.attempts > 1).map((submission) => submission.key);
  if (keys.length === 0) return 0;
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'open311-post')
    .where(sql<string>`detail->>'replayed'`, '=', 'true')
    .where(sql<string>`detail->>'idempotencyKey'`, 'in', keys)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The failed attempts by what they met: `503 ×12, ECONNREFUSED ×3`. */
export function failureSummary(submissions: Submission[]): string {
  const counts = new Map<string, number>();
  for (const failure of submissions.flatMap((submission) => submission.failures))
    counts.set(failure, (counts.get(failure) ?? 0) + 1);
  if (counts.size === 0) return 'no attempt failed';
  return `failed attempts: ${[...counts].map(([what, count]) => `${what} ×${count}`).join(', ')}`;
}

function refusals(submissions: Submission[]): string {
  const refused = submissions.filter((submission) => submission.refused);
  return refused.length ? `${refused.length} refused, e.g. ${refused[0].refused}` : '';
}

/**
 * Emails: submitted = receipts queued for acknowledged requests; acknowledged = marked sent in the
 * outbox; found = arrived at the mail server at least once; lost = queued but never arrived;
 * duplicated = arrived more than once (at least once allows it: a worker killed between the mail
 * server's 250 and marking the email sent sends it again).
 */
export async function countEmails(
  db: Kysely<Database>,
  fault: string,
  submissions: Submission[],
  sink: MailSink,
  notes: string[],
): Promise<Row> {
  const references = submissions
    .filter((submission) => submission.reference && submission.email)
    .map((submission) => submission.reference as string);
  const subjects = references.map((reference) => `%(${reference})`);
  const outbox = subjects.length
    ? await db
        .selectFrom('email_outbox')
        .select(['subject', 'sent_at', 'attempts'])
        .where((eb) => eb.or(subjects.map((subject) => eb('subject', 'like', subject))))
        .execute()
    : [];
  const { found, duplicated } = sink.countDelivered(references);
  const attempts = outbox.reduce((sum, email) => sum + email.attempts, 0);
  return {
    fault,
    submitted: outbox.length,
    acknowledged: outbox.filter((email) => email.sent_at !== null).length,
    found,
    lost: references.length - found,
    duplicated,
    notes: [...notes, `${attempts} failed send attempts recorded`].join('; '),
    problems: [],
  };
}

/** Waits until every acknowledged request's receipt has arrived, or the deadline. */
export async function waitForEmails(submissions: Submission[], sink: MailSink, deadline: number): Promise<number> {
  const references = submissions
    .filter((submission) => submission.reference && submission.email)
    .map((submission) => submission.reference as string);
  const started = Date.now();
  while (Date.now() < deadline && sink.countDelivered(references).found < references.length)
    await new Promise((resolve) => setTimeout(resolve, 250));
  return Date.now() - started;
}
