import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, StaffRole } from '../../db/schema.js';

import { partnershipWideRoles } from './policy.js';

type Db = Kysely<Database> | Transaction<Database>;

export function createStaffRepository(db: Kysely<Database>) {
  const withOrganisation = (executor: Db) =>
    executor
      .selectFrom('staff')
      .innerJoin('organisations', 'organisations.id', 'staff.organisation_id')
      .select([
        'staff.id',
        'staff.organisation_id',
        'staff.email',
        'staff.name',
        'staff.roles',
        'staff.password_hash',
        'staff.disabled_at',
        'staff.last_signed_in_at',
        'staff.created_at',
        'organisations.name as organisation_name',
      ]);

  return {
    findByEmail: (email: string) => withOrganisation(db).where('staff.email', '=', email).executeTakeFirst(),
    findById: (id: number) => withOrganisation(db).where('staff.id', '=', id).executeTakeFirst(),

    /** Staff of one organisation, or of all when organisationId is null. */
    list(organisationId: number | null) {
      let query = withOrganisation(db).orderBy('organisations.name').orderBy('staff.name');
      if (organisationId !== null) query = query.where('staff.organisation_id', '=', organisationId);
      return query.execute();
    },

    /** Partnership administrators (the policy's partnership-wide roles) who can still sign in: who the audit log's anchors are emailed to. */
    listPartnershipAdministrators() {
      return db
        .selectFrom('staff')
        .select(['name', 'email'])
        .where('disabled_at', 'is', null)
        .where(sql<boolean>`roles && ${sql.val([...partnershipWideRoles])}::text[]`)
        .orderBy('id')
        .execute();
    },

    async insert(
      executor: Db,
      staff: { organisation_id: number; email: string; name: string; roles: StaffRole[]; password_hash: string | null },
    ) {
      const row = await executor.insertInto('staff').values(staff).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async update(
      executor: Db,
      id: number,
      changes: { name?: string; roles?: StaffRole[]; disabled_at?: Date | null; password_hash?: string },
    ) {
      await executor.updateTable('staff').set(changes).where('id', '=', id).execute();
    },

    async recordSignIn(id: number, now: Date) {
      await db.updateTable('staff').set({ last_signed_in_at: now }).where('id', '=', id).execute();
    },
  };
}

export type StaffRepository = ReturnType<typeof createStaffRepository>;
export type StaffRecord = NonNullable<Awaited<ReturnType<StaffRepository['findById']>>>;
