import type { Transaction } from 'kysely';
import { addWorkingDays } from '../../modules/cases/core/working-days.js';
import { dayInEngland } from '../../shared/dates.js';
import type { CaseStatus, Channel, Database } from '../schema.js';

/** A small deterministic generator, so every newcomer's demo has the same cases. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    weighted: <T>(items: readonly [T, number][]): T => {
      let roll = next() * items.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [item, weight] of items) {
        roll -= weight;
        if (roll <= 0) return item;
      }
      return items[items.length - 1][0];
    },
  };
}

const channels: [Channel, number][] = [
  ['web', 45],
  ['phone', 30],
  ['face_to_face', 10],
  ['email', 8],
  ['outreach', 4],
  ['partner_agency', 3],
];

const descriptions: Record<string, string[]> = {
  pothole: [
    'Deep pothole in the middle of the lane, cars swerving round it.',
    'Pothole by the kerb has filled with water, splashing people on the pavement.',
    'Several potholes where the road was dug up last winter.',
  ],
  'street-light': [
    'Street light has been out for a week; the path is pitch dark.',
    'Lamp is on all day.',
    'Light flickers on and off all night.',
  ],
  'blocked-gully': [
    'Drain is blocked with leaves; the road floods after rain.',
    'Water pools across the road by the bus stop.',
  ],
  'highway-tree': ['Branch hanging low over the footpath.', 'Tree leaning over the road after the storm.'],
  'missed-bin': [
    'Bin was out by 7am but not emptied.',
    'Whole street missed on collection day.',
    'Recycling left, general waste taken.',
  ],
  'fly-tipping': [
    'Mattress and bags dumped in the lay-by.',
    'Builders’ rubble tipped at the field gate.',
    'Fridge left on the verge.',
  ],
  noise: ['Loud music every night after midnight.', 'Dog barking for hours while the owners are out.'],
  'dog-fouling': ['Dog mess all along the path to the school.', 'Fouling on the playing field.'],
  graffiti: ['Graffiti on the bus shelter.', 'Tags sprayed on the underpass wall.'],
  'abandoned-vehicle': ['Car with no tax, not moved in a month.', 'Van with flat tyres left on the verge.'],
  'council-tax-enquiry': ['I have moved house and need my bill changing.', 'Asking about the single person discount.'],
  'benefits-enquiry': ['My hours at work have changed.', 'I want to check my claim has been received.'],
};

const names = [
  'Ada Lovelace',
  'Tom Wright',
  'Priya Shah',
  'Gareth Evans',
  'Helen Moore',
  'Sunil Mistry',
  'Jean Hardy',
  'Kofi Mensah',
  'Lucy Turner',
  'Mark Allen',
];

/**
 * About 300 requests across the partnership's members, kinds, channels and statuses over the last
 * 120 days: some overdue, some transferred, each with a timeline, so the worklists, map and tracking
 * pages of a new installation have something in them.
 */
export async function seedDemoCases(
  trx: Transaction<Database>,
  input: { now: Date; referencePrefix: string; count?: number },
): Promise<number> {
  const rng = random(20_261_126);
  const types = await trx
    .selectFrom('request_types')
    .innerJoin('organisations', 'organisations.id', 'request_types.organisation_id')
    .select([
      'request_types.id',
      'request_types.organisation_id',
      'request_types.service_code',
      'request_types.team_id',
      'request_types.sla_working_days',
      'request_types.public_on_map',
      'request_types.tier',
      'organisations.gss',
      'organisations.name',
    ])
    .execute();
  const holidays = new Set(
    (await trx.selectFrom('bank_holidays').select('holiday_on').execute()).map((row) => row.holiday_on),
  );
  const postcodes = await trx
    .selectFrom('postcodes')
    .select(['postcode', 'latitude', 'longitude', 'lower_tier_gss', 'county_gss'])
    .execute();
  const sample = Array.from({ length: 600 }, () => rng.pick(postcodes));
  const counters = new Map<number, number>();
  // The customer view's people: one per email address, as the cases module links real requests.
  const people = new Map<string, number>();
  const personFor = async (name: string, email: string, postcode: string | null, at: Date) => {
    const known = people.get(email);
    if (known !== undefined) return known;
    const person = await trx
      .insertInto('people')
      .values({ name, email, postcode, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    people.set(email, person.id);
    return person.id;
  };

  let created = 0;
  const wanted = input.count ?? 300;
  for (let attempt = 0; created < wanted && attempt < wanted * 3; attempt += 1) {
    const place = rng.pick(sample);
    const county = place.county_gss ?? place.lower_tier_gss;
    const candidates = types.filter((type) =>
      type.tier === 'county/unitary' ? type.gss === county : type.gss === place.lower_tier_gss,
    );
    if (candidates.length === 0) continue; // a postcode served by a council outside the partnership
    const type = rng.pick(candidates);
    const ageDays = Math.floor(rng.next() ** 1.6 * 120);
    const createdAt = new Date(input.now.getTime() - ageDays * 86_400_000 - Math.floor(rng.next() * 8) * 3_600_000);
    const createdDay = dayInEngland(createdAt);
    const due = addWorkingDays(createdDay, type.sla_working_days, holidays);
    const overdueNow = due < dayInEngland(input.now);
    // Older cases are mostly finished; a few linger past their due date.
    const status: CaseStatus =
      ageDays < 2
        ? 'open'
        : rng.weighted<CaseStatus>(
            overdueNow
              ? [
                  ['resolved', 6],
                  ['closed', 2],
                  ['in_progress', 1],
                  ['acknowledged', 1],
                ]
              : [
                  ['open', 3],
                  ['acknowledged', 3],
                  ['in_progress', 3],
                  ['resolved', 1],
                ],
          );
    const channel = rng.weighted(channels);
    const year = Number(createdDay.slice(0, 4));
    const number = (counters.get(year) ?? 0) + 1;
    counters.set(year, number);
    const reference = `${input.referencePrefix}-${year}-${String(number).padStart(6, '0')}`;
    const name = rng.pick(names);
    const resolvedAt =
      status === 'resolved' || status === 'closed'
        ? new Date(createdAt.getTime() + Math.min(ageDays, 1 + Math.floor(rng.next() * 10)) * 86_400_000)
        : null;

    const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`;
    const personId = await personFor(name, email, place.postcode, createdAt);
    const { id } = await trx
      .insertInto('cases')
      .values({
        reference,
        request_type_id: type.id,
        organisation_id: type.organisation_id,
        team_id: type.team_id,
        status,
        closure_reason: status === 'closed' ? rng.pick(['no_further_action', 'not_our_responsibility'] as const) : null,
        channel,
        description: rng.pick(descriptions[type.service_code] ?? ['Please look into this.']),
        answers: '{}',
        latitude: place.latitude,
        longitude: place.longitude,
        postcode: place.postcode,
        location_description: '',
        contact_name: name,
        contact_email: email,
        person_id: personId,
        contact_phone: null,
        is_public: type.public_on_map,
        due_on: due,
        created_at: createdAt,
        updated_at: resolvedAt ?? createdAt,
        resolved_at: resolvedAt,
        closed_at: status === 'closed' ? resolvedAt : null,
        citizen_id: null,
        created_by_staff_id: null,
        recorded_by_organisation_id: null,
        created_by_api_client_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const event = { case_id: id, channel, organisation_id: type.organisation_id };
    await trx
      .insertInto('case_events')
      .values({
        ...event,
        occurred_at: createdAt,
        kind: 'created',
        is_public: true,
        body: `Reported to ${type.name}`,
        to_status: 'open',
      })
      .execute();
    if (status !== 'open') {
      const at = resolvedAt ?? new Date(createdAt.getTime() + 86_400_000);
      const body =
        status === 'resolved'
          ? 'Done: thank you for telling us.'
          : status === 'closed'
            ? 'Closed after inspection.'
            : 'We have looked at this and will deal with it.';
      await trx
        .insertInto('case_events')
        .values({
          ...event,
          occurred_at: at,
          kind: 'status_changed',
          is_public: true,
          body,
          from_status: 'open',
          to_status: status,
          channel: 'web',
        })
        .execute();
    }
    // One in twenty was first sent to the wrong district and transferred on, keeping its reference.
    if (type.tier === 'district/unitary' && rng.next() < 0.05) {
      const other = rng.pick(
        types.filter(
          (candidate) =>
            candidate.service_code === type.service_code && candidate.organisation_id !== type.organisation_id,
        ),
      );
      if (other) {
        await trx
          .insertInto('case_events')
          .values({
            ...event,
            occurred_at: new Date(createdAt.getTime() + 3_600_000),
            kind: 'transferred',
            is_public: true,
            body: 'The address is in our area: transferred to us.',
            from_organisation_id: other.organisation_id,
            to_organisation_id: type.organisation_id,
            organisation_id: other.organisation_id,
            channel: 'web',
          })
          .execute();
        // When its owner received it, as a transfer made in the staff pages records (migration 0022).
        await trx
          .updateTable('cases')
          .set({ transferred_at: new Date(createdAt.getTime() + 3_600_000) })
          .where('id', '=', event.case_id)
          .execute();
      }
    }
    created += 1;
  }
  for (const [year, lastNumber] of counters) {
    await trx
      .insertInto('case_reference_counters')
      .values({ prefix: input.referencePrefix, year, last_number: lastNumber })
      .execute();
  }
  return created;
}
