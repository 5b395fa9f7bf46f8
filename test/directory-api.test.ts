import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.js';

const context = useTestApp();

async function get(url: string) {
  const response = await context.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
}

describe('GET /api/v1/services', () => {
  it('lists all 276 LGSL services with their tier and slug', async () => {
    const { status, body } = await get('/api/v1/services');
    expect(status).toBe(200);
    expect(body).toHaveLength(276);
    expect(body).toContainEqual({
      lgsl: 524,
      name: 'Find out which day the refuse is collected',
      tier: 'district/unitary',
      slug: 'find-out-which-day-the-refuse-is-collected',
    });
    expect(body).toContainEqual({
      lgsl: 1,
      name: 'Educating your child at home',
      tier: 'county/unitary',
      slug: 'educating-your-child-at-home',
    });
    const tiers = new Set(body.map((service: { tier: string }) => service.tier));
    expect([...tiers].sort()).toEqual(['all', 'county/unitary', 'district/unitary']);
  });
});

describe('GET /api/v1/services/{lgsl}/provider', () => {
  it('routes a district service to the district, with its page for the service', async () => {
    const { status, body } = await get('/api/v1/services/524/provider?postcode=DE4%203AG');
    expect(status).toBe(200);
    expect(body).toEqual({
      service: { lgsl: 524, name: 'Find out which day the refuse is collected', tier: 'district/unitary' },
      provider: { gss: 'E07000035', name: 'Derbyshire Dales District Council', tier: 'district', inPartnership: true },
      url: 'http://www.derbyshiredales.gov.uk/environment-and-waste/bins-recycling/missed-collections',
    });
  });

  it('routes a county service to the county, falling back to its homepage', async () => {
    const { body } = await get('/api/v1/services/1/provider?postcode=de43ag');
    expect(body.provider).toMatchObject({ gss: 'E10000007', name: 'Derbyshire County Council', tier: 'county' });
    expect(body.url).toBe('http://www.derbyshire.gov.uk/');
  });

  it('routes both tiers of service to the unitary in Derby', async () => {
    const county = await get('/api/v1/services/1/provider?postcode=DE1%200AL');
    const district = await get('/api/v1/services/524/provider?postcode=DE1%200AL');
    expect(county.body.provider.gss).toBe('E06000015');
    expect(district.body.provider.gss).toBe('E06000015');
  });

  it('routes an "all" service to the district', async () => {
    const services = (await get('/api/v1/services')).body as { lgsl: number; tier: string }[];
    const allTier = services.find((service) => service.tier === 'all');
    const { body } = await get(`/api/v1/services/${allTier?.lgsl}/provider?postcode=S41%207TD`);
    expect(body.provider.name).toBe('Chesterfield Borough Council');
    expect(body.provider.tier).toBe('district');
  });

  it('answers from a point by the boundaries', async () => {
    const { status, body } = await get('/api/v1/services/1/provider?lat=53.1428&lng=-1.5519');
    expect(status).toBe(200);
    expect(body.provider.gss).toBe('E10000007');
  });

  it('names a provider outside the partnership', async () => {
    const { body } = await get('/api/v1/services/1/provider?postcode=DE14%201AA');
    expect(body.provider).toEqual({
      gss: 'E10000028',
      name: 'Staffordshire County Council',
      tier: 'county',
      inPartnership: false,
    });
  });

  it.each([
    ['/api/v1/services/abc/provider?postcode=DE4%203AG', 400, 'invalid_lgsl'],
    ['/api/v1/services/99999/provider?postcode=DE4%203AG', 404, 'service_not_found'],
    ['/api/v1/services/1/provider', 400, 'location_required'],
    ['/api/v1/services/1/provider?postcode=nope', 400, 'invalid_postcode'],
    ['/api/v1/services/1/provider?postcode=ZZ9%209ZZ', 404, 'postcode_not_found'],
    ['/api/v1/services/1/provider?lat=53', 400, 'invalid_point'],
    ['/api/v1/services/1/provider?lat=48.85&lng=2.35', 404, 'outside_england'],
  ])('%s answers %i %s', async (url, status, code) => {
    const response = await get(url);
    expect(response.status).toBe(status);
    expect(response.body.errors[0].code).toBe(code);
    expect(typeof response.body.errors[0].message).toBe('string');
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('describes every API path the app answers', async () => {
    const { status, body } = await get('/api/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths).sort()).toEqual([
      '/api/v1/jobs',
      '/api/v1/maps/boundaries',
      '/api/v1/maps/requests',
      '/api/v1/maps/settings',
      '/api/v1/places/point',
      '/api/v1/places/postcodes/{postcode}',
      '/api/v1/services',
      '/api/v1/services/{lgsl}/provider',
      '/health',
    ]);
    const routes = context.app.printRoutes({ commonPrefix: false });
    for (const path of Object.keys(body.paths)) {
      const last = path
        .split('/')
        .filter(Boolean)
        .pop()!
        .replace(/\{(\w+)\}/, ':$1');
      expect(routes).toContain(last);
    }
  });
});
