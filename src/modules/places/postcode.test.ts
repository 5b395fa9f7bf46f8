import { describe, expect, it } from 'vitest';
import { normalisePostcode } from './postcode.js';

describe('normalisePostcode', () => {
  it.each([
    ['de43ag', 'DE4 3AG'],
    [' DE4 3AG ', 'DE4 3AG'],
    ['de4  3ag', 'DE4 3AG'],
    ['DE43AG', 'DE4 3AG'],
    ['s41 7ta', 'S41 7TA'],
    ['sk17 6ab', 'SK17 6AB'],
    ['de1 0al', 'DE1 0AL'],
    ['ec1a 1bb', 'EC1A 1BB'],
    ['w1a 0ax', 'W1A 0AX'],
    ['m1 1ae', 'M1 1AE'],
    ['\tDE4\n3AG', 'DE4 3AG'],
  ])('reads %j as %s', (input, expected) => {
    expect(normalisePostcode(input)).toBe(expected);
  });

  it.each(['', '   ', 'DE4', '3AG', 'DE4 3A', 'DE4 3AGG', 'hello', '12345', 'DE4-3AG', 'D E 4 3 A G X', '1E4 3AG'])(
    'refuses %j',
    (input) => {
      expect(normalisePostcode(input)).toBeNull();
    },
  );
});
