import type { FastifyInstance, RouteOptions } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { useTestApp } from './support/app.js';

/** Every route the app registers, as an onRoute hook sees it. */
const registered = vi.hoisted(() => [] as RouteOptions[]);

// The real buildApp, whose Fastify instance gets the hook before its first route.
vi.mock('fastify', async (importOriginal) => {
  const fastify = await importOriginal<typeof import('fastify')>();
  const create = fastify.default as unknown as (options?: object) => FastifyInstance;
  const withRouteLog = (options?: object) => {
    const app = create(options);
    app.addHook('onRoute', (route) => {
      registered.push(route);
    });
    return app;
  };
  return { ...fastify, default: withRouteLog };
});

const context = useTestApp();

interface Operation {
  operationId?: string;
  tags?: string[];
  responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
}

async function openApiDocument() {
  const response = await context.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(response.statusCode).toBe(200);
  return response.json() as {
    paths: Record<string, Record<string, Operation>>;
    tags: { name: string }[];
    components: { schemas: Record<string, object> };
  } & Record<string, unknown>;
}

/** Each method of each route the document must describe: the JSON API, less the document itself, and the health check. */
function describedRoutes() {
  return registered
    .filter(
      (route) => (route.url.startsWith('/api/') && route.url !== '/api/v1/openapi.json') || route.url === '/health',
    )
    .flatMap((route) => [route.method].flat().map((method) => ({ method, route })))
    .filter(({ method }) => method !== 'HEAD');
}

const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI document, generated from the route schemas', () => {
  it('describes every route of the API the app registers, each by a zod schema of its answers', async () => {
    const document = await openApiDocument();
    const routes = describedRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(8);
    for (const { method, route } of routes) {
      const name = `${method} ${route.url}`;
      const operation = document.paths[openApiPath(route.url)]?.[method.toLowerCase()];
      expect(operation, `${name} is not in the document: give it a schema`).toBeDefined();
      expect(operation.operationId, name).toEqual(expect.any(String));
      expect(operation.responses['200']?.content, `${name} has no 200 response schema`).toBeDefined();
      const schema = route.schema as Record<string, unknown>;
      for (const part of ['params', 'querystring'] as const) {
        if (schema[part] !== undefined) expect(schema[part], `${name} ${part}`).toBeInstanceOf(z.ZodType);
      }
    }
  });

  it('describes nothing the app does not answer', async () => {
    const document = await openApiDocument();
    const answered = new Set(
      describedRoutes().map(({ method, route }) => `${method.toLowerCase()} ${openApiPath(route.url)}`),
    );
    const described = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(described.filter((operation) => !answered.has(operation))).toEqual([]);
  });

  it('names every operation once, under a tag it declares', async () => {
    const document = await openApiDocument();
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'getPlaceByPostcode',
        'getPlaceByPoint',
        'listServices',
        'getServiceProvider',
        'getMapSettings',
        'getMapBoundaries',
        'listMapRequests',
        'getHealth',
      ]),
    );
    const tags = document.tags.map((tag) => tag.name);
    for (const operation of operations) {
      expect(operation.tags?.length, operation.operationId).toBeGreaterThan(0);
      for (const tag of operation.tags ?? []) expect(tags, operation.operationId).toContain(tag);
    }
  });

  it('holds the components it refers to, and no others', async () => {
    const document = await openApiDocument();
    const refs = new Set(
      [...JSON.stringify(document).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]),
    );
    expect([...refs].sort()).toEqual(Object.keys(document.components.schemas).sort());
    expect([...refs]).toEqual(
      expect.arrayContaining([
        'Errors',
        'Place',
        'PostcodePlace',
        'Council',
        'BoundaryCollection',
        'RequestCollection',
      ]),
    );
  });

  it('says what it is, and where the rest of the service is described', async () => {
    const document = await openApiDocument();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({
      title: 'Shirehall API',
      version: '1.0.0',
      license: { name: 'MIT', identifier: 'MIT' },
    });
    expect(document.servers).toEqual([{ url: '/' }]);
    expect(document.externalDocs).toMatchObject({ url: '/open311/v2/discovery.json' });
  });

  it('gives GeoJSON answers as GeoJSON collections', async () => {
    const document = await openApiDocument();
    for (const path of ['/api/v1/maps/boundaries', '/api/v1/maps/requests']) {
      expect(Object.keys(document.paths[path].get.responses['200'].content ?? {})).toEqual(['application/geo+json']);
    }
    const collection = document.components.schemas.RequestCollection as {
      properties: { type: object; features: { items: { required: string[] } } };
    };
    expect(collection.properties.type).toMatchObject({ const: 'FeatureCollection' });
    expect(collection.properties.features.items.required).toEqual(['type', 'id', 'properties', 'geometry']);
  });
});

describe('answers, with the schemas in place', () => {
  it('are written as the handler made them: no field dropped, none reordered', async () => {
    const response = await context.app.inject({ method: 'GET', url: '/api/v1/places/postcodes/DE4%203AG' });
    expect(response.body).toBe(
      JSON.stringify({
        postcode: 'DE4 3AG',
        latitude: 53.142757,
        longitude: -1.551885,
        structure: 'two-tier',
        lowerTier: { gss: 'E07000035', name: 'Derbyshire Dales District Council' },
        upperTier: { gss: 'E10000007', name: 'Derbyshire County Council' },
        inPartnership: true,
      }),
    );
  });

  it('refuse bad input in the API’s own error shape, not Fastify’s', async () => {
    const cases: [string, string][] = [
      ['/api/v1/places/point?lat=north&lng=1', 'invalid_point'],
      ['/api/v1/services/abc/provider?postcode=DE4%203AG', 'invalid_lgsl'],
      ['/api/v1/maps/requests?status=resolved', 'invalid_status'],
    ];
    for (const [url, code] of cases) {
      const response = await context.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toEqual({ errors: [{ code, message: expect.any(String) }] });
    }
  });
});
