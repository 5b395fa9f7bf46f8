import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.js';

// A tiny limit, so the fourth request from the test's one address is refused.
const context = useTestApp({ rateLimitPerMinute: 3 });

async function fourth(url: string, headers: Record<string, string> = {}) {
  let response = await context.app.inject({ url, headers });
  for (let count = 1; count < 4; count += 1) response = await context.app.inject({ url, headers });
  return response;
}

describe('the default rate limit', () => {
  it('answers a page with 429, the standard RateLimit headers and Retry-After', async () => {
    const response = await fourth('/services');
    expect(response.statusCode).toBe(429);
    expect(response.headers['ratelimit-limit']).toBe('3');
    expect(response.headers['ratelimit-remaining']).toBe('0');
    expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('govuk-heading-l');
  });

  it('answers the JSON API in JSON', async () => {
    const response = await fourth('/api/v1/places/postcodes/DE43AG');
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.json()).toEqual({
      errors: [{ code: 'too_many_requests', message: 'Too many requests. Wait a minute, then try again.' }],
    });
  });

  it('answers Open311 in its own XML', async () => {
    const response = await fourth('/open311/v2/services.xml');
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).toContain('<code>429</code>');
    expect(response.body).toContain('Too many requests: wait a minute, then try again');
  });

  it('tells every answer how much is left', async () => {
    const response = await context.app.inject({ url: '/', remoteAddress: '192.0.2.99' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['ratelimit-limit']).toBe('3');
    expect(response.headers['ratelimit-remaining']).toBe('2');
  });
});
