import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export function createCitizenRepository(db: Kysely<Database>) {
  return {
    findByEmail: (email: string) => db.selectFrom('citizens').selectAll().where('email', '=', email).executeTakeFirst(),
    findById: (id: number) => db.selectFrom('citizens').selectAll().where('id', '=', id).executeTakeFirst(),

    async emailOf(citizenId: number, executor: Db = db): Promise<string | null> {
      return (
        (await executor.selectFrom('citizens').select('email').where('id', '=', citizenId).executeTakeFirst())?.email ??
        null
      );
    },

    async insert(
      executor: Db,
      citizen: { email: string; name: string; phone: string | null; password_hash: string | null },
    ) {
      const row = await executor.insertInto('citizens').values(citizen).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async update(
      executor: Db,
      id: number,
      changes: { name?: string; phone?: string | null; password_hash?: string; email_verified_at?: Date },
    ) {
      await executor.updateTable('citizens').set(changes).where('id', '=', id).execute();
    },
  };
}

export type CitizenRepository = ReturnType<typeof createCitizenRepository>;
