import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { metresBetween } from '../../src/modules/cases/core/distance.js';
import { useTestApp, testConfig } from '../support/app.js';
import { privateWords, seedMapRequests, type MapFixture } from './maps-fixtures.js';

const members = [
  'E10000007',
  'E06000015',
  'E07000032',
  'E07000033',
  'E07000034',
  'E07000035',
  'E07000036',
  'E07000037',
  'E07000038',
  'E07000039',
];

interface Feature {
  type: string;
  id: string;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}

describe('the maps API', () => {
  const context = useTestApp();
  let fixture: MapFixture;
  const get = (url: string) => context.app.inject({ method: 'GET', url });
  const features = async (url: string): Promise<Feature[]> => {
    const response = await get(url);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().features;
  };
  const references = async (url: string) => (await features(url)).map((feature) => feature.properties.reference).sort();

  beforeAll(async () => {
    fixture = await seedMapRequests(context.database.db);
  });

  describe('boundaries', () => {
    it('are the partnership’s member councils, each once, as GeoJSON', async () => {
      const response = await get('/api/v1/maps/boundaries');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/geo+json; charset=utf-8');
      const collection = response.json();
      expect(collection.type).toBe('FeatureCollection');
      const byGss = new Map<string, Feature>(
        collection.features.map((feature: Feature) => [feature.properties.gss, feature]),
      );
      expect([...byGss.keys()].sort()).toEqual([...members].sort());
      expect(collection.features).toHaveLength(members.length);
      expect(byGss.get('E10000007')?.properties).toEqual({
        gss: 'E10000007',
        name: 'Derbyshire County Council',
        tier: 'county',
      });
      expect(byGss.get('E06000015')?.properties).toMatchObject({ name: 'Derby City Council', tier: 'unitary' });
      expect(byGss.get('E07000035')?.properties).toMatchObject({
        name: 'Derbyshire Dales District Council',
        tier: 'district',
      });
    });

    it('hold closed rings of rounded positions, simplified but never fewer than a polygon needs', async () => {
      const collection = (await get('/api/v1/maps/boundaries')).json();
      const source = await context.database.db
        .selectFrom('boundaries')
        .select(['gss', 'level', 'geometry'])
        .where('gss', 'in', members)
        .execute();
      const sourcePositions = source
        .filter((row) => row.level === (row.gss === 'E10000007' ? 'upper' : 'lower'))
        .reduce((count, row) => count + JSON.stringify(row.geometry).split('],[').length, 0);
      let positions = 0;
      for (const feature of collection.features as Feature[]) {
        expect(['Polygon', 'MultiPolygon']).toContain(feature.geometry.type);
        const polygons = (
          feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates
        ) as number[][][][];
        for (const ring of polygons.flat()) {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          expect(ring[0]).toEqual(ring[ring.length - 1]);
          for (const [longitude, latitude] of ring) {
            expect(Math.round(longitude * 1e5) / 1e5).toBe(longitude);
            expect(latitude).toBeGreaterThan(52.3);
            expect(latitude).toBeLessThan(53.7);
          }
          positions += ring.length;
        }
      }
      expect(positions).toBeGreaterThan(100);
      expect(positions).toBeLessThanOrEqual(sourcePositions);
    });
  });

  describe('settings', () => {
    it('name no tile server by default, and the partnership’s extent', async () => {
      const settings = (await get('/api/v1/maps/settings')).json();
      expect(settings.tiles).toBeNull();
      const [west, south, east, north] = settings.bounds;
      expect(west).toBeGreaterThan(-2.2);
      expect(west).toBeLessThan(-1.9);
      expect(east).toBeGreaterThan(-1.3);
      expect(east).toBeLessThan(-1.1);
      expect(south).toBeGreaterThan(52.6);
      expect(north).toBeLessThan(53.6);
    });

    it('name the configured tile server, whose origin alone the CSP lets images load from', async () => {
      const mapTiles = {
        url: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png',
        attribution: '© Example contributors',
        cspSource: 'https://*.tiles.example.org',
      };
      const app = await buildApp({ config: testConfig({ mapTiles }), db: context.database.db });
      try {
        const response = await app.inject({ method: 'GET', url: '/api/v1/maps/settings' });
        expect(response.json().tiles).toEqual({ url: mapTiles.url, attribution: mapTiles.attribution });
        expect(String(response.headers['content-security-policy'])).toContain(
          "img-src 'self' data: https://*.tiles.example.org;",
        );
      } finally {
        await app.close();
      }
      const plain = await get('/map');
      expect(String(plain.headers['content-security-policy'])).toContain("img-src 'self' data:;");
    });
  });

  describe('requests', () => {
    it('are the public open requests of member councils only', async () => {
      expect(await references('/api/v1/maps/requests')).toEqual(Object.values(fixture.shown).sort());
    });

    it('say only the reference, type, status and day, and where to within about 10 m', async () => {
      const response = await get('/api/v1/maps/requests');
      expect(response.headers['content-type']).toBe('application/geo+json; charset=utf-8');
      for (const word of Object.values(privateWords)) expect(response.body).not.toContain(word);
      const pothole = (response.json().features as Feature[]).find(
        (feature) => feature.id === fixture.shown.potholeMatlock,
      )!;
      expect(pothole.properties).toEqual({
        reference: fixture.shown.potholeMatlock,
        serviceCode: 'pothole',
        typeName: 'Pothole',
        council: 'Derbyshire County Council',
        status: 'open',
        statusText: 'Received',
        createdOn: '2026-11-02',
        trackUrl: `/track/${fixture.shown.potholeMatlock}`,
      });
      for (const feature of response.json().features as Feature[]) {
        expect(Object.keys(feature).sort()).toEqual(['geometry', 'id', 'properties', 'type']);
        const [longitude, latitude] = feature.geometry.coordinates as number[];
        expect(Math.round(latitude * 1e4) / 1e4).toBe(latitude);
        expect(Math.round(longitude * 1e4) / 1e4).toBe(longitude);
        expect(metresBetween({ latitude, longitude }, fixture.exact[feature.id])).toBeLessThan(10);
      }
    });

    it('filter by kind of request and by status, given once, repeated or as a list', async () => {
      expect(await references('/api/v1/maps/requests?service_code=pothole')).toEqual([fixture.shown.potholeMatlock]);
      expect(await references('/api/v1/maps/requests?status=acknowledged')).toEqual([fixture.shown.binDerby]);
      const openOrInProgress = [fixture.shown.potholeMatlock, fixture.shown.flyTippingSwadlincote].sort();
      expect(await references('/api/v1/maps/requests?status=open,in_progress')).toEqual(openOrInProgress);
      expect(await references('/api/v1/maps/requests?status=open&status=in_progress')).toEqual(openOrInProgress);
      expect(await references('/api/v1/maps/requests?service_code=pothole&status=in_progress')).toEqual([]);
      expect(await references('/api/v1/maps/requests?service_code=graffiti')).toEqual([]);
    });

    it('filter by a box', async () => {
      // Around Derby city centre only.
      expect(await references('/api/v1/maps/requests?bbox=-1.50,52.90,-1.43,52.93')).toEqual([fixture.shown.binDerby]);
      expect(await references('/api/v1/maps/requests?bbox=-1.50,52.90,-1.43,52.93&service_code=pothole')).toEqual([]);
    });

    it('refuse filters that are not what the map shows, saying why', async () => {
      const cases: [string, string][] = [
        ['status=resolved', 'invalid_status'],
        ['status=open,closed', 'invalid_status'],
        ['service_code=Pot%20hole', 'invalid_service_code'],
        ['service_code=council-tax-enquiry', 'unknown_service_code'],
        ['service_code=no-such-thing', 'unknown_service_code'],
        ['bbox=-1.5,52.9,-1.4', 'invalid_bbox'],
        ['bbox=-1.4,52.9,-1.5,52.93', 'invalid_bbox'],
        ['bbox=a,b,c,d', 'invalid_bbox'],
      ];
      for (const [query, code] of cases) {
        const response = await get(`/api/v1/maps/requests?${query}`);
        expect(response.statusCode, query).toBe(400);
        expect(response.json().errors[0].code, query).toBe(code);
        expect(response.json().errors[0].message).toEqual(expect.any(String));
      }
    });
  });

  it('are described in the OpenAPI document', async () => {
    const document = (await get('/api/v1/openapi.json')).json();
    for (const path of ['/api/v1/maps/settings', '/api/v1/maps/boundaries', '/api/v1/maps/requests']) {
      expect(document.paths[path]?.get?.operationId, path).toEqual(expect.any(String));
    }
    const parameters = document.paths['/api/v1/maps/requests'].get.parameters.map(
      (parameter: { name: string }) => parameter.name,
    );
    expect(parameters).toEqual(['service_code', 'status', 'bbox']);
  });

  it('serves Leaflet and the map scripts from the project itself', async () => {
    const script = await get('/assets/leaflet/leaflet-src.esm.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.body).toContain('export {');
    expect((await get('/assets/leaflet/leaflet.css')).statusCode).toBe(200);
    expect((await get('/assets/leaflet/images/marker-icon.png')).statusCode).toBe(200);
    for (const name of ['map-base', 'cluster', 'requests-map', 'location-picker', 'case-map']) {
      const response = await get(`/public/maps/${name}.js`);
      expect(response.statusCode, name).toBe(200);
      expect(response.headers['content-type']).toMatch(/javascript/);
    }
    expect((await get('/public/maps/maps.css')).statusCode).toBe(200);
    // Only Leaflet's dist folder is served, not the rest of the package.
    expect((await get('/assets/leaflet/../package.json')).statusCode).toBe(404);
    expect((await get('/assets/leaflet/%2e%2e/package.json')).statusCode).toBe(404);
  });
});
