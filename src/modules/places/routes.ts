import type { FastifyInstance } from 'fastify';
import { fieldError, formErrorsFrom } from '../../web/form-errors.js';
import { placesPaths } from './paths.js';
import { postcodeFormSchema, unknownPostcodeMessage } from './schemas.js';
import type { PlacesService } from './service.js';

const template = 'places/views/find-your-council.njk';

export function registerPlacesRoutes(app: FastifyInstance, places: PlacesService): void {
  // Reference data only: the same page for every visitor who is not signed in.
  app.get<{ Querystring: { postcode?: string } }>(
    placesPaths.findYourCouncil,
    { config: { sharedPage: true } },
    async (request, reply) => {
      const context = { currentSection: 'find-your-council', postcode: request.query.postcode };
      if (request.query.postcode === undefined) return reply.render(template, context);

      const form = postcodeFormSchema.safeParse(request.query);
      if (!form.success) return reply.code(400).render(template, { ...context, errors: formErrorsFrom(form.error) });

      const lookup = await places.findByPostcode(form.data.postcode);
      if (lookup.outcome !== 'found') {
        return reply
          .code(404)
          .render(template, { ...context, errors: fieldError('postcode', unknownPostcodeMessage(form.data.postcode)) });
      }
      return reply.render(template, { ...context, place: lookup.place });
    },
  );
}
