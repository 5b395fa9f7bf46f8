import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponse, jsonResponse } from '../../api/schemas.js';
import { apiError, firstProblem } from '../../web/api-errors.js';
import { pointQuerySchema } from '../places/schemas.js';
import type { PlacesService, Place } from '../places/service.js';
import { directoryPaths } from './paths.js';
import { providerJson, serviceJson } from './presenters.js';
import {
  lgslParamSchema,
  providerQuerySchema,
  serviceProviderSchema,
  serviceSchema,
  type ProviderQuery,
} from './schemas.js';
import type { DirectoryService } from './service.js';

/** Finds the place a provider question is about, or sends the error that says why it cannot. */
async function placeFromQuery(
  query: ProviderQuery,
  places: PlacesService,
  reply: FastifyReply,
): Promise<Place | undefined> {
  if (query.postcode !== undefined) {
    const lookup = await places.findByPostcode(query.postcode);
    if (lookup.outcome === 'found') return lookup.place;
    if (lookup.outcome === 'malformed')
      reply.code(400).send(apiError('invalid_postcode', 'This is not a valid UK postcode.'));
    else if (lookup.outcome === 'unknown')
      reply.code(404).send(apiError('postcode_not_found', `We do not know the postcode ${lookup.postcode}.`));
    else reply.code(404).send(apiError('outside_england', `${lookup.postcode} is not in England.`));
    return undefined;
  }
  if (query.lat === undefined && query.lng === undefined) {
    reply.code(400).send(apiError('location_required', 'Give a postcode, or lat and lng.'));
    return undefined;
  }
  const point = pointQuerySchema.safeParse(query);
  if (!point.success) {
    reply.code(400).send(apiError('invalid_point', point.error.issues[0].message));
    return undefined;
  }
  const lookup = await places.findByPoint(point.data.lat, point.data.lng);
  if (lookup.outcome === 'found') return lookup.place;
  reply.code(404).send(apiError('outside_england', 'This point is not inside any council area in England.'));
  return undefined;
}

export function registerDirectoryApi(app: FastifyInstance, directory: DirectoryService, places: PlacesService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    directoryPaths.api.services,
    {
      schema: {
        operationId: 'listServices',
        summary: 'Every service of the Local Government Service List, with the tier that provides it',
        tags: ['services'],
        response: { 200: jsonResponse('The services, by name', z.array(serviceSchema)) },
      },
    },
    async () => {
      const services = await directory.listServices();
      return services.map(serviceJson);
    },
  );

  api.get(
    directoryPaths.api.provider.pattern,
    {
      schema: {
        operationId: 'getServiceProvider',
        summary: 'Which council provides a service at a postcode or a point',
        description:
          'Give either `postcode`, or `lat` and `lng`. For a service of tier "all", the district (or unitary) council answers.',
        tags: ['services'],
        params: lgslParamSchema,
        querystring: providerQuerySchema,
        response: {
          200: jsonResponse('The provider', serviceProviderSchema),
          400: errorResponse(
            'Bad LGSL code (invalid_lgsl), no location (location_required), bad postcode (invalid_postcode) or point (invalid_point)',
          ),
          404: errorResponse(
            'Unknown service (service_not_found), unknown postcode (postcode_not_found), or outside England (outside_england)',
          ),
        },
      },
      // A request the schemas refuse reaches the handler, which answers it in the API's own words and
      // order: the LGSL code first, then whether the service exists, then the place.
      attachValidation: true,
    },
    async (request, reply) => {
      const invalid = request.validationError;
      if (invalid?.validationContext === 'params')
        return reply.code(400).send(apiError('invalid_lgsl', firstProblem(invalid).message));
      const service = await directory.findByLgsl(request.params.lgsl);
      if (!service)
        return reply
          .code(404)
          .send(apiError('service_not_found', `There is no service with LGSL code ${request.params.lgsl}.`));
      // Only a parameter given twice gets here (each is any string): say which.
      if (invalid) {
        const { field, message } = firstProblem(invalid);
        return reply
          .code(400)
          .send(
            field === 'postcode'
              ? apiError('invalid_postcode', 'This is not a valid UK postcode.')
              : apiError('invalid_point', message),
          );
      }

      const place = await placeFromQuery(request.query, places, reply);
      if (!place) return reply;
      return providerJson(await directory.providerAt(service, place));
    },
  );
}
