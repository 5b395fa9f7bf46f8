import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.js';

const context = useTestApp();

async function get(url: string) {
  const response = await context.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json(), type: response.headers['content-type'] };
}

describe('GET /api/v1/places/postcodes/{postcode}', () => {
  it('answers a two-tier postcode in the exact contract shape', async () => {
    const { status, body } = await get('/api/v1/places/postcodes/DE4%203AG');
    expect(status).toBe(200);
    expect(body).toEqual({
      postcode: 'DE4 3AG',
      latitude: 53.142757,
      longitude: -1.551885,
      structure: 'two-tier',
      lowerTier: { gss: 'E07000035', name: 'Derbyshire Dales District Council' },
      upperTier: { gss: 'E10000007', name: 'Derbyshire County Council' },
      inPartnership: true,
    });
  });

  it.each(['de43ag', '%20DE4%203AG%20', 'de4%20%203ag'])('reads the common form %s', async (form) => {
    const { status, body } = await get(`/api/v1/places/postcodes/${form}`);
    expect(status).toBe(200);
    expect(body.postcode).toBe('DE4 3AG');
  });

  it('names the same body for both tiers of a unitary', async () => {
    const { body } = await get('/api/v1/places/postcodes/DE1%200AL');
    expect(body.structure).toBe('unitary');
    expect(body.lowerTier).toEqual({ gss: 'E06000015', name: 'Derby City Council' });
    expect(body.upperTier).toEqual(body.lowerTier);
  });

  it('says a cross-border postcode is served by councils outside the partnership', async () => {
    const { status, body } = await get('/api/v1/places/postcodes/DE14%201AA');
    expect(status).toBe(200);
    expect(body.lowerTier.name).toBe('East Staffordshire Borough Council');
    expect(body.upperTier.name).toBe('Staffordshire County Council');
    expect(body.inPartnership).toBe(false);
  });

  it('answers 400 for a malformed postcode', async () => {
    const { status, body } = await get('/api/v1/places/postcodes/hello');
    expect(status).toBe(400);
    expect(body.errors[0].code).toBe('invalid_postcode');
  });

  it('answers 404 for a well-formed postcode it does not know', async () => {
    const { status, body } = await get('/api/v1/places/postcodes/ZZ99ZZ');
    expect(status).toBe(404);
    expect(body).toEqual({ errors: [{ code: 'postcode_not_found', message: 'We do not know the postcode ZZ9 9ZZ.' }] });
  });
});

describe('GET /api/v1/places/point', () => {
  it('finds the district and county of a point in a two-tier area', async () => {
    const { status, body } = await get('/api/v1/places/point?lat=53.1428&lng=-1.5519');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      latitude: 53.1428,
      longitude: -1.5519,
      structure: 'two-tier',
      lowerTier: { gss: 'E07000035' },
      upperTier: { gss: 'E10000007' },
      inPartnership: true,
    });
    expect(body).not.toHaveProperty('postcode');
  });

  it('finds Derby, in the hole of the Derbyshire county polygon', async () => {
    const { body } = await get('/api/v1/places/point?lat=52.9225&lng=-1.4746');
    expect(body.structure).toBe('unitary');
    expect(body.upperTier.gss).toBe('E06000015');
  });

  it('answers for anywhere in England, saying it is outside the partnership', async () => {
    const { body } = await get('/api/v1/places/point?lat=51.5135&lng=-0.135');
    expect(body.lowerTier.name).toBe('City of Westminster');
    expect(body.inPartnership).toBe(false);
  });

  it('answers 404 outside England', async () => {
    const paris = await get('/api/v1/places/point?lat=48.8566&lng=2.3522');
    expect(paris.status).toBe(404);
    expect(paris.body.errors[0].code).toBe('outside_england');
    const edinburgh = await get('/api/v1/places/point?lat=55.9533&lng=-3.1883');
    expect(edinburgh.status).toBe(404);
  });

  it.each([
    ['', 'lat is required'],
    ['lat=53', 'lng is required'],
    ['lat=91&lng=0', 'lat must be between -90 and 90'],
    ['lat=53&lng=-181', 'lng must be between -180 and 180'],
    ['lat=north&lng=1', 'lat must be a decimal number'],
  ])('answers 400 for ?%s', async (query, message) => {
    const { status, body } = await get(`/api/v1/places/point?${query}`);
    expect(status).toBe(400);
    expect(body).toEqual({ errors: [{ code: 'invalid_point', message }] });
  });
});

describe('errors and health', () => {
  it('answers unknown API addresses with the JSON error shape', async () => {
    const { status, body, type } = await get('/api/v1/nothing-here');
    expect(status).toBe(404);
    expect(type).toMatch(/application\/json/);
    expect(body.errors[0].code).toBe('not_found');
  });

  it('reports health with the database', async () => {
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', database: 'ok' });
  });
});
