import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponse, geoJsonResponse, jsonResponse } from '../../api/schemas.js';
import { apiError, firstProblem } from '../../web/api-errors.js';
import { mapsPaths } from './paths.js';
import {
  boundaryCollectionSchema,
  mapSettingsSchema,
  requestCollectionSchema,
  requestsApiQuerySchema,
} from './schemas.js';
import type { MapsService } from './service.js';

const geoJson = 'application/geo+json; charset=utf-8';

/** The maps' data as GeoJSON: for the maps' own scripts, and for anyone who wants to reuse it. */
export function registerMapsApi(app: FastifyInstance, maps: MapsService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    mapsPaths.api.settings,
    {
      schema: {
        operationId: 'getMapSettings',
        summary:
          'What a map of the partnership needs: the tile server, if one is configured, and the extent of its councils',
        tags: ['maps'],
        response: { 200: jsonResponse('The settings', mapSettingsSchema) },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').send(await maps.settings()),
  );

  api.get(
    mapsPaths.api.boundaries,
    {
      schema: {
        operationId: 'getMapBoundaries',
        summary: "The partnership's member councils' areas, as GeoJSON",
        description:
          'Each member council once: districts and unitaries by their lower-tier area, counties by their upper-tier area. Simplified for drawing (to about 20 m) and rounded to 5 decimal places.',
        tags: ['maps'],
        response: { 200: geoJsonResponse('A GeoJSON FeatureCollection', boundaryCollectionSchema) },
      },
    },
    async (_request, reply) =>
      reply
        .type(geoJson)
        .header('cache-control', 'public, max-age=3600')
        .send(await maps.boundaries()),
  );

  api.get(
    mapsPaths.api.requests,
    {
      schema: {
        operationId: 'listMapRequests',
        summary: 'Public requests still being dealt with, as GeoJSON points',
        description:
          'Only requests marked public, of member councils, with status open, acknowledged or in progress; newest first, at most 5,000. No personal data: each point has its reference, type, status and the day it was reported, placed to 4 decimal places (about 10 m).',
        tags: ['maps'],
        querystring: requestsApiQuerySchema,
        response: {
          200: geoJsonResponse('A GeoJSON FeatureCollection of points', requestCollectionSchema),
          400: errorResponse(
            'A bad filter: invalid_service_code, unknown_service_code (not a kind the map shows), invalid_status or invalid_bbox',
          ),
        },
      },
      // A filter the schema refuses reaches the handler, which names it in the code: invalid_status, …
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError) {
        const { field, message } = firstProblem(request.validationError);
        return reply.code(400).send(apiError(`invalid_${field}`, message));
      }
      const filters = await maps.filtersFor(request.query);
      if (!filters)
        return reply
          .code(400)
          .send(
            apiError(
              'unknown_service_code',
              `No kind of request shown on the map has the code "${request.query.service_code}".`,
            ),
          );
      return reply
        .type(geoJson)
        .header('cache-control', 'public, max-age=60')
        .send(await maps.requestPoints(filters));
    },
  );
}
