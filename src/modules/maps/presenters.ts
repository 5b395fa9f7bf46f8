import { dayInEngland } from '../../shared/dates.js';
import type { AreaGeometry } from '../places/geometry.js';
import { mapsPaths } from './paths.js';
import { publicStatusNames, roundCoordinate, type PublicRequest } from '../cases/index.js';
import type { CouncilArea } from '../places/index.js';
import type { OpenStatus } from './schemas.js';

/** The map is a public page: it names the statuses as residents read them on /track ("Received", not "Open"). */
export function statusLabel(status: string): string {
  return publicStatusNames[status as OpenStatus] ?? status;
}

export function boundaryFeature(boundary: CouncilArea, geometry: AreaGeometry) {
  return {
    type: 'Feature' as const,
    id: boundary.gss,
    properties: { gss: boundary.gss, name: boundary.name, tier: boundary.tier },
    geometry,
  };
}

/** A request as anyone may see it: no description, no contact details, its place rounded. */
export function requestFeature(row: PublicRequest) {
  return {
    type: 'Feature' as const,
    id: row.reference,
    properties: {
      reference: row.reference,
      serviceCode: row.service_code,
      typeName: row.type_name,
      // Who deals with it: a pothole in a district is the county's.
      council: row.organisation_name,
      // The repository is asked only for the open statuses (MapsService.filtersFor).
      status: row.status as OpenStatus,
      statusText: statusLabel(row.status),
      createdOn: dayInEngland(row.created_at),
      trackUrl: mapsPaths.track({ reference: row.reference }),
    },
    geometry: { type: 'Point' as const, coordinates: [roundCoordinate(row.longitude), roundCoordinate(row.latitude)] },
  };
}
