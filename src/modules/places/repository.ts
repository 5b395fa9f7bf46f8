import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Boundary } from './boundary-index.js';
import type { AreaGeometry } from './geometry.js';

export interface CouncilRecord {
  id: number;
  gss: string;
  slug: string;
  name: string;
  tier: 'county' | 'district' | 'unitary';
  homepageUrl: string | null;
}

/** A council's own area, for drawing it: the boundary of the tier it serves. */
export interface CouncilArea {
  gss: string;
  name: string;
  tier: 'county' | 'district' | 'unitary';
  geometry: AreaGeometry;
}

/** What routing needs of a postcode: where it is and the councils' codes the postcode data gives it. */
export interface PostcodeRecord {
  postcode: string;
  latitude: number;
  longitude: number;
  lower_tier_gss: string;
  county_gss: string | null;
}

const postcodeColumns = ['postcode', 'latitude', 'longitude', 'lower_tier_gss', 'county_gss'] as const;

export function createPlacesRepository(db: Kysely<Database>) {
  return {
    async findPostcode(postcode: string): Promise<PostcodeRecord | undefined> {
      return db.selectFrom('postcodes').select(postcodeColumns).where('postcode', '=', postcode).executeTakeFirst();
    },

    /** Up to `limit` postcodes, in no order: the service holds the table whole when it is this small. */
    async listPostcodes(limit: number): Promise<PostcodeRecord[]> {
      return db.selectFrom('postcodes').select(postcodeColumns).limit(limit).execute();
    },

    async listBoundaries(): Promise<Boundary[]> {
      const rows = await db.selectFrom('boundaries').selectAll().execute();
      return rows.map((row) => ({
        gss: row.gss,
        level: row.level,
        name: row.name,
        geometry: row.geometry as AreaGeometry,
        minLongitude: row.min_longitude,
        minLatitude: row.min_latitude,
        maxLongitude: row.max_longitude,
        maxLatitude: row.max_latitude,
      }));
    },

    /** Every council in England: a few hundred rows, held in memory by the service. */
    async listCouncils(): Promise<CouncilRecord[]> {
      const rows = await db
        .selectFrom('organisations')
        .select(['id', 'gss', 'slug', 'name', 'tier', 'homepage_url'])
        .where('type', '=', 'council')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        gss: row.gss ?? '',
        slug: row.slug,
        name: row.name,
        tier: row.tier ?? 'unitary',
        homepageUrl: row.homepage_url,
      }));
    },

    /**
     * Each of these councils' areas once: districts and unitaries by their lower-tier boundary,
     * counties by their upper-tier one (a unitary's upper-tier boundary is the same shape again).
     */
    async councilAreas(organisationIds: number[]): Promise<CouncilArea[]> {
      if (organisationIds.length === 0) return [];
      const rows = await db
        .selectFrom('boundaries')
        .innerJoin('organisations', 'organisations.gss', 'boundaries.gss')
        .select(['boundaries.gss', 'organisations.name', 'organisations.tier', 'boundaries.geometry'])
        .where('organisations.id', 'in', organisationIds)
        .where('organisations.type', '=', 'council')
        .where((eb) =>
          eb.or([
            eb.and([eb('boundaries.level', '=', 'lower'), eb('organisations.tier', 'in', ['district', 'unitary'])]),
            eb.and([eb('boundaries.level', '=', 'upper'), eb('organisations.tier', '=', 'county')]),
          ]),
        )
        .orderBy('organisations.name')
        .execute();
      return rows.map((row) => ({
        gss: row.gss,
        name: row.name,
        tier: row.tier ?? 'unitary',
        geometry: row.geometry as AreaGeometry,
      }));
    },
  };
}

export type PlacesRepository = ReturnType<typeof createPlacesRepository>;
