import Flatbush from 'flatbush';
import type { BoundaryLevel } from '../../db/schema.js';
import { areaContains, type AreaGeometry, type BoundingBox } from './geometry.js';

export interface Boundary extends BoundingBox {
  gss: string;
  level: BoundaryLevel;
  name: string;
  geometry: AreaGeometry;
}

export interface BoundaryIndex {
  /** The area of the given level that contains the point, if any. */
  areaAt(level: BoundaryLevel, longitude: number, latitude: number): Boundary | undefined;
}

/**
 * Holds every boundary in memory behind an R-tree of their bounding boxes, so a point is tested
 * against the few areas whose box holds it rather than all of England's.
 */
export function buildBoundaryIndex(boundaries: Boundary[]): BoundaryIndex {
  const byLevel = new Map<BoundaryLevel, { tree: Flatbush; areas: Boundary[] }>();
  for (const level of ['lower', 'upper'] as const) {
    const areas = boundaries.filter((boundary) => boundary.level === level);
    if (areas.length === 0) continue;
    const tree = new Flatbush(areas.length);
    for (const area of areas) tree.add(area.minLongitude, area.minLatitude, area.maxLongitude, area.maxLatitude);
    tree.finish();
    byLevel.set(level, { tree, areas });
  }

  return {
    areaAt(level, longitude, latitude) {
      const entry = byLevel.get(level);
      if (!entry) return undefined;
      const candidates = entry.tree.search(longitude, latitude, longitude, latitude);
      return candidates.map((i) => entry.areas[i]).find((area) => areaContains(area.geometry, longitude, latitude));
    },
  };
}
