import { sql, type Kysely } from 'kysely';
import type { AgreementPurpose, AgreementStatus, Database, StaffRole } from '../../db/schema.js';
import type { DataCategory, SharingRelationship } from '../../shared/sharing.js';
import type { ActiveAgreementFinder } from '../identity/policy.js';
import { dayInEngland } from '../../shared/dates.js';
import { applicableAgreementsQuery } from './sharing-rules.js';

type Executor = Kysely<Database>;

export interface AgreementValues {
  title: string;
  purpose: AgreementPurpose;
  covers_all_services: boolean;
  valid_from: string;
  valid_to: string | null;
  purpose_statement: string;
  categories: DataCategory[];
  receiving_roles: StaffRole[];
  relationship: SharingRelationship;
}

export function createAgreementsRepository(db: Kysely<Database>) {
  return {
    /** Every agreement, or only those the organisation is party to. */
    list(partyOrganisationId: number | null) {
      let query = db
        .selectFrom('data_sharing_agreements')
        .select([
          'id',
          'title',
          'purpose',
          'purpose_statement',
          'covers_all_services',
          'valid_from',
          'valid_to',
          'status',
        ])
        .orderBy('status')
        .orderBy('valid_from', 'desc')
        .orderBy('id', 'desc');
      if (partyOrganisationId !== null) {
        query = query.where('id', 'in', (eb) =>
          eb.selectFrom('agreement_parties').select('agreement_id').where('organisation_id', '=', partyOrganisationId),
        );
      }
      return query.execute();
    },

    find(id: number) {
      return db
        .selectFrom('data_sharing_agreements')
        .leftJoin('staff_directory as staff', 'staff.id', 'data_sharing_agreements.created_by_staff_id')
        .selectAll('data_sharing_agreements')
        .select('staff.name as created_by')
        .where('data_sharing_agreements.id', '=', id)
        .executeTakeFirst();
    },

    /** The parties of each agreement asked about, by agreement id. */
    async partiesOf(agreementIds: number[]) {
      const parties = new Map<number, { id: number; name: string }[]>();
      if (agreementIds.length === 0) return parties;
      const rows = await db
        .selectFrom('agreement_parties')
        .innerJoin('organisations', 'organisations.id', 'agreement_parties.organisation_id')
        .select(['agreement_parties.agreement_id', 'organisations.id', 'organisations.name'])
        .where('agreement_parties.agreement_id', 'in', agreementIds)
        .orderBy('organisations.name')
        .execute();
      for (const row of rows)
        parties.set(row.agreement_id, [...(parties.get(row.agreement_id) ?? []), { id: row.id, name: row.name }]);
      return parties;
    },

    listServices(agreementId: number) {
      return db
        .selectFrom('agreement_services')
        .innerJoin('services', 'services.lgsl', 'agreement_services.lgsl')
        .select(['services.lgsl', 'services.title'])
        .where('agreement_services.agreement_id', '=', agreementId)
        .orderBy('services.title')
        .execute();
    },

    /** Services an agreement may name, from the LGSL list. */
    listAllServices() {
      return db.selectFrom('services').select(['lgsl', 'title']).orderBy('title').execute();
    },

    async insert(
      executor: Executor,
      values: AgreementValues & { created_by_staff_id: number },
      parties: number[],
      services: number[],
    ) {
      const row = await executor
        .insertInto('data_sharing_agreements')
        .values({ ...values, status: 'draft' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await replaceScope(executor, row.id, parties, services);
      return row.id;
    },

    async update(executor: Executor, id: number, values: AgreementValues, parties: number[], services: number[]) {
      await executor.updateTable('data_sharing_agreements').set(values).where('id', '=', id).execute();
      await replaceScope(executor, id, parties, services);
    },

    /** Moves an agreement on from one status; false when it was not in that status (someone got there first). */
    async changeStatus(executor: Executor, id: number, from: AgreementStatus, to: AgreementStatus): Promise<boolean> {
      const result = await executor
        .updateTable('data_sharing_agreements')
        .set({ status: to })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

async function replaceScope(executor: Executor, agreementId: number, parties: number[], services: number[]) {
  await executor.deleteFrom('agreement_parties').where('agreement_id', '=', agreementId).execute();
  await executor.deleteFrom('agreement_services').where('agreement_id', '=', agreementId).execute();
  await executor
    .insertInto('agreement_parties')
    .values(parties.map((organisationId) => ({ agreement_id: agreementId, organisation_id: organisationId })))
    .execute();
  if (services.length > 0) {
    await executor
      .insertInto('agreement_services')
      .values(services.map((lgsl) => ({ agreement_id: agreementId, lgsl })))
      .execute();
  }
}

/**
 * The sharing rule every module asks before showing one organisation's records to another: an
 * agreement that is active, in force on the day (UK calendar), names both bodies, is for this purpose,
 * and covers all services or this one. A record with no service (lgsl null) needs an all-services
 * agreement. `applicableAgreements` also asks that it names one of the viewer's roles, and says what
 * each such agreement shares and on what test (see sharing-rules.ts).
 */
export function createActiveAgreementFinder(db: Kysely<Database>): ActiveAgreementFinder {
  return {
    async coversSharing({ from, to, purpose, lgsl, on, roles }) {
      let query = applicableAgreementsQuery(db, { from, to, purpose, lgsl, day: dayInEngland(on) });
      if (roles)
        query = query.where(sql<boolean>`data_sharing_agreements.receiving_roles && ${sql.val(roles)}::text[]`);
      const row = await query.select('data_sharing_agreements.id').limit(1).executeTakeFirst();
      return row !== undefined;
    },

    async applicableAgreements({ from, to, purpose, lgsl, on, roles }) {
      if (roles.length === 0) return [];
      const rows = await applicableAgreementsQuery(db, { from, to, purpose, lgsl, day: dayInEngland(on) })
        .where(sql<boolean>`data_sharing_agreements.receiving_roles && ${sql.val(roles)}::text[]`)
        .select(['id', 'title', 'purpose_statement', 'categories', 'receiving_roles', 'relationship'])
        .orderBy(sql`cardinality(data_sharing_agreements.categories)`, 'desc')
        .orderBy('data_sharing_agreements.id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        title: row.title,
        purposeStatement: row.purpose_statement,
        categories: row.categories,
        receivingRoles: row.receiving_roles,
        relationship: row.relationship,
      }));
    },
  };
}

export type AgreementsRepository = ReturnType<typeof createAgreementsRepository>;
export type AgreementRecord = NonNullable<Awaited<ReturnType<AgreementsRepository['find']>>>;
