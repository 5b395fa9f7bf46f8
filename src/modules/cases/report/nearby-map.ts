import { metresBetween } from '../core/distance.js';

interface Point {
  latitude: number;
  longitude: number;
}

const SIZE = 300;
const compass = ['north', 'north-east', 'east', 'south-east', 'south', 'south-west', 'west', 'north-west'];

/** Metres east and north of the centre: flat enough over a few hundred metres. */
function offset(centre: Point, point: Point): { east: number; north: number } {
  const north = metresBetween(centre, { latitude: point.latitude, longitude: centre.longitude });
  const east = metresBetween(centre, { latitude: centre.latitude, longitude: point.longitude });
  return {
    east: point.longitude >= centre.longitude ? east : -east,
    north: point.latitude >= centre.latitude ? north : -north,
  };
}

/**
 * A small map of the nearby requests, drawn on the server as SVG so that it needs no JavaScript
 * and no tiles: the place the resident marked in the middle, the circle within which requests are
 * offered, and each request as a numbered marker, with the same words as a list for those who do
 * not see it ("1 is 120 metres north of the place you gave").
 */
export function nearbyMap(centre: Point, requests: Point[], radiusMetres: number) {
  const scale = (SIZE / 2 - 16) / radiusMetres;
  const markers = requests.map((request, index) => {
    const { east, north } = offset(centre, request);
    const metres = Math.round(metresBetween(centre, request));
    const bearing = ((Math.atan2(east, north) * 180) / Math.PI + 360) % 360;
    const direction = compass[Math.round(bearing / 45) % 8];
    return {
      number: index + 1,
      x: Math.round(SIZE / 2 + east * scale),
      y: Math.round(SIZE / 2 - north * scale),
      words:
        metres < 10
          ? `${index + 1} is at the place you gave`
          : `${index + 1} is ${Math.round(metres / 10) * 10} metres ${direction} of the place you gave`,
    };
  });
  spreadOverlapping([{ x: SIZE / 2, y: SIZE / 2 }, ...markers]);
  return { size: SIZE, centre: SIZE / 2, radius: Math.round(radiusMetres * scale), radiusMetres, markers };
}

/** How close two markers may be drawn before the later one is moved aside, in pixels: a marker's width. */
const MARKER_GAP = 22;

/**
 * Requests reported at the same spot (or at the place given, the first point, which stays) would be
 * drawn one on top of another, hiding all but the last number: each one too close to an earlier one
 * is moved out around where it is, a sixth of a turn at a time, until its number can be read.
 */
function spreadOverlapping(points: { x: number; y: number }[]): void {
  for (let index = 1; index < points.length; index++) {
    const point = points[index];
    const where = { x: point.x, y: point.y };
    for (let step = 0; step < 24 && points.slice(0, index).some((other) => near(other, point)); step++) {
      const angle = (step * Math.PI) / 3;
      const ring = MARKER_GAP * (1 + Math.floor(step / 6));
      point.x = Math.round(where.x + ring * Math.sin(angle));
      point.y = Math.round(where.y - ring * Math.cos(angle));
    }
  }
}

const near = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.hypot(a.x - b.x, a.y - b.y) < MARKER_GAP;
