import type { Kysely } from 'kysely';
import type { CaseStatus, Database } from '../../db/schema.js';
import type { AreaGeometry, BoundingBox } from '../places/geometry.js';

export interface MemberBoundary {
  gss: string;
  name: string;
  tier: 'county' | 'district' | 'unitary';
  geometry: AreaGeometry;
}

export interface PublicRequestFilters {
  /** The partnership's members: only their requests are shown, whatever else is in the database. */
  organisationIds: number[];
  statuses: CaseStatus[];
  serviceCode?: string;
  bbox?: BoundingBox;
}

/** Only what may be shown to anyone: never the description, contact details or exact location. */
export interface PublicRequestRow {
  reference: string;
  service_code: string;
  type_name: string;
  status: CaseStatus;
  created_at: Date;
  latitude: number;
  longitude: number;
}

export function createMapsRepository(db: Kysely<Database>) {
  function publicRequests(filters: PublicRequestFilters) {
    let query = db
      .selectFrom('cases')
      .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
      .where('cases.is_public', '=', true)
      .where('cases.organisation_id', 'in', filters.organisationIds)
      .where('cases.status', 'in', filters.statuses);
    if (filters.serviceCode) query = query.where('request_types.service_code', '=', filters.serviceCode);
    if (filters.bbox) {
      query = query
        .where('cases.longitude', '>=', filters.bbox.minLongitude)
        .where('cases.longitude', '<=', filters.bbox.maxLongitude)
        .where('cases.latitude', '>=', filters.bbox.minLatitude)
        .where('cases.latitude', '<=', filters.bbox.maxLatitude);
    }
    return query;
  }

  const canQuery = (filters: PublicRequestFilters) => filters.organisationIds.length > 0 && filters.statuses.length > 0;

  return {
    /**
     * Each member council's area once: districts and unitaries by their lower-tier boundary,
     * counties by their upper-tier one (a unitary's upper-tier boundary is the same shape again).
     */
    async memberBoundaries(partnershipSlug: string): Promise<MemberBoundary[]> {
      const rows = await db
        .selectFrom('boundaries')
        .innerJoin('organisations', 'organisations.gss', 'boundaries.gss')
        .innerJoin('partnership_members', 'partnership_members.organisation_id', 'organisations.id')
        .innerJoin('partnerships', 'partnerships.id', 'partnership_members.partnership_id')
        .select(['boundaries.gss', 'organisations.name', 'organisations.tier', 'boundaries.geometry'])
        .where('partnerships.slug', '=', partnershipSlug)
        .where('organisations.type', '=', 'council')
        .where((eb) =>
          eb.or([
            eb.and([eb('boundaries.level', '=', 'lower'), eb('organisations.tier', 'in', ['district', 'unitary'])]),
            eb.and([eb('boundaries.level', '=', 'upper'), eb('organisations.tier', '=', 'county')]),
          ]),
        )
        .orderBy('organisations.name')
        .execute();
      return rows.map((row) => ({ gss: row.gss, name: row.name, tier: row.tier ?? 'unitary', geometry: row.geometry as AreaGeometry }));
    },

    /** The service codes that members show on the map (a council tax enquiry is never shown). */
    async publicServiceCodes(organisationIds: number[]): Promise<Set<string>> {
      if (organisationIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('request_types')
        .select('service_code')
        .distinct()
        .where('active', '=', true)
        .where('public_on_map', '=', true)
        .where('organisation_id', 'in', organisationIds)
        .execute();
      return new Set(rows.map((row) => row.service_code));
    },

    /** Newest first: `limit` of them from `offset`. */
    async listPublicRequests(filters: PublicRequestFilters, limit: number, offset = 0): Promise<PublicRequestRow[]> {
      if (!canQuery(filters)) return [];
      return publicRequests(filters)
        .select(['cases.reference', 'request_types.service_code', 'request_types.name as type_name', 'cases.status', 'cases.created_at', 'cases.latitude', 'cases.longitude'])
        .orderBy('cases.created_at', 'desc')
        .orderBy('cases.id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
    },

    async countPublicRequests(filters: PublicRequestFilters): Promise<number> {
      if (!canQuery(filters)) return 0;
      const row = await publicRequests(filters).select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}

export type MapsRepository = ReturnType<typeof createMapsRepository>;
