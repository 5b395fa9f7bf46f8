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

    async partnershipMemberIds(partnershipSlug: string): Promise<Set<number>> {
      const rows = await db
        .selectFrom('partnership_members')
        .innerJoin('partnerships', 'partnerships.id', 'partnership_members.partnership_id')
        .select('partnership_members.organisation_id')
        .where('partnerships.slug', '=', partnershipSlug)
        .execute();
      return new Set(rows.map((row) => row.organisation_id));
    },
  };
}

export type PlacesRepository = ReturnType<typeof createPlacesRepository>;
