import { describe, expect, it } from 'vitest';
import { positionCount, simplifyGeometry } from '../../src/modules/maps/simplify.js';
import { clusterByGrid } from '../../src/web/public/maps/cluster.js';

describe('simplifying a boundary', () => {
  // A square with many points along its edges, and a hole: the in-between points add nothing.
  const edge = (from: number[], to: number[], steps: number) =>
    Array.from({ length: steps }, (_, i) => [
      from[0] + ((to[0] - from[0]) * i) / steps,
      from[1] + ((to[1] - from[1]) * i) / steps,
    ]);
  const outline = [
    ...edge([0, 0], [1, 0], 50),
    ...edge([1, 0], [1, 1], 50),
    ...edge([1, 1], [0, 1], 50),
    ...edge([0, 1], [0, 0], 50),
    [0, 0],
  ];
  const hole = [
    [0.4, 0.4],
    [0.6, 0.4],
    [0.6, 0.6],
    [0.4, 0.6],
    [0.4, 0.4],
  ];

  it('keeps the corners and drops the points on straight lines', () => {
    const simplified = simplifyGeometry({ type: 'Polygon', coordinates: [outline, hole] }, 0.0002);
    expect(simplified).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
        hole,
      ],
    });
    expect(positionCount(simplified)).toBe(10);
  });

  it('keeps a bend bigger than the tolerance and drops one smaller', () => {
    const ring = [
      [0, 0],
      [0.5, 0.001],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ];
    expect(simplifyGeometry({ type: 'Polygon', coordinates: [ring] }, 0.0002).coordinates[0]).toContainEqual([
      0.5, 0.001,
    ]);
    expect(simplifyGeometry({ type: 'Polygon', coordinates: [ring] }, 0.01).coordinates[0]).not.toContainEqual([
      0.5, 0.001,
    ]);
  });

  it('never makes a ring too small to be a polygon', () => {
    const sliver = [
      [0, 0],
      [1, 0.00001],
      [2, 0],
      [1, -0.00001],
      [0, 0],
    ];
    const simplified = simplifyGeometry({ type: 'MultiPolygon', coordinates: [[sliver], [outline]] }, 0.001);
    expect(simplified.type).toBe('MultiPolygon');
    expect(simplified.coordinates[0][0]).toEqual(sliver);
    expect(simplified.coordinates[1][0]).toHaveLength(5);
  });

  it('rounds positions to 5 decimal places (about 1 m)', () => {
    const ring = [
      [-1.123456789, 53.987654321],
      [-1.0, 53.9],
      [-1.1, 53.8],
      [-1.123456789, 53.987654321],
    ];
    expect(simplifyGeometry({ type: 'Polygon', coordinates: [ring] }, 0.0002).coordinates[0][0]).toEqual([
      -1.12346, 53.98765,
    ]);
  });
});

describe('grouping points on a grid', () => {
  // A made-up projection: one degree is 100 pixels, and y grows southwards as on a screen.
  const toPixel = (point: { latitude: number; longitude: number }) => ({
    x: point.longitude * 100,
    y: (1 - point.latitude) * 100,
  });

  it('groups the points in one cell, at their mean, and leaves the rest alone', () => {
    const points = [
      { id: 'a', latitude: 0.1, longitude: 0.1 },
      { id: 'b', latitude: 0.3, longitude: 0.2 },
      { id: 'c', latitude: 0.2, longitude: 0.3 },
      { id: 'd', latitude: 5, longitude: 5 },
    ];
    const groups = clusterByGrid(points, toPixel, 60);
    expect(groups).toHaveLength(2);
    const crowd = groups.find((group) => group.points.length === 3)!;
    expect(crowd.points.map((point) => point.id)).toEqual(['a', 'b', 'c']);
    expect(crowd.latitude).toBeCloseTo(0.2);
    expect(crowd.longitude).toBeCloseTo(0.2);
    expect(groups.find((group) => group.points.length === 1)).toEqual({
      latitude: 5,
      longitude: 5,
      points: [points[3]],
    });
  });

  it('splits a group when the cells are smaller (zooming in), and keeps every point once', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({
      latitude: (i % 10) / 10,
      longitude: Math.floor(i / 10) / 10,
    }));
    for (const cell of [1000, 100, 10, 1]) {
      const groups = clusterByGrid(points, toPixel, cell);
      expect(groups.reduce((count, group) => count + group.points.length, 0)).toBe(100);
    }
    expect(clusterByGrid(points, toPixel, 1000)).toHaveLength(1);
    expect(clusterByGrid(points, toPixel, 5)).toHaveLength(100);
  });

  it('merges groups of neighbouring cells drawn closer than the markers are wide, so none overlap', () => {
    // Either side of a cell's edge at x = 60: a pixel apart, in two cells.
    const points = [
      { id: 'a', latitude: 0.5, longitude: 0.59 },
      { id: 'b', latitude: 0.5, longitude: 0.61 },
      { id: 'c', latitude: 0.5, longitude: 1.5 },
    ];
    expect(clusterByGrid(points, toPixel, 60)).toHaveLength(3);
    const groups = clusterByGrid(points, toPixel, 60, 50);
    expect(groups.map((group) => group.points.map((point) => point.id))).toEqual([['a', 'b'], ['c']]);
    for (const [i, first] of groups.entries()) {
      for (const second of groups.slice(i + 1)) {
        const [p, q] = [toPixel(first), toPixel(second)];
        expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeGreaterThanOrEqual(50);
      }
    }
  });

  it('gives nothing for nothing', () => {
    expect(clusterByGrid([], toPixel)).toEqual([]);
  });
});
