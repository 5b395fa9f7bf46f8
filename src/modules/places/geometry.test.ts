import { describe, expect, it } from 'vitest';
import { areaContains, boundingBox, type AreaGeometry } from './geometry.js';

// A 10 × 10 square with a 2 × 2 hole in the middle, like a county around a unitary city.
const squareWithHole: AreaGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ],
    [
      [4, 4],
      [6, 4],
      [6, 6],
      [4, 6],
      [4, 4],
    ],
  ],
};

const twoIslands: AreaGeometry = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ],
    [
      [
        [5, 5],
        [6, 5],
        [6, 6],
        [5, 6],
        [5, 5],
      ],
    ],
  ],
};

describe('areaContains', () => {
  it('finds a point inside the outline', () => {
    expect(areaContains(squareWithHole, 1, 1)).toBe(true);
    expect(areaContains(squareWithHole, 9.9, 5)).toBe(true);
  });

  it('does not count a point in a hole', () => {
    expect(areaContains(squareWithHole, 5, 5)).toBe(false);
  });

  it('does not count a point outside', () => {
    expect(areaContains(squareWithHole, -1, 5)).toBe(false);
    expect(areaContains(squareWithHole, 5, 10.1)).toBe(false);
  });

  it('finds a point in any part of a multipolygon, and not between the parts', () => {
    expect(areaContains(twoIslands, 0.5, 0.5)).toBe(true);
    expect(areaContains(twoIslands, 5.5, 5.5)).toBe(true);
    expect(areaContains(twoIslands, 3, 3)).toBe(false);
  });
});

describe('boundingBox', () => {
  it('spans every part of the area', () => {
    expect(boundingBox(twoIslands)).toEqual({ minLongitude: 0, minLatitude: 0, maxLongitude: 6, maxLatitude: 6 });
  });
});
