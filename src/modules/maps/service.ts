import type { Config } from '../../config.js';
import type { CatalogueService, PublicRequestFilters, PublicRequests } from '../cases/index.js';
import type { CouncilArea } from '../places/index.js';
import { areaContains, boundingBox, type BoundingBox } from '../places/geometry.js';
import { publicStatusNames } from '../cases/index.js';
import { boundaryFeature, requestFeature } from './presenters.js';
import { openStatuses, type OpenStatus } from './schemas.js';
import { simplifyGeometry } from './simplify.js';
import { countPages } from '../../shared/pagination.js';

/** About 20 m: the boundaries stay true at street level and weigh a fraction of the original. */
const BOUNDARY_TOLERANCE_DEGREES = 0.0002;
/** The most points one answer holds; the map page asks for every filter's points at once. */
export const MAX_POINTS = 5000;
export const PAGE_SIZE = 20;

export interface MapsServiceDependencies {
  /** The CRM's port for what anyone may see of its cases. */
  publicRequests: PublicRequests;
  catalogue: CatalogueService;
  memberOrganisationIds: () => Promise<number[]>;
  /** The member councils' own areas, from places. */
  memberAreas: () => Promise<CouncilArea[]>;
  tiles: Config['mapTiles'];
}

export interface RequestQuery {
  service_code?: string;
  status: OpenStatus[];
  bbox?: BoundingBox;
}

/**
 * Derbyshire Maps: the partnership's council areas and its public open requests, for anyone to see.
 * Nothing here is personal: only cases marked public, and only their reference, type, status, day
 * and a place rounded to about 10 m.
 */
export function createMapsService({
  publicRequests,
  catalogue,
  memberOrganisationIds,
  memberAreas,
  tiles,
}: MapsServiceDependencies) {
  const unionBox = (boxes: BoundingBox[]): BoundingBox => ({
    minLongitude: Math.min(...boxes.map((box) => box.minLongitude)),
    minLatitude: Math.min(...boxes.map((box) => box.minLatitude)),
    maxLongitude: Math.max(...boxes.map((box) => box.maxLongitude)),
    maxLatitude: Math.max(...boxes.map((box) => box.maxLatitude)),
  });

  /** The name of the member district or unitary whose area holds the point, for the list's "place". */
  const placeNamer = (boundaries: CouncilArea[]) => {
    const areas = boundaries.filter((boundary) => boundary.tier !== 'county');
    return (latitude: number, longitude: number) =>
      areas.find((area) => areaContains(area.geometry, longitude, latitude))?.name ?? 'Not known';
  };

  return {
    /** What a map needs before it draws: the tile layer (if any) and the partnership's extent. */
    async settings() {
      const boundaries = await memberAreas();
      const box =
        boundaries.length > 0 ? unionBox(boundaries.map((boundary) => boundingBox(boundary.geometry))) : undefined;
      return {
        tiles: tiles ? { url: tiles.url, attribution: tiles.attribution } : null,
        bounds: box ? [box.minLongitude, box.minLatitude, box.maxLongitude, box.maxLatitude] : null,
      };
    },

    /** The member councils' areas as GeoJSON, simplified for the browser. */
    async boundaries() {
      const boundaries = await memberAreas();
      return {
        type: 'FeatureCollection' as const,
        features: boundaries.map((boundary) =>
          boundaryFeature(boundary, simplifyGeometry(boundary.geometry, BOUNDARY_TOLERANCE_DEGREES)),
        ),
      };
    },

    /** The kinds of request the map can show, for the filter form. */
    async filterOptions() {
      const publicCodes = await publicRequests.serviceCodes(await memberOrganisationIds());
      const kinds = (await catalogue.kinds()).filter((kind) => publicCodes.has(kind.serviceCode));
      return {
        kinds: kinds
          .map((kind) => ({ serviceCode: kind.serviceCode, name: kind.name }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        statuses: openStatuses.map((status) => ({ value: status, text: publicStatusNames[status] })),
      };
    },

    /** The filters for the public requests, or undefined when the kind asked for is not one the map shows. */
    async filtersFor(query: RequestQuery): Promise<PublicRequestFilters | undefined> {
      const organisationIds = await memberOrganisationIds();
      if (query.service_code && !(await publicRequests.serviceCodes(organisationIds)).has(query.service_code))
        return undefined;
      return {
        organisationIds,
        statuses: query.status.length > 0 ? [...new Set(query.status)] : [...openStatuses],
        serviceCode: query.service_code,
        bbox: query.bbox,
      };
    },

    async requestPoints(filters: PublicRequestFilters) {
      const rows = await publicRequests.list(filters, MAX_POINTS);
      return { type: 'FeatureCollection' as const, features: rows.map(requestFeature) };
    },

    /** One page of the list that stands in for the map; a page past the end shows the last one. */
    async requestPage(filters: PublicRequestFilters, page: number) {
      const total = await publicRequests.count(filters);
      const pageCount = countPages(total, PAGE_SIZE);
      const current = Math.min(page, pageCount);
      const [rows, boundaries] = await Promise.all([
        publicRequests.list(filters, PAGE_SIZE, (current - 1) * PAGE_SIZE),
        memberAreas(),
      ]);
      const placeOf = placeNamer(boundaries);
      return {
        total,
        page: current,
        pageCount,
        requests: rows.map((row) => ({
          ...requestFeature(row).properties,
          place: placeOf(row.latitude, row.longitude),
        })),
      };
    },
  };
}

export type MapsService = ReturnType<typeof createMapsService>;
