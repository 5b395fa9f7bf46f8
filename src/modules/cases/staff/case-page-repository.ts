import type { Kysely } from 'kysely';
import type { Database, StaffRole } from '../../../db/schema.js';

/** SQL for the staff case page and its forms. No rules: the services decide who asks. */
export function createStaffCaseRepository(db: Kysely<Database>) {
  return {
    /** The letters kept for a resident with no email address, newest first. */
    lettersOf: (caseId: number) =>
      db
        .selectFrom('case_letters')
        .select(['id', 'kind', 'subject', 'created_at'])
        .where('case_id', '=', caseId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute(),

    letter: (caseId: number, letterId: number) =>
      db
        .selectFrom('case_letters')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('id', '=', letterId)
        .executeTakeFirst(),

    /** Active staff of an organisation with any of these roles: who a case may be assigned to. */
    async staffWithRoles(organisationId: number, roles: StaffRole[]) {
      const rows = await db
        .selectFrom('staff_directory')
        .select(['id', 'name', 'roles'])
        .where('organisation_id', '=', organisationId)
        .where('active', '=', true)
        .orderBy('name')
        .execute();
      return rows.filter((row) => row.roles.some((role) => roles.includes(role))).map(({ id, name }) => ({ id, name }));
    },

    /** Other member organisations that take this kind of request: where a case may be transferred. */
    transferTargets: (serviceCode: string, memberIds: number[], ownerId: number) =>
      memberIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('request_types')
            .innerJoin('organisations', 'organisations.id', 'request_types.organisation_id')
            .select(['organisations.id', 'organisations.name'])
            .where('request_types.service_code', '=', serviceCode)
            .where('request_types.active', '=', true)
            .where('request_types.organisation_id', 'in', memberIds)
            .where('request_types.organisation_id', '<>', ownerId)
            .orderBy('organisations.name')
            .execute(),

    /** The case's latest transfer, if this member of staff made it: what the worklist's banner says. */
    async lastTransferBy(caseId: number, staffId: number) {
      const last = await db
        .selectFrom('case_events')
        .innerJoin('cases', 'cases.id', 'case_events.case_id')
        .leftJoin('organisations', 'organisations.id', 'case_events.to_organisation_id')
        .select(['cases.reference', 'organisations.name as to_organisation_name', 'case_events.staff_id'])
        .where('case_events.case_id', '=', caseId)
        .where('case_events.kind', '=', 'transferred')
        .orderBy('case_events.id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return last && last.staff_id === staffId
        ? { reference: last.reference, toOrganisationName: last.to_organisation_name }
        : undefined;
    },
  };
}

export type StaffCaseRepository = ReturnType<typeof createStaffCaseRepository>;
