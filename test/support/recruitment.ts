import type { FastifyInstance } from 'fastify';
import type { Insertable, Kysely } from 'kysely';
import type { ApplicationsTable, Database, VacanciesTable } from '../../src/db/schema.js';
import { hashPassword } from '../../src/modules/identity/secrets.js';
import { TEST_PASSWORD } from './accounts.js';
import { TestClient } from './http.js';

/** Recruitment's test fixtures: rows made straight in the database, so each test starts where it needs to. */

let sequence = 0;
let hashed: Promise<string> | undefined;
const DAY_MS = 86_400_000;

/** A vacancy, live by default (published, posted yesterday, closing in 14 days from `now`). */
export async function createVacancy(
  db: Kysely<Database>,
  input: Partial<Insertable<VacanciesTable>> & { organisationId: number; now?: Date },
  criteria: { kind: 'essential' | 'desirable'; text: string }[] = [
    { kind: 'essential', text: 'Experience of working with the public' },
    { kind: 'essential', text: 'A full UK driving licence' },
    { kind: 'desirable', text: 'Knowledge of local government' },
  ],
) {
  sequence += 1;
  const now = input.now ?? new Date();
  const { organisationId, now: _now, ...fields } = input;
  const vacancy = await db
    .insertInto('vacancies')
    .values({
      slug: `test-vacancy-${sequence}-${Date.now()}`,
      organisation_id: organisationId,
      title: `Test vacancy ${sequence}`,
      description: 'A job in a test.',
      status: 'published',
      posted_at: new Date(now.getTime() - DAY_MS),
      closes_at: new Date(now.getTime() + 14 * DAY_MS),
      ...fields,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const criterionRows = criteria.length
    ? await db
        .insertInto('vacancy_criteria')
        .values(criteria.map((criterion, index) => ({ vacancy_id: vacancy.id, position: index + 1, ...criterion })))
        .returningAll()
        .execute()
    : [];
  return { ...vacancy, criteria: criterionRows };
}

/** A citizen account with a confirmed email and the known test password. */
export async function createApplicant(db: Kysely<Database>, input: { email?: string; name?: string } = {}) {
  sequence += 1;
  const email = (input.email ?? `applicant${sequence}-${Date.now()}@test.example`).toLowerCase();
  const row = await db
    .insertInto('citizens')
    .values({
      email,
      name: input.name ?? `Applicant ${sequence}`,
      password_hash: await (hashed ??= hashPassword(TEST_PASSWORD)),
      email_verified_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, email };
}

/** A client signed in to a new applicant's account. */
export async function signedInApplicant(app: FastifyInstance, db: Kysely<Database>, input: { email?: string } = {}) {
  const applicant = await createApplicant(db, input);
  const client = new TestClient(app);
  const response = await client.post('/account/sign-in', { email: applicant.email, password: TEST_PASSWORD });
  if (response.statusCode !== 303) throw new Error(`Sign-in failed with ${response.statusCode}`);
  return { client, applicant };
}

/** An application at any stage, with plausible content, made without the pipeline (no events, no emails). */
export async function createApplication(
  db: Kysely<Database>,
  input: Partial<Omit<Insertable<ApplicationsTable>, 'personal'>> & {
    vacancyId: number;
    personal?: Record<string, unknown>;
  },
) {
  sequence += 1;
  const { vacancyId, personal, ...fields } = input;
  return db
    .insertInto('applications')
    .values({
      vacancy_id: vacancyId,
      status: 'submitted',
      submitted_at: new Date(),
      personal: JSON.stringify({
        first_name: 'Sam',
        last_name: `Applicant${sequence}`,
        email: `sam${sequence}-${Date.now()}@test.example`,
        phone: '01629 580000',
        address: '1 Test Street, Matlock',
        postcode: 'DE4 3AG',
        right_to_work: 'yes',
        ...personal,
      }),
      employment_history: JSON.stringify([
        {
          employer: 'Derbyshire Dales District Council',
          job_title: 'Customer adviser',
          from: '2018-04',
          to: '',
          duties: 'Answering the public',
          reason_for_leaving: '',
        },
      ]),
      ...fields,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
