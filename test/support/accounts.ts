import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database, StaffRole } from '../../src/db/schema.js';
import { hashPassword } from '../../src/modules/identity/secrets.js';
import { TestClient } from './http.js';

export const TEST_PASSWORD = 'correct horse battery staple';
let hashed: Promise<string> | undefined;
let sequence = 0;

export async function organisationId(db: Kysely<Database>, gss: string): Promise<number> {
  const row = await db.selectFrom('organisations').select('id').where('gss', '=', gss).executeTakeFirstOrThrow();
  return row.id;
}

/** A staff account with a known password, made straight in the database. */
export async function createStaff(
  db: Kysely<Database>,
  input: { organisationId: number; roles: StaffRole[]; name?: string; email?: string },
) {
  sequence += 1;
  const email = input.email ?? `staff${sequence}-${Date.now()}@test.example`;
  const row = await db
    .insertInto('staff')
    .values({
      organisation_id: input.organisationId,
      email,
      name: input.name ?? `Test Staff ${sequence}`,
      roles: input.roles,
      password_hash: await (hashed ??= hashPassword(TEST_PASSWORD)),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, email };
}

/** A client signed in as a new member of staff of the organisation with the given roles. */
export async function signedInStaff(
  app: FastifyInstance,
  db: Kysely<Database>,
  input: { organisationId: number; roles: StaffRole[] },
) {
  const staff = await createStaff(db, input);
  const client = new TestClient(app);
  const response = await client.post('/staff/sign-in', { email: staff.email, password: TEST_PASSWORD });
  if (response.statusCode !== 303) throw new Error(`Sign-in failed with ${response.statusCode}`);
  return { client, staff };
}
