import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';

export const openApiPath = '/api/v1/openapi.json';

/** The routes the document describes: the JSON API and the health check. Open311 has its own discovery. */
function isDescribed(url: string): boolean {
  return (url.startsWith('/api/') && url !== openApiPath) || url === '/health';
}

/** What the document says of itself; its paths and schemas come from the routes. */
const frame = {
  openapi: '3.1.0',
  info: {
    title: 'Shirehall API',
    version: '1.0.0',
    description:
      "Which council serves a place, and which council provides a service there. A postcode is answered from the postcode table; a point by the council boundaries of England. Reporting and following requests is not part of this API: it is Open311 GeoReport v2, in XML and JSON, at /open311/v2/ (start at /open311/v2/discovery.xml; see docs/open311.md). A request's photos are not uploaded through either: Open311 takes a `media_url` (an http or https link, recorded and never fetched) and answers `media_url` with the absolute address of the first photo anyone may see (`/photos/{id}`, an image/jpeg without EXIF).",
    license: { name: 'MIT', identifier: 'MIT' },
  },
  externalDocs: {
    description:
      'Open311 GeoReport v2 at /open311/v2/, for reporting and following requests, with media_url for photos',
    url: '/open311/v2/discovery.json',
  },
  servers: [{ url: '/' }],
  tags: [
    { name: 'places', description: 'The councils that serve a postcode or a point' },
    {
      name: 'services',
      description: 'The Local Government Service List, and which council provides each service where',
    },
    { name: 'jobs', description: 'Live vacancies of every partner employer, searched by keyword and filters' },
    { name: 'maps', description: 'The partnership’s council areas and its public requests, as GeoJSON' },
    { name: 'health', description: 'For load balancers and monitoring' },
  ],
};

/**
 * The OpenAPI 3.1 description of the JSON API, served at /api/v1/openapi.json and generated from the
 * zod schemas the routes are registered with, so it says what the API validates and answers. Call it
 * before any route is registered: @fastify/swagger learns the routes from an onRoute hook.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  // Every route schema in the app is zod. Fastify checks params and querystring with it, and gives the
  // handler the parsed values; the API's routes set `attachValidation` and answer a failure
  // themselves, so each keeps its own error code and message (invalid_point, invalid_lgsl, …).
  app.setValidatorCompiler(validatorCompiler);
  // Responses are written by JSON.stringify, exactly as Fastify writes a route without a schema: a
  // zod serializer would re-encode every coordinate of the boundaries and reorder fields. The
  // response schemas type what a handler may send and describe it in the document.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  await app.register(swagger, {
    openapi: frame,
    transform: (route) =>
      isDescribed(route.url) ? jsonSchemaTransform(route) : { schema: { hide: true }, url: route.url },
    transformObject: (document) => withoutUnusedSchemas(jsonSchemaTransformObject(document)),
  });

  app.get(openApiPath, { schema: { hide: true } }, async () => app.swagger());
}

/**
 * zod's registry holds every schema given an id, in the form it is read (`PlaceInput`) and written
 * (`Place`); keep the components the document refers to, directly or through another component.
 */
function withoutUnusedSchemas<Document extends object>(document: Document): Document {
  const components: { schemas?: Record<string, unknown> } = (document as { components?: object }).components ?? {};
  const schemas = components.schemas ?? {};
  const referencedBy = (value: unknown) =>
    [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
  const used = new Set(referencedBy({ ...document, components: { ...components, schemas: {} } }));
  for (const name of used) for (const inner of referencedBy(schemas[name])) used.add(inner);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...components, schemas: kept } };
}
