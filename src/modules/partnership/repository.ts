import { sql, type Kysely } from 'kysely';
import type { Database, OrganisationType, PartnershipKind } from '../../db/schema.js';

/** The database, or a transaction on it: writes take the caller's transaction so audit and change commit together. */
type Executor = Kysely<Database>;

const organisationColumns = ['id', 'slug', 'name', 'type', 'tier', 'gss', 'email_domain'] as const;

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

    // Organisations

    listOrganisations(type: OrganisationType | undefined) {
      let query = db.selectFrom('organisations').select(organisationColumns).orderBy('name').orderBy('id');
      if (type) query = query.where('type', '=', type);
      return query.execute();
    },

    /** Organisations that may be named in agreements and projects: members of any partnership, and every partner body. */
    listPartnerOrganisations() {
      return db
        .selectFrom('organisations')
        .select(organisationColumns)
        .where((eb) =>
          eb.or([
            eb('type', '!=', 'council'),
            eb.exists(
              eb
                .selectFrom('partnership_members')
                .select(sql`1`.as('one'))
                .whereRef('partnership_members.organisation_id', '=', 'organisations.id'),
            ),
          ]),
        )
        .orderBy('name')
        .execute();
    },

    findOrganisation(id: number) {
      return db.selectFrom('organisations').select(organisationColumns).where('id', '=', id).executeTakeFirst();
    },

    findOrganisationsById(ids: number[]) {
      if (ids.length === 0) return Promise.resolve([]);
      return db.selectFrom('organisations').select(organisationColumns).where('id', 'in', ids).execute();
    },

    findOrganisationByEmailDomain(executor: Executor, domain: string) {
      return executor
        .selectFrom('organisations')
        .select(['id', 'name'])
        .where('email_domain', '=', domain)
        .executeTakeFirst();
    },

    async insertOrganisation(
      executor: Executor,
      organisation: { slug: string; name: string; type: OrganisationType; email_domain: string | null },
    ) {
      const row = await executor
        .insertInto('organisations')
        .values({ ...organisation, tier: null, gss: null, parent_gss: null, homepage_url: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async updateOrganisation(
      executor: Executor,
      id: number,
      changes: { name: string; type: OrganisationType; email_domain: string | null },
    ) {
      await executor
        .updateTable('organisations')
        .set(changes)
        .where('id', '=', id)
        .where('type', '!=', 'council')
        .execute();
    },

    /** Slugs already taken that could clash with `base`: the base itself and its numbered forms. */
    async takenSlugs(executor: Executor, table: 'organisations' | 'partnerships', base: string): Promise<Set<string>> {
      const rows = await executor
        .selectFrom(table)
        .select('slug')
        .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
        .execute();
      return new Set(rows.map((row) => row.slug));
    },

    // Partnerships

    listPartnerships() {
      return db
        .selectFrom('partnerships')
        .leftJoin('partnership_members', 'partnership_members.partnership_id', 'partnerships.id')
        .select([
          'partnerships.id',
          'partnerships.slug',
          'partnerships.name',
          'partnerships.kind',
          'partnerships.description',
        ])
        .select((eb) => eb.fn.count<number>('partnership_members.organisation_id').as('member_count'))
        .groupBy('partnerships.id')
        .orderBy('partnerships.name')
        .execute();
    },

    findPartnershipById(id: number) {
      return db
        .selectFrom('partnerships')
        .select(['id', 'slug', 'name', 'kind', 'description', 'created_at'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async insertPartnership(
      executor: Executor,
      partnership: { slug: string; name: string; kind: PartnershipKind; description: string },
    ) {
      const row = await executor
        .insertInto('partnerships')
        .values(partnership)
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    listMembers(partnershipId: number) {
      return db
        .selectFrom('partnership_members')
        .innerJoin('organisations', 'organisations.id', 'partnership_members.organisation_id')
        .select(organisationColumns.map((column) => `organisations.${column}` as const))
        .where('partnership_members.partnership_id', '=', partnershipId)
        .orderBy('organisations.name')
        .execute();
    },

    /** True when the body joined now; false when it was a member already. */
    async addMember(executor: Executor, partnershipId: number, organisationId: number): Promise<boolean> {
      const result = await executor
        .insertInto('partnership_members')
        .values({ partnership_id: partnershipId, organisation_id: organisationId })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async removeMember(executor: Executor, partnershipId: number, organisationId: number): Promise<boolean> {
      const result = await executor
        .deleteFrom('partnership_members')
        .where('partnership_id', '=', partnershipId)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async isMember(partnershipId: number, organisationId: number): Promise<boolean> {
      const row = await db
        .selectFrom('partnership_members')
        .select('organisation_id')
        .where('partnership_id', '=', partnershipId)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type PartnershipRepository = ReturnType<typeof createPartnershipRepository>;
export type OrganisationRecord = NonNullable<Awaited<ReturnType<PartnershipRepository['findOrganisation']>>>;
