import type { ServiceTier } from '../../db/schema.js';
import { LeastRecentlyUsed, refreshing } from '../../shared/cache.js';
import type { BoundaryIndex } from './boundary-index.js';
import { normalisePostcode } from './postcode.js';
import type { CouncilRecord, PlacesRepository, PostcodeRecord } from './repository.js';

export interface Council extends CouncilRecord {
  inPartnership: boolean;
}

export interface Place {
  /** Present when the place was found from a postcode. */
  postcode?: string;
  latitude: number;
  longitude: number;
  structure: 'two-tier' | 'unitary';
  lowerTier: Council;
  upperTier: Council;
  /** True when a member of the partnership serves this place for at least one tier. */
  inPartnership: boolean;
  /** How the councils were found: the postcode table, or the point in the boundary polygons. */
  source: 'postcode' | 'boundary';
}

export type PostcodeLookup =
  | { outcome: 'found'; place: Place & { postcode: string } }
  | { outcome: 'malformed' }
  | { outcome: 'unknown'; postcode: string }
  | { outcome: 'outside-england'; postcode: string };

export type PointLookup = { outcome: 'found'; place: Place } | { outcome: 'outside-england' };

export interface PlacesServiceDependencies {
  repository: PlacesRepository;
  boundaries: BoundaryIndex;
  /** partnership's port: a place is in the partnership when one of these serves it. */
  memberOrganisationIds: () => Promise<number[]>;
}

// Councils and postcodes are reference data, imported before the app starts. (The members, which an
// administrator changes now and then, are the partnership module's, and held there for seconds.)
const COUNCILS_MAX_AGE_MS = 60_000;
// The postcode table holds the partnership's own area (27,717 postcodes for Derbyshire): held whole,
// a few MB, so no lookup waits on the database, whichever postcodes are asked. A table larger than this
// (all of England is about 1.7 million live postcodes) is asked per postcode instead, keeping the
// busiest few tens of thousands.
const POSTCODES_HELD_WHOLE = 100_000;
const POSTCODES_KEPT = 50_000;

/** Answers "which councils serve this place?" for a postcode or a point. */
export function createPlacesService({ repository, boundaries, memberOrganisationIds }: PlacesServiceDependencies) {
  const councilsByGss = refreshing(
    async () => new Map((await repository.listCouncils()).map((council) => [council.gss, council])),
    COUNCILS_MAX_AGE_MS,
  );
  const postcodes = new LeastRecentlyUsed<string, PostcodeRecord | null>(POSTCODES_KEPT);
  // Reference data is imported before the app starts, so the table is read once, on the first lookup
  // (not at start: a restart answers its first request sooner). Undefined: the table is too large.
  let wholeTable: Promise<Map<string, PostcodeRecord> | undefined> | undefined;

  async function loadWholeTable(): Promise<Map<string, PostcodeRecord> | undefined> {
    const rows = await repository.listPostcodes(POSTCODES_HELD_WHOLE + 1);
    if (rows.length > POSTCODES_HELD_WHOLE) return undefined;
    // A few hundred council codes among tens of thousands of rows: each kept once, not once a row.
    const codes = new Map<string, string>();
    const shared = (code: string) => codes.get(code) ?? (codes.set(code, code), code);
    return new Map(
      rows.map((row) => [
        row.postcode,
        {
          ...row,
          lower_tier_gss: shared(row.lower_tier_gss),
          county_gss: row.county_gss === null ? null : shared(row.county_gss),
        },
      ]),
    );
  }

  async function findPostcode(postcode: string): Promise<PostcodeRecord | undefined> {
    // A failed read (the database away) is not kept: the next lookup tries again.
    wholeTable ??= loadWholeTable().catch(() => (wholeTable = undefined));
    const table = await wholeTable;
    if (table) return table.get(postcode);

    const known = postcodes.get(postcode);
    if (known !== undefined) return known ?? undefined;
    const row = await repository.findPostcode(postcode);
    postcodes.set(postcode, row ?? null);
    return row;
  }

  // Each council marked as a member or not, made again only when either copy is reloaded: not two
  // new council objects for every lookup. Shared by every answer, so never changed once made.
  let marked: { councils: Map<string, CouncilRecord>; members: number[]; byGss: Map<string, Council> } | undefined;

  async function markedCouncils(): Promise<Map<string, Council>> {
    // One after the other: both are almost always loaded already, and Promise.all costs more per lookup.
    const councils = await councilsByGss.get();
    // The partnership's port answers the same array until the members change.
    const members = await memberOrganisationIds();
    if (marked?.councils !== councils || marked.members !== members) {
      const memberSet = new Set(members);
      const byGss = new Map<string, Council>();
      for (const [gss, council] of councils)
        byGss.set(gss, Object.freeze({ ...council, inPartnership: memberSet.has(council.id) }));
      marked = { councils, members, byGss };
    }
    return marked.byGss;
  }

  async function placeFor(
    lowerGss: string,
    upperGss: string,
    location: { latitude: number; longitude: number; postcode?: string },
    source: Place['source'],
  ): Promise<Place | undefined> {
    const councils = await markedCouncils();
    const lowerTier = councils.get(lowerGss);
    const upperTier = councils.get(upperGss);
    if (!lowerTier || !upperTier) return undefined;
    return {
      postcode: location.postcode,
      latitude: location.latitude,
      longitude: location.longitude,
      structure: lowerGss === upperGss ? 'unitary' : 'two-tier',
      lowerTier,
      upperTier,
      inPartnership: lowerTier.inPartnership || upperTier.inPartnership,
      source,
    };
  }

  async function locatePoint(latitude: number, longitude: number, postcode?: string): Promise<Place | undefined> {
    const lower = boundaries.areaAt('lower', longitude, latitude);
    const upper = boundaries.areaAt('upper', longitude, latitude);
    if (!lower || !upper) return undefined;
    return placeFor(lower.gss, upper.gss, { latitude, longitude, postcode }, 'boundary');
  }

  return {
    async findByPostcode(input: string): Promise<PostcodeLookup> {
      const postcode = normalisePostcode(input);
      if (!postcode) return { outcome: 'malformed' };
      const row = await findPostcode(postcode);
      if (!row) return { outcome: 'unknown', postcode };

      const location = { postcode, latitude: row.latitude, longitude: row.longitude };
      // The postcode table wins over the polygons; they are only asked when the table's codes are
      // no longer a council we know (a code replaced since the postcode data was made).
      const place =
        (await placeFor(row.lower_tier_gss, row.county_gss ?? row.lower_tier_gss, location, 'postcode')) ??
        (await locatePoint(row.latitude, row.longitude, postcode));
      return place ? { outcome: 'found', place: { ...place, postcode } } : { outcome: 'outside-england', postcode };
    },

    /** Forgets the partnership's members, after one joins or leaves, so routing sees the change at once. */
    async findByPoint(latitude: number, longitude: number): Promise<PointLookup> {
      const place = await locatePoint(latitude, longitude);
      return place ? { outcome: 'found', place } : { outcome: 'outside-england' };
    },
  };
}

export type PlacesService = ReturnType<typeof createPlacesService>;

/**
 * Which council provides a service of the given tier at a place. "all" services are offered by
 * both tiers; the one nearest the resident (the district, or the unitary) answers for them.
 */
export function providerFor(place: Place, tier: ServiceTier): Council {
  return tier === 'county/unitary' ? place.upperTier : place.lowerTier;
}
