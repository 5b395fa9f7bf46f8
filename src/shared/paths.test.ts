import { describe, expect, it } from 'vitest';
import { route, withQuery } from './paths.js';

describe('withQuery', () => {
  it('adds the values as a query, repeating a name for a list and leaving out what is not given', () => {
    expect(
      withQuery('/staff/cases', { status: ['open', 'in_progress'], q: 'a b', team: undefined }, { page: '2' }),
    ).toBe('/staff/cases?status=open&status=in_progress&q=a+b&page=2');
  });

  it('adds no query when there are no values', () => {
    expect(withQuery('/map', {})).toBe('/map');
  });
});

describe('route', () => {
  const question = route('/staff/request-types/:id/questions/:questionId');

  it('keeps the pattern for Fastify', () => {
    expect(question.pattern).toBe('/staff/request-types/:id/questions/:questionId');
  });

  it('builds the path from the parameters', () => {
    expect(question({ id: 7, questionId: '12' })).toBe('/staff/request-types/7/questions/12');
    expect(route('/staff/outbox/:id')({ id: 3 })).toBe('/staff/outbox/3');
  });

  it('encodes each parameter as one segment', () => {
    expect(route('/track/:reference/reopen')({ reference: 'DBY 2026/1?x' })).toBe('/track/DBY%202026%2F1%3Fx/reopen');
  });

  it('refuses a missing parameter rather than build a wrong path', () => {
    expect(() => (question as (params: object) => string)({ id: 7 })).toThrow(
      'No questionId for /staff/request-types/:id/questions/:questionId',
    );
  });

  it('types the parameters from the pattern', () => {
    // @ts-expect-error: questionId is missing
    expect(() => question({ id: 7 })).toThrow();
  });
});
