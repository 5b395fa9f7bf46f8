import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export function createPartnershipRepository(db: Kysely<Database>) {
  return {
    async findPartnership(slug: string) {
      return db.selectFrom('partnerships').selectAll().where('slug', '=', slug).executeTakeFirst();
    },
  };
}

export type PartnershipRepository = ReturnType<typeof createPartnershipRepository>;
