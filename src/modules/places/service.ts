import type { ServiceTier } from '../../db/schema.js';
import { LeastRecentlyUsed, refreshing } from '../../shared/cache.js';
import type { BoundaryIndex } from './boundary-index.js';
import { normalisePostcode } from './postcode.js';
import type { CouncilRecord, PlacesRepository } from './repository.js';

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
// England has about 1.7 million live postcodes; the busiest few thousand answer almost every request.
const POSTCODES_KEPT = 50_000;

type PostcodeRow = NonNullable<Awaited<ReturnType<PlacesRepository['findPostcode']>>>;

/** Answers "which councils serve this place?" for a postcode or a point. */
export function createPlacesService({ repository, boundaries, memberOrganisationIds }: PlacesServiceDependencies) {
  const councilsByGss = refreshing(async () => new Map((await repository.listCouncils()).map((council) => [council.gss, council])), COUNCILS_MAX_AGE_MS);
  const postcodes = new LeastRecentlyUsed<string, PostcodeRow | null>(POSTCODES_KEPT);

  async function findPostcode(postcode: string): Promise<PostcodeRow | undefined> {
    const known = postcodes.get(postcode);
    if (known !== undefined) return known ?? undefined;
    const row = await repository.findPostcode(postcode);
    postcodes.set(postcode, row ?? null);
    return row;
  }

  async function placeFor(
    lowerGss: string,
    upperGss: string,
    location: { latitude: number; longitude: number; postcode?: string },
    source: Place['source'],
  ): Promise<Place | undefined> {
    const [councils, members] = await Promise.all([councilsByGss.get(), memberOrganisationIds()]);
    const lower = councils.get(lowerGss);
    const upper = councils.get(upperGss);
    if (!lower || !upper) return undefined;
    const lowerTier = { ...lower, inPartnership: members.includes(lower.id) };
    const upperTier = { ...upper, inPartnership: members.includes(upper.id) };
    return {
      ...location,
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
