/** A ring is a closed list of [longitude, latitude] positions, as in GeoJSON. */
type Ring = number[][];
type PolygonCoordinates = Ring[];

export type AreaGeometry =
  { type: 'Polygon'; coordinates: PolygonCoordinates } | { type: 'MultiPolygon'; coordinates: PolygonCoordinates[] };

export interface BoundingBox {
  minLongitude: number;
  minLatitude: number;
  maxLongitude: number;
  maxLatitude: number;
}

export function polygonsOf(geometry: AreaGeometry): PolygonCoordinates[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

export function boundingBox(geometry: AreaGeometry): BoundingBox {
  const box = { minLongitude: Infinity, minLatitude: Infinity, maxLongitude: -Infinity, maxLatitude: -Infinity };
  for (const polygon of polygonsOf(geometry)) {
    for (const [longitude, latitude] of polygon[0]) {
      box.minLongitude = Math.min(box.minLongitude, longitude);
      box.minLatitude = Math.min(box.minLatitude, latitude);
      box.maxLongitude = Math.max(box.maxLongitude, longitude);
      box.maxLatitude = Math.max(box.maxLatitude, latitude);
    }
  }
  return box;
}

/**
 * Whether the edge from (xj, yj) to (xi, yi) crosses the horizontal ray running east from the point.
 * The boundary index evaluates its edges through this same expression, operation for operation, so
 * that its answers agree with `areaContains` to the last bit, even for points on a border.
 */
export function crossesRayEast(
  xi: number,
  yi: number,
  xj: number,
  yj: number,
  longitude: number,
  latitude: number,
): boolean {
  return yi > latitude !== yj > latitude && longitude < ((xj - xi) * (latitude - yi)) / (yj - yi) + xi;
}

/** Ray casting: a horizontal ray from the point crosses the ring's edges an odd number of times. */
function ringContains(ring: Ring, longitude: number, latitude: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (crossesRayEast(xi, yi, xj, yj, longitude, latitude)) inside = !inside;
  }
  return inside;
}

/**
 * True when the point lies inside the area. The first ring of each polygon is its outline and the
 * others are holes (Derbyshire county has one where Derby is), so a point in a hole is outside.
 */
export function areaContains(geometry: AreaGeometry, longitude: number, latitude: number): boolean {
  return polygonsOf(geometry).some(
    ([outline, ...holes]) =>
      ringContains(outline, longitude, latitude) && !holes.some((hole) => ringContains(hole, longitude, latitude)),
  );
}
