import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export function createPartnershipRepository(db: Kysely<Database>) {
  return {
    async listMemberOrganisations(partnershipSlug: string) {
      return db
        .selectFrom('partnership_members')
        .innerJoin('partnerships', 'partnerships.id', 'partnership_members.partnership_id')
        .innerJoin('organisations', 'organisations.id', 'partnership_members.organisation_id')
        .select(['organisations.id', 'organisations.name', 'organisations.type', 'organisations.tier'])
        .where('partnerships.slug', '=', partnershipSlug)
        .orderBy('organisations.name')
        .execute();
    },

    async findPartnership(slug: string) {
      return db.selectFrom('partnerships').selectAll().where('slug', '=', slug).executeTakeFirst();
    },
  };
}

export type PartnershipRepository = ReturnType<typeof createPartnershipRepository>;
