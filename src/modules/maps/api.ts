import type { FastifyInstance } from 'fastify';
import { apiError } from '../../web/api-errors.js';
import { mapsPaths } from './paths.js';
import { requestsApiQuerySchema } from './schemas.js';
import type { MapsService } from './service.js';

const geoJson = 'application/geo+json; charset=utf-8';

/** The maps' data as GeoJSON: for the maps' own scripts, and for anyone who wants to reuse it. */
export function registerMapsApi(app: FastifyInstance, maps: MapsService): void {
  app.get(mapsPaths.api.settings, async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').send(await maps.settings()));

  app.get(mapsPaths.api.boundaries, async (_request, reply) =>
    reply.type(geoJson).header('cache-control', 'public, max-age=3600').send(await maps.boundaries()),
  );

  app.get(mapsPaths.api.requests, async (request, reply) => {
    const query = requestsApiQuerySchema.safeParse(request.query);
    if (!query.success) {
      const issue = query.error.issues[0];
      const field = String(issue.path[0]);
      return reply.code(400).send(apiError(`invalid_${field}`, issue.message));
    }
    const filters = await maps.filtersFor(query.data);
    if (!filters) return reply.code(400).send(apiError('unknown_service_code', `No kind of request shown on the map has the code "${query.data.service_code}".`));
    return reply.type(geoJson).header('cache-control', 'public, max-age=60').send(await maps.requestPoints(filters));
  });
}
