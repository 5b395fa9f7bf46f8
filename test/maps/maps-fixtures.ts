import type { Kysely } from 'kysely';
import type { CaseStatus, Database } from '../../src/db/schema.js';
import { anonymous } from '../../src/shared/actor.js';
import { casesServices } from '../support/cases.js';

/** Words that must never reach the public map: they are in every fixture's description and contact. */
export const privateWords = {
  description: 'Beside the blue door of Ada’s house',
  name: 'Ada Resident',
  email: 'ada.resident@example.com',
  phone: '07700 900123',
};

export interface MapFixture {
  /** References the public map must show, by what they are. */
  shown: { potholeMatlock: string; binDerby: string; flyTippingSwadlincote: string };
  /** References it must never show, and why. */
  hidden: { resolved: string; closed: string; notPublicType: string; madePrivate: string; notAMember: string };
  /** Exact positions of the shown cases, to check the rounding. */
  exact: Record<string, { latitude: number; longitude: number }>;
}

/**
 * Reports made through the real case service (routing, references, due dates), then moved to the
 * statuses the tests need. One case is re-owned by a council outside the partnership, as if it had
 * been transferred away, to check the map shows members' requests only.
 */
export async function seedMapRequests(db: Kysely<Database>, extraPotholes = 0): Promise<MapFixture> {
  let now = new Date('2026-11-02T09:00:00Z');
  const clock = () => now;
  const services = await casesServices(db, clock);

  async function report(
    serviceCode: string,
    postcode: string,
    answers: Record<string, string | string[]> = {},
  ): Promise<{ id: number; reference: string }> {
    now = new Date(now.getTime() + 60 * 60_000);
    const result = await services.cases.submit(anonymous, {
      serviceCode,
      place: await services.place(postcode),
      locationDescription: privateWords.description,
      description: `${privateWords.description}: please fix`,
      answers,
      channel: 'web',
      contact: { name: privateWords.name, email: privateWords.email, phone: privateWords.phone },
      citizenId: null,
    });
    if (result.outcome !== 'created')
      throw new Error(`Could not report ${serviceCode} at ${postcode}: ${result.outcome}`);
    return { id: result.caseId, reference: result.reference };
  }
  const setStatus = (id: number, status: CaseStatus) =>
    db
      .updateTable('cases')
      .set({ status, closure_reason: status === 'closed' ? 'no_further_action' : null })
      .where('id', '=', id)
      .execute();

  const potholeMatlock = await report('pothole', 'DE4 3AG', { where_on_road: 'carriageway' });
  const binDerby = await report('missed-bin', 'DE1 0AL', { bin_type: 'general' });
  await setStatus(binDerby.id, 'acknowledged');
  const flyTippingSwadlincote = await report('fly-tipping', 'DE11 0AA', { amount: 'bag', hazardous: 'no' });
  await setStatus(flyTippingSwadlincote.id, 'in_progress');

  const resolved = await report('pothole', 'DE11 0DJ', { where_on_road: 'pavement' });
  await setStatus(resolved.id, 'resolved');
  const closed = await report('graffiti', 'DE11 0HB', { offensive: 'no' });
  await setStatus(closed.id, 'closed');
  const notPublicType = await report('noise', 'DE4 3AG', { source: 'music', when: 'Every night after 11pm' });
  const madePrivate = await report('pothole', 'DE11 0LD', { where_on_road: 'carriageway' });
  await db.updateTable('cases').set({ is_public: false }).where('id', '=', madePrivate.id).execute();
  const notAMember = await report('pothole', 'DE11 0PF', { where_on_road: 'carriageway' });
  const staffordshire = await db
    .selectFrom('organisations')
    .select('id')
    .where('name', '=', 'Staffordshire County Council')
    .executeTakeFirstOrThrow();
  await db.updateTable('cases').set({ organisation_id: staffordshire.id }).where('id', '=', notAMember.id).execute();

  for (let i = 0; i < extraPotholes; i++) await report('pothole', 'DE11 0RF', { where_on_road: 'carriageway' });

  const rows = await db.selectFrom('cases').select(['reference', 'latitude', 'longitude']).execute();
  return {
    shown: {
      potholeMatlock: potholeMatlock.reference,
      binDerby: binDerby.reference,
      flyTippingSwadlincote: flyTippingSwadlincote.reference,
    },
    hidden: {
      resolved: resolved.reference,
      closed: closed.reference,
      notPublicType: notPublicType.reference,
      madePrivate: madePrivate.reference,
      notAMember: notAMember.reference,
    },
    exact: Object.fromEntries(rows.map((row) => [row.reference, { latitude: row.latitude, longitude: row.longitude }])),
  };
}
