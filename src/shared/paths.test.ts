import { describe, expect, it } from 'vitest';
import { withQuery } from './paths.js';

describe('withQuery', () => {
  it('adds the values as a query, repeating a name for a list and leaving out what is not given', () => {
    expect(withQuery('/staff/cases', { status: ['open', 'in_progress'], q: 'a b', team: undefined }, { page: '2' })).toBe('/staff/cases?status=open&status=in_progress&q=a+b&page=2');
  });

  it('adds no query when there are no values', () => {
    expect(withQuery('/map', {})).toBe('/map');
  });
});
