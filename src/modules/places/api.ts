import type { FastifyInstance } from 'fastify';
import { apiError } from '../../web/api-errors.js';
import { placesPaths } from './paths.js';
import { placeJson } from './presenters.js';
import { pointQuerySchema } from './schemas.js';
import type { PlacesService } from './service.js';

export function registerPlacesApi(app: FastifyInstance, places: PlacesService): void {
  app.get<{ Params: { postcode: string } }>(placesPaths.api.postcode, async (request, reply) => {
    const lookup = await places.findByPostcode(request.params.postcode);
    switch (lookup.outcome) {
      case 'malformed':
        return reply.code(400).send(apiError('invalid_postcode', 'This is not a valid UK postcode.'));
      case 'unknown':
        return reply.code(404).send(apiError('postcode_not_found', `We do not know the postcode ${lookup.postcode}.`));
      case 'outside-england':
        return reply.code(404).send(apiError('outside_england', `${lookup.postcode} is not in England.`));
      case 'found':
        return placeJson(lookup.place);
    }
  });

  app.get(placesPaths.api.point, async (request, reply) => {
    const query = pointQuerySchema.safeParse(request.query);
    if (!query.success) {
      const issue = query.error.issues[0];
      return reply.code(400).send(apiError('invalid_point', issue.message));
    }
    const lookup = await places.findByPoint(query.data.lat, query.data.lng);
    if (lookup.outcome === 'outside-england') {
      return reply.code(404).send(apiError('outside_england', 'This point is not inside any council area in England.'));
    }
    return placeJson(lookup.place);
  });
}
