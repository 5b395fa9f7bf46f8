import { sql, type Transaction } from 'kysely';
import { dayInEngland } from '../../shared/dates.js';
import type { Database } from '../schema.js';

/** How many of the demo's requests Citizens Advice's adviser made for clients who consented; the last withdrew. */
const CLIENTS = 5;

/**
 * A few of the demo's Council Tax and benefits requests become ones the Citizens Advice adviser made
 * for a client, with the client's consent to Citizens Advice following it (for a year); one client
 * has since withdrawn it. So the adviser's list shows what consent, and its withdrawal, do.
 */
export async function seedAdviserClients(
  trx: Transaction<Database>,
  input: { adviserEmail: string; services: number[]; now: Date },
): Promise<number> {
  const adviser = await trx
    .selectFrom('staff')
    .select(['id', 'organisation_id'])
    .where('email', '=', input.adviserEmail)
    .executeTakeFirstOrThrow();
  const cases = await trx
    .selectFrom('cases')
    .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
    .innerJoin('organisations', 'organisations.id', 'cases.organisation_id')
    .select(['cases.id', 'cases.contact_name', 'cases.created_at'])
    .where('request_types.lgsl', 'in', input.services)
    .where('organisations.tier', 'in', ['district', 'unitary'])
    // The districts' first: the agreement is theirs with Citizens Advice as much as Derby's.
    .orderBy('organisations.tier')
    .orderBy('cases.id')
    .limit(CLIENTS)
    .execute();
  for (const [index, record] of cases.entries()) {
    await trx
      .updateTable('cases')
      .set({
        channel: 'partner_agency',
        recorded_by_organisation_id: adviser.organisation_id,
        created_by_staff_id: adviser.id,
      })
      .where('id', '=', record.id)
      .execute();
    await trx
      .updateTable('case_events')
      .set({ channel: 'partner_agency', staff_id: adviser.id, organisation_id: adviser.organisation_id })
      .where('case_id', '=', record.id)
      .where('kind', '=', 'created')
      .execute();
    const givenOn = dayInEngland(record.created_at);
    const withdrawn = index === cases.length - 1;
    await trx
      .insertInto('case_consents')
      .values({
        case_id: record.id,
        given_by: record.contact_name ?? 'The client',
        given_on: givenOn,
        purpose: 'Make the request and follow it up with the council',
        recorded_by_staff_id: adviser.id,
        recorded_at: record.created_at,
        organisation_id: adviser.organisation_id,
        expires_on: sql<string>`(${givenOn}::date + interval '1 year')::date`,
        ...(withdrawn ? { withdrawn_at: input.now, withdrawn_by: 'resident' as const } : {}),
      })
      .execute();
  }
  return cases.length;
}
