/**
 * The OpenAPI 3.1 description of the JSON API, served at /api/v1/openapi.json. Written by hand so it
 * reads as documentation; the route tests check each documented path answers as described.
 */
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } },
});

const council = {
  type: 'object',
  required: ['gss', 'name'],
  properties: {
    gss: { type: 'string', description: 'ONS GSS code of the council', examples: ['E07000035'] },
    name: { type: 'string', examples: ['Derbyshire Dales District Council'] },
  },
};

/** A GeoJSON FeatureCollection whose features have these properties and this geometry. */
const featureCollection = (idDescription: string, properties: object, geometry: object) => ({
  type: 'object',
  required: ['type', 'features'],
  properties: {
    type: { const: 'FeatureCollection' },
    features: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'id', 'properties', 'geometry'],
        properties: { type: { const: 'Feature' }, id: { type: 'string', description: idDescription }, properties, geometry },
      },
    },
  },
});

const pointParameters = [
  { name: 'lat', in: 'query', required: true, schema: { type: 'number', minimum: -90, maximum: 90 }, description: 'Latitude, WGS84 degrees' },
  { name: 'lng', in: 'query', required: true, schema: { type: 'number', minimum: -180, maximum: 180 }, description: 'Longitude, WGS84 degrees' },
];

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Shirehall API',
    version: '1.0.0',
    description:
      'Which council serves a place, and which council provides a service there. A postcode is answered from the postcode table; a point by the council boundaries of England. Reporting and following requests is not part of this API: it is Open311 GeoReport v2, in XML and JSON, at /open311/v2/ (start at /open311/v2/discovery.xml; see docs/open311.md).',
    license: { name: 'MIT', identifier: 'MIT' },
  },
  externalDocs: { description: 'Open311 GeoReport v2 at /open311/v2/, for reporting and following requests', url: '/open311/v2/discovery.json' },
  servers: [{ url: '/' }],
  paths: {
    '/api/v1/places/postcodes/{postcode}': {
      get: {
        summary: 'The councils that serve a postcode',
        operationId: 'getPlaceByPostcode',
        parameters: [
          {
            name: 'postcode',
            in: 'path',
            required: true,
            schema: { type: 'string' },
            description: 'Any common form: "DE4 3AG", "de43ag", " DE4 3AG "',
          },
        ],
        responses: {
          '200': { description: 'The place', content: { 'application/json': { schema: { $ref: '#/components/schemas/PostcodePlace' } } } },
          '400': errorResponse('Not shaped like a UK postcode (code invalid_postcode)'),
          '404': errorResponse('A well-formed postcode we do not know (postcode_not_found), or not in England (outside_england)'),
        },
      },
    },
    '/api/v1/places/point': {
      get: {
        summary: 'The councils that serve a point on the map',
        operationId: 'getPlaceByPoint',
        parameters: pointParameters,
        responses: {
          '200': { description: 'The place', content: { 'application/json': { schema: { $ref: '#/components/schemas/Place' } } } },
          '400': errorResponse('lat or lng missing, not a number or out of range (invalid_point)'),
          '404': errorResponse('The point is not inside any council area of England (outside_england)'),
        },
      },
    },
    '/api/v1/services': {
      get: {
        summary: 'Every service of the Local Government Service List, with the tier that provides it',
        operationId: 'listServices',
        responses: {
          '200': {
            description: 'The services, by name',
            content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Service' } } } },
          },
        },
      },
    },
    '/api/v1/services/{lgsl}/provider': {
      get: {
        summary: 'Which council provides a service at a postcode or a point',
        description: 'Give either `postcode`, or `lat` and `lng`. For a service of tier "all", the district (or unitary) council answers.',
        operationId: 'getServiceProvider',
        parameters: [
          { name: 'lgsl', in: 'path', required: true, schema: { type: 'integer' }, description: 'LGSL code' },
          { name: 'postcode', in: 'query', required: false, schema: { type: 'string' } },
          { ...pointParameters[0], required: false },
          { ...pointParameters[1], required: false },
        ],
        responses: {
          '200': { description: 'The provider', content: { 'application/json': { schema: { $ref: '#/components/schemas/ServiceProvider' } } } },
          '400': errorResponse('Bad LGSL code (invalid_lgsl), no location (location_required), bad postcode (invalid_postcode) or point (invalid_point)'),
          '404': errorResponse('Unknown service (service_not_found), unknown postcode (postcode_not_found), or outside England (outside_england)'),
        },
      },
    },
    '/api/v1/maps/settings': {
      get: {
        summary: 'What a map of the partnership needs: the tile server, if one is configured, and the extent of its councils',
        operationId: 'getMapSettings',
        responses: {
          '200': { description: 'The settings', content: { 'application/json': { schema: { $ref: '#/components/schemas/MapSettings' } } } },
        },
      },
    },
    '/api/v1/maps/boundaries': {
      get: {
        summary: "The partnership's member councils' areas, as GeoJSON",
        description:
          'Each member council once: districts and unitaries by their lower-tier area, counties by their upper-tier area. Simplified for drawing (to about 20 m) and rounded to 5 decimal places.',
        operationId: 'getMapBoundaries',
        responses: {
          '200': { description: 'A GeoJSON FeatureCollection', content: { 'application/geo+json': { schema: { $ref: '#/components/schemas/BoundaryCollection' } } } },
        },
      },
    },
    '/api/v1/maps/requests': {
      get: {
        summary: 'Public requests still being dealt with, as GeoJSON points',
        description:
          'Only requests marked public, of member councils, with status open, acknowledged or in progress; newest first, at most 5,000. No personal data: each point has its reference, type, status and the day it was reported, placed to 4 decimal places (about 10 m).',
        operationId: 'listMapRequests',
        parameters: [
          { name: 'service_code', in: 'query', required: false, schema: { type: 'string', pattern: '^[a-z0-9-]+$' }, description: 'Only this kind of request, such as "pothole"' },
          {
            name: 'status',
            in: 'query',
            required: false,
            style: 'form',
            explode: false,
            schema: { type: 'array', items: { type: 'string', enum: ['open', 'acknowledged', 'in_progress'] } },
            description: 'Only these statuses, comma-separated or repeated; all three when absent',
          },
          {
            name: 'bbox',
            in: 'query',
            required: false,
            schema: { type: 'string', examples: ['-1.50,52.90,-1.43,52.93'] },
            description: 'Only inside this box: west,south,east,north in WGS84 degrees',
          },
        ],
        responses: {
          '200': { description: 'A GeoJSON FeatureCollection of points', content: { 'application/geo+json': { schema: { $ref: '#/components/schemas/RequestCollection' } } } },
          '400': errorResponse('A bad filter: invalid_service_code, unknown_service_code (not a kind the map shows), invalid_status or invalid_bbox'),
        },
      },
    },
    '/health': {
      get: {
        summary: 'Whether the service and its database are working',
        operationId: 'getHealth',
        responses: {
          '200': { description: 'Working', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
          '503': { description: 'The database is unreachable', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
        },
      },
    },
  },
  components: {
    schemas: {
      Council: council,
      Place: {
        type: 'object',
        required: ['latitude', 'longitude', 'structure', 'lowerTier', 'upperTier', 'inPartnership'],
        properties: {
          latitude: { type: 'number' },
          longitude: { type: 'number' },
          structure: {
            type: 'string',
            enum: ['two-tier', 'unitary'],
            description: 'two-tier: a district and a county council; unitary: one council for both tiers',
          },
          lowerTier: { $ref: '#/components/schemas/Council' },
          upperTier: { $ref: '#/components/schemas/Council' },
          inPartnership: { type: 'boolean', description: 'A member of this partnership serves the place for at least one tier' },
        },
      },
      PostcodePlace: {
        allOf: [
          { $ref: '#/components/schemas/Place' },
          { type: 'object', required: ['postcode'], properties: { postcode: { type: 'string', examples: ['DE4 3AG'] } } },
        ],
      },
      Service: {
        type: 'object',
        required: ['lgsl', 'name', 'tier', 'slug'],
        properties: {
          lgsl: { type: 'integer', examples: [524] },
          name: { type: 'string' },
          tier: { type: 'string', enum: ['district/unitary', 'county/unitary', 'all'] },
          slug: { type: 'string', description: 'The service page is /services/{slug}' },
        },
      },
      ServiceProvider: {
        type: 'object',
        required: ['service', 'provider', 'url'],
        properties: {
          service: {
            type: 'object',
            required: ['lgsl', 'name', 'tier'],
            properties: {
              lgsl: { type: 'integer' },
              name: { type: 'string' },
              tier: { type: 'string', enum: ['district/unitary', 'county/unitary', 'all'] },
            },
          },
          provider: {
            type: 'object',
            required: ['gss', 'name', 'tier', 'inPartnership'],
            properties: {
              gss: { type: 'string' },
              name: { type: 'string' },
              tier: { type: 'string', enum: ['county', 'district', 'unitary'] },
              inPartnership: { type: 'boolean' },
            },
          },
          url: {
            type: ['string', 'null'],
            description: "The council's page for this service, or its homepage when we know no page; null if neither is known",
          },
        },
      },
      MapSettings: {
        type: 'object',
        required: ['tiles', 'bounds'],
        properties: {
          tiles: {
            type: ['object', 'null'],
            description: 'null when no tile server is configured: draw the boundaries on a plain background',
            required: ['url', 'attribution'],
            properties: { url: { type: 'string', description: 'A template with {z}, {x} and {y}' }, attribution: { type: 'string' } },
          },
          bounds: {
            type: ['array', 'null'],
            items: { type: 'number' },
            minItems: 4,
            maxItems: 4,
            description: 'west, south, east, north of the member councils, in WGS84 degrees',
          },
        },
      },
      BoundaryCollection: featureCollection(
        'The GSS code',
        {
          type: 'object',
          required: ['gss', 'name', 'tier'],
          properties: { gss: { type: 'string' }, name: { type: 'string' }, tier: { type: 'string', enum: ['county', 'district', 'unitary'] } },
        },
        { type: 'object', description: 'A GeoJSON Polygon or MultiPolygon', required: ['type', 'coordinates'], properties: { type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] } } },
      ),
      RequestCollection: featureCollection(
        'The reference',
        {
          type: 'object',
          required: ['reference', 'serviceCode', 'typeName', 'status', 'statusText', 'createdOn', 'trackUrl'],
          properties: {
            reference: { type: 'string', examples: ['DBY-2026-000123'] },
            serviceCode: { type: 'string', examples: ['pothole'] },
            typeName: { type: 'string', examples: ['Pothole'] },
            status: { type: 'string', enum: ['open', 'acknowledged', 'in_progress'] },
            statusText: { type: 'string', examples: ['In progress'] },
            createdOn: { type: 'string', format: 'date', description: 'The day it was reported, in England' },
            trackUrl: { type: 'string', description: 'Its public tracking page: status and public updates', examples: ['/track/DBY-2026-000123'] },
          },
        },
        {
          type: 'object',
          required: ['type', 'coordinates'],
          properties: { type: { const: 'Point' }, coordinates: { type: 'array', items: { type: 'number' }, description: '[longitude, latitude], 4 decimal places' } },
        },
      ),
      Health: {
        type: 'object',
        required: ['status', 'database'],
        properties: { status: { type: 'string', enum: ['ok', 'error'] }, database: { type: 'string', enum: ['ok', 'unreachable'] } },
      },
      Errors: {
        type: 'object',
        required: ['errors'],
        properties: {
          errors: {
            type: 'array',
            items: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
  },
} as const;
