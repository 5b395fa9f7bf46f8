import { readdirSync, readFileSync } from 'node:fs';
import Flatbush from 'flatbush';
import { describe, expect, it } from 'vitest';
import type { BoundaryLevel } from '../../db/schema.js';
import { dataPath, parseCsv } from '../../db/seed/files.js';
import { buildBoundaryIndex, type Boundary, type BoundaryIndex } from './boundary-index.js';
import { areaContains, boundingBox, polygonsOf, type AreaGeometry } from './geometry.js';
import {
  boundaryIndexFromFiles,
  englandBoundaryFiles,
  measureRoutingAccuracy,
  readBoundaryFiles,
} from './routing-accuracy.js';

const levels: BoundaryLevel[] = ['lower', 'upper'];

/**
 * The index as it was before the grid, kept as the reference: an R-tree of bounding boxes, whose
 * candidates are ray cast whole, first in the tree's order. `holders` lists every area ray casting
 * puts the point in, which is more than one only for points exactly on a shared border.
 */
function referenceIndex(boundaries: Boundary[]) {
  const byLevel = new Map<BoundaryLevel, { tree: Flatbush; areas: Boundary[] }>();
  for (const level of levels) {
    const areas = boundaries.filter((boundary) => boundary.level === level);
    if (areas.length === 0) continue;
    const tree = new Flatbush(areas.length);
    for (const area of areas) tree.add(area.minLongitude, area.minLatitude, area.maxLongitude, area.maxLatitude);
    tree.finish();
    byLevel.set(level, { tree, areas });
  }
  const holders = (level: BoundaryLevel, longitude: number, latitude: number): Boundary[] => {
    const entry = byLevel.get(level);
    if (!entry) return [];
    return entry.tree
      .search(longitude, latitude, longitude, latitude)
      .map((i) => entry.areas[i])
      .filter((area) => areaContains(area.geometry, longitude, latitude));
  };
  return {
    holders,
    areaAt: (level: BoundaryLevel, longitude: number, latitude: number): Boundary | undefined =>
      holders(level, longitude, latitude)[0],
  };
}

type Points = { longitudes: Float64Array; latitudes: Float64Array };

function pointsOf(pairs: number[]): Points {
  const longitudes = new Float64Array(pairs.length / 2);
  const latitudes = new Float64Array(pairs.length / 2);
  for (let i = 0; i < longitudes.length; i++) {
    longitudes[i] = pairs[2 * i];
    latitudes[i] = pairs[2 * i + 1];
  }
  return { longitudes, latitudes };
}

/** A fixed seed, so that a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPoints(count: number, west: number, south: number, east: number, north: number, seed: number): Points {
  const random = seededRandom(seed);
  const pairs: number[] = [];
  for (let i = 0; i < count; i++) pairs.push(west + random() * (east - west), south + random() * (north - south));
  return pointsOf(pairs);
}

/**
 * Points where ray casting is at its most delicate: every vertex, every edge's midpoint, vertices
 * nudged by a hair and by one unit in the last place, and points level with a vertex (a ray through a
 * vertex) a little to either side.
 */
function borderPoints(boundaries: Boundary[], every = 1): Points {
  const pairs: number[] = [];
  let n = 0;
  for (const boundary of boundaries) {
    for (const polygon of polygonsOf(boundary.geometry)) {
      for (const ring of polygon) {
        for (let i = 1; i < ring.length; i++) {
          if (n++ % every !== 0) continue;
          const [x, y] = ring[i];
          const [px, py] = ring[i - 1];
          pairs.push(x, y, (x + px) / 2, (y + py) / 2);
          pairs.push(x + 1e-9, y, x - 1e-9, y, x, y + 1e-9, x, y - 1e-9);
          pairs.push(nextUp(x), y, nextDown(x), y, x, nextUp(y), x, nextDown(y));
          pairs.push(px, y, x, py, x + 0.003, y, x - 0.003, y);
        }
      }
    }
  }
  return pointsOf(pairs);
}

const scratch = new Float64Array(1);
const bits = new BigInt64Array(scratch.buffer);
/** The next double above (or, for nextDown, below) x, for x not zero. */
function nextUp(x: number): number {
  scratch[0] = x;
  bits[0] += x > 0 ? 1n : -1n;
  return scratch[0];
}
function nextDown(x: number): number {
  scratch[0] = x;
  bits[0] += x > 0 ? -1n : 1n;
  return scratch[0];
}

function postcodePoints(): Points {
  const pairs: number[] = [];
  for (const file of readdirSync(dataPath('postcodes')).filter((name) => name.endsWith('.csv'))) {
    for (const row of parseCsv(readFileSync(dataPath('postcodes', file), 'utf8')))
      pairs.push(Number(row.longitude), Number(row.latitude));
  }
  return pointsOf(pairs);
}

/**
 * Looks every point up in both levels of both indexes. Where ray casting puts a point in exactly one
 * area or none, that is also checked directly; where it puts it in two (on a shared border), both
 * indexes must still pick the same one.
 */
function compare(index: BoundaryIndex, reference: ReturnType<typeof referenceIndex>, points: Points) {
  let compared = 0;
  let shared = 0;
  const mismatches: string[] = [];
  for (let i = 0; i < points.longitudes.length; i++) {
    const longitude = points.longitudes[i];
    const latitude = points.latitudes[i];
    for (const level of levels) {
      compared++;
      const holders = reference.holders(level, longitude, latitude);
      if (holders.length > 1) shared++;
      const actual = index.areaAt(level, longitude, latitude);
      if (actual !== holders[0] && mismatches.length < 10) {
        mismatches.push(
          `${level} ${longitude},${latitude}: ${actual?.gss ?? 'none'}, not ${holders[0]?.gss ?? 'none'}`,
        );
      }
    }
  }
  return { compared, shared, mismatches };
}

const england = readBoundaryFiles(englandBoundaryFiles);
const reference = referenceIndex(england);
const index = buildBoundaryIndex(england);

describe('the boundary grid agrees with ray casting whole polygons, all England', () => {
  it('at every postcode in data/postcodes', () => {
    const points = postcodePoints();
    const result = compare(index, reference, points);
    expect(points.longitudes.length).toBeGreaterThan(27_000);
    expect(result.mismatches).toEqual([]);
  });

  it('the routing accuracy report is unchanged, postcode for postcode', () => {
    for (const file of [
      'postcodes/derbyshire-postcodes-codepoint-2014.csv',
      'postcodes/derbyshire-postcodes-sample.csv',
    ]) {
      expect(measureRoutingAccuracy(boundaryIndexFromFiles(), file)).toEqual(measureRoutingAccuracy(reference, file));
    }
  });

  it('at random points in and around England, at sea and abroad included', () => {
    const result = compare(index, reference, randomPoints(150_000, -7.5, 48.9, 2.8, 56.8, 1));
    expect(result.mismatches).toEqual([]);
  });

  it('on and next to every border, where both sides can claim a point', () => {
    const result = compare(index, reference, borderPoints(england));
    expect(result.mismatches).toEqual([]);
    // Ray casting puts some points on shared borders in two areas; the tie must go the same way.
    expect(result.shared).toBeGreaterThan(0);
    // Nearly two million lookups, each ray cast whole for the reference: slow by design.
  }, 120_000);

  it('with cells coarse enough that many edges, areas, islands and holes share a cell', () => {
    const coarse = buildBoundaryIndex(england, { cellDegrees: 0.25 });
    expect(compare(coarse, reference, randomPoints(30_000, -7.5, 48.9, 2.8, 56.8, 2)).mismatches).toEqual([]);
    expect(compare(coarse, reference, borderPoints(england, 7)).mismatches).toEqual([]);
  });

  it('for the Derbyshire boundaries alone', () => {
    const derbyshire = readBoundaryFiles([
      ['lower', 'boundaries/derbyshire-ltla.geojson'],
      ['upper', 'boundaries/derbyshire-utla.geojson'],
    ]);
    const derbyshireReference = referenceIndex(derbyshire);
    const points = randomPoints(20_000, -2.2, 52.6, -1.1, 53.6, 3);
    for (const cellDegrees of [undefined, 0.002, 0.1]) {
      const grid = buildBoundaryIndex(derbyshire, { cellDegrees });
      expect(compare(grid, derbyshireReference, points).mismatches).toEqual([]);
      expect(compare(grid, derbyshireReference, borderPoints(derbyshire)).mismatches).toEqual([]);
    }
  });

  it('keeps the answers routing relies on', () => {
    expect(index.areaAt('upper', -1.4746, 52.9225)?.gss).toBe('E06000015'); // Derby, in the county's hole
    expect(index.areaAt('upper', -1.5519, 53.1428)?.gss).toBe('E10000007'); // Matlock, Derbyshire
    expect(index.areaAt('lower', -6.3, 49.92)?.gss).toBe('E06000053'); // St Mary's, Isles of Scilly
    expect(index.areaAt('lower', -5, 50)).toBeUndefined();
    expect(index.areaAt('lower', 2.35, 48.85)).toBeUndefined();
  });
});

const square = (west: number, south: number, east: number, north: number): number[][] => [
  [west, south],
  [east, south],
  [east, north],
  [west, north],
  [west, south],
];

function area(gss: string, level: BoundaryLevel, geometry: AreaGeometry, box = boundingBox(geometry)): Boundary {
  return { gss, level, name: gss, geometry, ...box };
}

describe('the boundary grid on made-up areas', () => {
  const county = area('county', 'upper', { type: 'Polygon', coordinates: [square(0, 0, 10, 10), square(4, 4, 6, 6)] });
  const city = area('city', 'upper', { type: 'Polygon', coordinates: [square(4, 4, 6, 6)] });
  const islands = area('islands', 'lower', {
    type: 'MultiPolygon',
    coordinates: [[square(0, 0, 1, 1)], [square(5, 5, 6, 6)], [square(2, 7, 3, 8), square(2.2, 7.2, 2.8, 7.8)]],
  });
  // Overlaps the county and the islands: where two areas claim a point, the R-tree's order decides.
  const overlap = area('overlap', 'lower', {
    type: 'Polygon',
    coordinates: [
      [
        [0.5, 0.5],
        [5.5, 0.5],
        [3, 9],
        [0.5, 0.5],
      ],
    ],
  });
  // A bounding box smaller than the shape: the R-tree never offered the area outside it.
  const clipped = area(
    'clipped',
    'upper',
    { type: 'Polygon', coordinates: [square(10, 0, 14, 4)] },
    {
      minLongitude: 10,
      minLatitude: 0,
      maxLongitude: 12,
      maxLatitude: 4,
    },
  );
  const made = [county, city, islands, overlap, clipped];

  const lattice = (step: number): Points => {
    const pairs: number[] = [];
    // Whole multiples of the step, so that the lattice lands exactly on the areas' corners.
    for (let i = Math.round(-1 / step); i <= Math.round(15 / step); i++) {
      for (let j = Math.round(-1 / step); j <= Math.round(11 / step); j++) pairs.push(i / (1 / step), j / (1 / step));
    }
    return pointsOf(pairs);
  };

  for (const cellDegrees of [0.05, 0.37, 1, 3, 50]) {
    it(`agrees with ray casting at every point of a lattice and on every edge (cells of ${cellDegrees}°)`, () => {
      const grid = buildBoundaryIndex(made, { cellDegrees });
      const madeReference = referenceIndex(made);
      const onLattice = compare(grid, madeReference, lattice(0.1));
      expect(onLattice.mismatches).toEqual([]);
      expect(compare(grid, madeReference, borderPoints(made)).mismatches).toEqual([]);
      expect(compare(grid, madeReference, randomPoints(20_000, -1, -1, 15, 11, 4)).mismatches).toEqual([]);
      expect(onLattice.shared).toBeGreaterThan(0);
    });
  }

  it('finds the city in the hole, and the county around it', () => {
    const grid = buildBoundaryIndex(made);
    expect(grid.areaAt('upper', 5, 5)?.gss).toBe('city');
    expect(grid.areaAt('upper', 2, 2)?.gss).toBe('county');
    expect(grid.areaAt('lower', 2.5, 7.5)).toBeUndefined(); // in the third island's lake
    expect(grid.areaAt('lower', 2.1, 7.5)?.gss).toBe('islands');
    expect(grid.areaAt('upper', 13, 2)).toBeUndefined(); // beyond the clipped area's box
    expect(grid.areaAt('upper', 11, 2)?.gss).toBe('clipped');
  });

  it('answers nothing for points it cannot place, and for levels with no areas', () => {
    const grid = buildBoundaryIndex([county]);
    expect(grid.areaAt('upper', Number.NaN, 5)).toBeUndefined();
    expect(grid.areaAt('upper', 5, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(grid.areaAt('lower', 5, 5)).toBeUndefined();
    expect(buildBoundaryIndex([]).areaAt('upper', 5, 5)).toBeUndefined();
  });
});
