import type { Kysely } from 'kysely';
import type { CaseStatus, Channel, Database, StaffRole } from '../../../src/db/schema.js';
import type { DataCategory, SharingRelationship } from '../../../src/shared/sharing.js';
import { anonymous, type StaffActor } from '../../../src/shared/actor.js';
import { createStaff, organisationId } from '../../support/accounts.js';
import { casesServices } from '../../support/cases.js';

/** The councils the staff-cases tests use, by GSS code. */
export const gss = {
  county: 'E10000007',
  dales: 'E07000035',
  amberValley: 'E07000032',
  chesterfield: 'E07000034',
  derby: 'E06000015',
};

export type CasesServices = Awaited<ReturnType<typeof casesServices>>;

/** The cases services on the test app's database, for making cases the way any channel makes them. */
export function servicesFor(db: Kysely<Database>): Promise<CasesServices> {
  return casesServices(db, () => new Date());
}

const answersByKind: Record<string, Record<string, string>> = {
  'missed-bin': { bin_type: 'general' },
  pothole: { where_on_road: 'carriageway' },
  graffiti: { offensive: 'no' },
  'fly-tipping': { amount: 'bag', hazardous: 'no' },
  'dog-fouling': {},
};

/** A resident's report through the web, as the citizen journey makes it; gives the new case's id and reference. */
export async function report(
  services: CasesServices,
  serviceCode: string,
  postcode: string,
  extra: { description?: string; email?: string | null; locationDescription?: string; channel?: Channel } = {},
) {
  const result = await services.cases.submit(anonymous, {
    serviceCode,
    place: await services.place(postcode),
    locationDescription: extra.locationDescription ?? 'Outside number 12',
    description: extra.description ?? 'Please deal with this',
    answers: answersByKind[serviceCode] ?? {},
    channel: extra.channel ?? 'web',
    contact: {
      name: 'Ada Resident',
      email: extra.email === undefined ? 'ada@example.com' : extra.email,
      phone: '01629 580000',
    },
    citizenId: null,
  });
  if (result.outcome !== 'created') throw new Error(`Report not created: ${JSON.stringify(result)}`);
  return { id: result.caseId, reference: result.reference };
}

/** A member of staff as the services see them, with an account in the database. */
export async function staffActor(db: Kysely<Database>, organisation: number, roles: StaffRole[]): Promise<StaffActor> {
  const staff = await createStaff(db, { organisationId: organisation, roles });
  return {
    kind: 'staff',
    staffId: staff.id,
    name: 'Test Officer',
    email: staff.email,
    organisationId: organisation,
    organisationName: 'Test',
    roles,
  };
}

/** An active data-sharing agreement for cases, covering every service, between these organisations. */
export async function casesAgreement(db: Kysely<Database>, parties: number[]): Promise<number> {
  const { id } = await db
    .insertInto('data_sharing_agreements')
    .values({
      title: 'Cases agreement',
      purpose: 'cases',
      covers_all_services: true,
      valid_from: '2020-01-01',
      valid_to: null,
      status: 'active',
      created_by_staff_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('agreement_parties')
    .values(parties.map((organisation_id) => ({ agreement_id: id, organisation_id })))
    .execute();
  return id;
}

/** What an agreement shares, with whom and on what test: as an administrator sets it on the agreement form. */
export interface SharingScope {
  categories: DataCategory[];
  roles: StaffRole[];
  relationship: SharingRelationship;
  /** LGSL codes; every service when left out. */
  services?: number[];
  purposeStatement?: string;
}

/** An active data-sharing agreement for cases between these organisations, with its scope. */
export async function sharingAgreement(db: Kysely<Database>, parties: number[], scope: SharingScope): Promise<number> {
  const { id } = await db
    .insertInto('data_sharing_agreements')
    .values({
      title: `${scope.purposeStatement ?? 'Sharing'} agreement`,
      purpose: 'cases',
      purpose_statement: scope.purposeStatement ?? 'Test sharing',
      covers_all_services: scope.services === undefined,
      categories: scope.categories,
      receiving_roles: scope.roles,
      relationship: scope.relationship,
      valid_from: '2020-01-01',
      valid_to: null,
      status: 'active',
      created_by_staff_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('agreement_parties')
    .values(parties.map((organisation_id) => ({ agreement_id: id, organisation_id })))
    .execute();
  if (scope.services)
    await db
      .insertInto('agreement_services')
      .values(scope.services.map((lgsl) => ({ agreement_id: id, lgsl })))
      .execute();
  return id;
}

/** A partner agency (Citizens Advice) as a member of the partnership, as the demo data has it. */
export async function partnerAgency(db: Kysely<Database>, slug = 'citizens-advice-test'): Promise<number> {
  const { id } = await db
    .insertInto('organisations')
    .values({
      slug,
      name: 'Citizens Advice Test',
      type: 'advice_agency',
      tier: null,
      gss: null,
      parent_gss: null,
      homepage_url: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const partnership = await db
    .selectFrom('partnerships')
    .select('id')
    .where('slug', '=', 'derbyshire')
    .executeTakeFirstOrThrow();
  await db.insertInto('partnership_members').values({ partnership_id: partnership.id, organisation_id: id }).execute();
  return id;
}

/** Moves a case's due date and status straight in the database, to make known data for the lists. */
export async function setCase(
  db: Kysely<Database>,
  caseId: number,
  changes: { due_on?: string; status?: CaseStatus; assignee_staff_id?: number | null },
) {
  const status = changes.status;
  await db
    .updateTable('cases')
    .set({
      ...changes,
      // The table insists a closed case says why.
      ...(status ? { closure_reason: status === 'closed' ? 'no_further_action' : null } : {}),
    })
    .where('id', '=', caseId)
    .execute();
}

/** The references in the worklist's table, in the order shown. */
export function referencesIn(html: string): string[] {
  const table = /<table class="govuk-table[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return [...table.matchAll(/href="\/staff\/cases\/\d+">([A-Z]+-\d{4}-\d{6})<\/a>/g)].map((match) => match[1]);
}

/** The day `days` from today, 'YYYY-MM-DD', in UTC (the tests' dates are whole days away from any edge). */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export { organisationId };
