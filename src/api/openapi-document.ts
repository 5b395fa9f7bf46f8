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
      'Which council serves a place, and which council provides a service there. A postcode is answered from the postcode table; a point by the council boundaries of England.',
    license: { name: 'MIT', identifier: 'MIT' },
  },
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
