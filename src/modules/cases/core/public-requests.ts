import type { Kysely } from 'kysely';
import type { CaseStatus, Database } from '../../../db/schema.js';
import type { BoundingBox } from '../../places/geometry.js';

/** About 10 m: near enough to find the pothole, not near enough to pick out a front door. */
export const roundCoordinate = (degrees: number) => Math.round(degrees * 10_000) / 10_000;

export interface PublicRequestFilters {
  /** The partnership's members: only their requests are shown, whatever else is in the database. */
  organisationIds: number[];
  statuses: CaseStatus[];
  serviceCode?: string;
  bbox?: BoundingBox;
}

/** Only what may be shown to anyone: never the description, contact details or exact location. */
export interface PublicRequest {
  reference: string;
  service_code: string;
  type_name: string;
  /** The council that has it. */
  organisation_name: string;
  status: CaseStatus;
  created_at: Date;
  latitude: number;
  longitude: number;
}

/**
 * The cases anyone may see, for the map (the port through which maps reads the CRM): only cases
 * marked public, of request types shown on the map, and only the columns of PublicRequest.
 */
export function createPublicRequests(db: Kysely<Database>) {
  function publicRequests(filters: PublicRequestFilters) {
    let query = db
      .selectFrom('cases')
      .innerJoin('request_types', 'request_types.id', 'cases.request_type_id')
      .innerJoin('organisations', 'organisations.id', 'cases.organisation_id')
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
    /** The service codes that these organisations show on the map (a council tax enquiry is never shown). */
    async serviceCodes(organisationIds: number[]): Promise<Set<string>> {
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
    async list(filters: PublicRequestFilters, limit: number, offset = 0): Promise<PublicRequest[]> {
      if (!canQuery(filters)) return [];
      return publicRequests(filters)
        .select([
          'cases.reference',
          'request_types.service_code',
          'request_types.name as type_name',
          'organisations.name as organisation_name',
          'cases.status',
          'cases.created_at',
          'cases.latitude',
          'cases.longitude',
        ])
        .orderBy('cases.created_at', 'desc')
        .orderBy('cases.id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
    },

    async count(filters: PublicRequestFilters): Promise<number> {
      if (!canQuery(filters)) return 0;
      const row = await publicRequests(filters)
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}

export type PublicRequests = ReturnType<typeof createPublicRequests>;
