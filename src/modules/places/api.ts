import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponse, jsonResponse } from '../../api/schemas.js';
import { apiError, firstProblem } from '../../web/api-errors.js';
import { placesPaths } from './paths.js';
import { placeJson, postcodePlaceJson } from './presenters.js';
import { placeSchema, pointQuerySchema, postcodeParamsSchema, postcodePlaceSchema } from './schemas.js';
import type { PlacesService } from './service.js';

export function registerPlacesApi(app: FastifyInstance, places: PlacesService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    placesPaths.api.postcode.pattern,
    {
      schema: {
        operationId: 'getPlaceByPostcode',
        summary: 'The councils that serve a postcode',
        tags: ['places'],
        params: postcodeParamsSchema,
        response: {
          200: jsonResponse('The place', postcodePlaceSchema),
          400: errorResponse('Not shaped like a UK postcode (code invalid_postcode)'),
          404: errorResponse(
            'A well-formed postcode we do not know (postcode_not_found), or not in England (outside_england)',
          ),
        },
      },
    },
    async (request, reply) => {
      const lookup = await places.findByPostcode(request.params.postcode);
      switch (lookup.outcome) {
        case 'malformed':
          return reply.code(400).send(apiError('invalid_postcode', 'This is not a valid UK postcode.'));
        case 'unknown':
          return reply
            .code(404)
            .send(apiError('postcode_not_found', `We do not know the postcode ${lookup.postcode}.`));
        case 'outside-england':
          return reply.code(404).send(apiError('outside_england', `${lookup.postcode} is not in England.`));
        case 'found':
          return postcodePlaceJson(lookup.place);
      }
    },
  );

  api.get(
    placesPaths.api.point,
    {
      schema: {
        operationId: 'getPlaceByPoint',
        summary: 'The councils that serve a point on the map',
        tags: ['places'],
        querystring: pointQuerySchema,
        response: {
          200: jsonResponse('The place', placeSchema),
          400: errorResponse('lat or lng missing, not a number or out of range (invalid_point)'),
          404: errorResponse('The point is not inside any council area of England (outside_england)'),
        },
      },
      // A query the schema refuses reaches the handler, which answers it in the API's own words.
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError)
        return reply.code(400).send(apiError('invalid_point', firstProblem(request.validationError).message));
      const lookup = await places.findByPoint(request.query.lat, request.query.lng);
      if (lookup.outcome === 'outside-england') {
        return reply
          .code(404)
          .send(apiError('outside_england', 'This point is not inside any council area in England.'));
      }
      return placeJson(lookup.place);
    },
  );
}
