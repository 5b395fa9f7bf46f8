import type { FastifyInstance } from 'fastify';
import { fieldError, formErrorsFrom } from '../../web/form-errors.js';
import { echoed } from '../../web/rendering.js';
import { postcodeFormSchema, unknownPostcodeMessage } from '../places/schemas.js';
import type { PlacesService } from '../places/service.js';
import { directoryPaths } from './paths.js';
import { aToZQuerySchema } from './schemas.js';
import { describeTier, type DirectoryService } from './service.js';

/** These pages show reference data only: the same to every visitor who is not signed in. */
const shared = { config: { sharedPage: true } };

export function registerDirectoryRoutes(
  app: FastifyInstance,
  directory: DirectoryService,
  places: PlacesService,
): void {
  app.get(directoryPaths.home, shared, async (_request, reply) => reply.render('directory/views/home.njk'));

  app.get(directoryPaths.aboutTheData, shared, async (_request, reply) =>
    reply.render('directory/views/about-the-data.njk'),
  );

  app.get(directoryPaths.services, shared, async (request, reply) => {
    const context = { currentSection: 'services', paths: directoryPaths };
    const query = aToZQuerySchema.safeParse(request.query);
    if (!query.success) {
      return reply
        .code(400)
        .render('directory/views/a-to-z.njk', { ...context, groups: [], errors: formErrorsFrom(query.error) });
    }
    const includeRetired = query.data.all === 'yes';
    const groups = await directory.aToZ(query.data.q, includeRetired);
    const total = groups.reduce((sum, group) => sum + group.services.length, 0);
    return reply.render('directory/views/a-to-z.njk', {
      ...context,
      groups,
      total,
      search: query.data.q,
      includeRetired,
    });
  });

  app.get<{ Params: { slug: string }; Querystring: { postcode?: string } }>(
    directoryPaths.service.pattern,
    shared,
    async (request, reply) => {
      const service = await directory.findBySlug(request.params.slug);
      if (!service) return reply.callNotFound();

      const template = 'directory/views/service.njk';
      const context = {
        currentSection: 'services',
        paths: directoryPaths,
        service,
        tierExplained: describeTier(service.tier),
        postcode: request.query.postcode,
        backLink: directoryPaths.services,
      };
      if (request.query.postcode === undefined) return reply.render(template, context);

      const form = postcodeFormSchema.safeParse(request.query);
      if (!form.success) return reply.code(400).render(template, { ...context, errors: formErrorsFrom(form.error) });
      const lookup = await places.findByPostcode(form.data.postcode);
      if (lookup.outcome !== 'found') {
        return reply
          .code(404)
          .render(template, { ...context, errors: fieldError('postcode', unknownPostcodeMessage(form.data.postcode)) });
      }
      const answer = await directory.providerAt(service, lookup.place);
      // The answer's page names the postcode and otherwise depends only on the council that provides the
      // service and its link: one shared page per council, not a fresh render for every postcode.
      const { provider, url, isServicePage } = answer;
      const sharedAs = {
        key: JSON.stringify([
          'service answer',
          service.slug,
          provider.id,
          provider.name,
          provider.inPartnership,
          url,
          isServicePage,
        ]),
        echoes: { postcode: lookup.place.postcode },
      };
      const page = {
        ...context,
        postcode: undefined,
        answer: { ...answer, place: { ...answer.place, postcode: echoed('postcode') } },
      };
      return reply.render(template, page, sharedAs);
    },
  );
}
