import type { FastifyInstance, FastifyReply } from 'fastify';
import { apiError } from '../../web/api-errors.js';
import { pointQuerySchema } from '../places/schemas.js';
import type { PlacesService, Place } from '../places/service.js';
import { directoryPaths } from './paths.js';
import { providerJson, serviceJson } from './presenters.js';
import { lgslParamSchema } from './schemas.js';
import type { DirectoryService } from './service.js';

interface LocationQuery {
  postcode?: string;
  lat?: string;
  lng?: string;
}

/** Finds the place a provider question is about, or sends the error that says why it cannot. */
async function placeFromQuery(query: LocationQuery, places: PlacesService, reply: FastifyReply): Promise<Place | undefined> {
  if (query.postcode !== undefined) {
    const lookup = await places.findByPostcode(query.postcode);
    if (lookup.outcome === 'found') return lookup.place;
    if (lookup.outcome === 'malformed') reply.code(400).send(apiError('invalid_postcode', 'This is not a valid UK postcode.'));
    else if (lookup.outcome === 'unknown') reply.code(404).send(apiError('postcode_not_found', `We do not know the postcode ${lookup.postcode}.`));
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
  app.get(directoryPaths.api.services, async () => {
    const services = await directory.listServices();
    return services.map(serviceJson);
  });

  app.get<{ Params: { lgsl: string }; Querystring: LocationQuery }>(directoryPaths.api.provider, async (request, reply) => {
    const params = lgslParamSchema.safeParse(request.params);
    if (!params.success) return reply.code(400).send(apiError('invalid_lgsl', params.error.issues[0].message));
    const service = await directory.findByLgsl(params.data.lgsl);
    if (!service) return reply.code(404).send(apiError('service_not_found', `There is no service with LGSL code ${params.data.lgsl}.`));

    const place = await placeFromQuery(request.query, places, reply);
    if (!place) return reply;
    return providerJson(await directory.providerAt(service, place));
  });
}
