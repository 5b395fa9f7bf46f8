import { describe, expect, it } from 'vitest';
import { nearbyMap } from './nearby-map.js';

const pin = { latitude: 53.138, longitude: -1.556 };

describe('the nearby map', () => {
  it('puts a request north of the pin above the middle, at the map’s scale, and says so in words', () => {
    const map = nearbyMap(pin, [{ latitude: pin.latitude + 0.00108, longitude: pin.longitude }], 250);
    const [marker] = map.markers;
    expect(marker.x).toBe(map.centre);
    expect(map.centre - marker.y).toBeCloseTo((120 / 250) * map.radius, -1);
    expect(marker.words).toBe('1 is 120 metres north of the place you gave');
  });

  it('moves markers at one spot apart, and off the place given, so each number can be read', () => {
    const map = nearbyMap(pin, [pin, pin, pin], 250);
    const drawn = [{ x: map.centre, y: map.centre }, ...map.markers];
    for (const [index, a] of drawn.entries())
      for (const b of drawn.slice(index + 1)) expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThanOrEqual(22);
    expect(map.markers.map((marker) => marker.words)).toEqual([
      '1 is at the place you gave',
      '2 is at the place you gave',
      '3 is at the place you gave',
    ]);
  });
});
