import type { AreaGeometry } from '../places/geometry.js';

type Position = number[];
type Ring = Position[];

/** Distance from p to the segment a–b, in the same (degree) units: enough for small tolerances. */
function distanceToSegment(p: Position, a: Position, b: Position): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const lengthSquared = dx * dx + dy * dy;
  const t =
    lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / lengthSquared));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Douglas–Peucker: keeps the points that stray more than `tolerance` from the line between kept ones. */
function simplifyLine(points: Ring, tolerance: number): Ring {
  const keep = new Array<boolean>(points.length).fill(false);
  keep[0] = keep[points.length - 1] = true;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop()!;
    let farthest = -1;
    let farthestDistance = tolerance;
    for (let i = first + 1; i < last; i++) {
      const distance = distanceToSegment(points[i], points[first], points[last]);
      if (distance > farthestDistance) [farthest, farthestDistance] = [i, distance];
    }
    if (farthest > 0) {
      keep[farthest] = true;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/**
 * A closed ring simplified and rounded to ~1 m. A ring that would become too small to be a
 * polygon (fewer than 4 positions) keeps its original points, so no area disappears from the map.
 */
function simplifyRing(ring: Ring, tolerance: number): Ring {
  const simplified = ring.length > 4 ? simplifyLine(ring, tolerance) : ring;
  return (simplified.length >= 4 ? simplified : ring).map(([longitude, latitude]) => [
    round(longitude, 5),
    round(latitude, 5),
  ]);
}

/** A boundary made lighter for the browser; `tolerance` is in degrees (0.0002° is about 20 m). */
export function simplifyGeometry(geometry: AreaGeometry, tolerance: number): AreaGeometry {
  if (geometry.type === 'Polygon')
    return { type: 'Polygon', coordinates: geometry.coordinates.map((ring) => simplifyRing(ring, tolerance)) };
  return {
    type: 'MultiPolygon',
    coordinates: geometry.coordinates.map((polygon) => polygon.map((ring) => simplifyRing(ring, tolerance))),
  };
}

export function positionCount(geometry: AreaGeometry): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flat().reduce((count, ring) => count + ring.length, 0);
}
