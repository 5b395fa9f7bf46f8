import type { FastifyInstance } from 'fastify';
import { formErrorsFrom, fieldError } from '../../web/form-errors.js';
import { staffOnly } from '../identity/guards.js';
import { hasCapability, requireCapability } from '../identity/policy.js';
import { preferredChannels } from '../../db/schema.js';
import { peoplePaths as paths } from './paths.js';
import { readPersonQuery } from './person-search.js';
import { MergeRuleError, SEARCH_SHOWN, type PersonService } from './person-service.js';
import type { PersonRow } from './person-repository.js';
import { detailsSchema, mergeChoiceSchema, parsePersonId, preferredChannelNames, searchSchema } from './schemas.js';

const views = 'people/views';
type Params = { Params: { id: string; otherId?: string } };
type Form = { Body: Record<string, unknown> };
type Search = { Querystring: Record<string, unknown> };

const common = { paths, preferredChannelNames, currentSection: 'people', searchShown: SEARCH_SHOWN };

/** The edit form as it first appears: the record's own details. */
function detailsValues(person: PersonRow) {
  return {
    name: person.name,
    email: person.email ?? '',
    phone: person.phone ?? '',
    address: person.address,
    postcode: person.postcode ?? '',
    preferredChannel: person.preferred_channel ?? '',
    needs: person.needs,
  };
}

/** The customer view's pages: find a person, see their history across partners, correct and merge records. */
export function registerPeopleRoutes(app: FastifyInstance, people: PersonService): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.get<Search>(paths.search, async (request, reply) => {
      requireCapability(request.actor, 'people.find');
      const form = searchSchema.safeParse(request.query ?? {});
      if (!form.success)
        return reply
          .code(400)
          .render(`${views}/search.njk`, { ...common, values: request.query, errors: formErrorsFrom(form.error) });
      const q = form.data.q;
      const query = q ? readPersonQuery(q) : null;
      const found = query ? await people.search(request.actor, query, request.ip) : null;
      return reply.render(`${views}/search.njk`, { ...common, values: { q }, query, found, backLink: '/staff' });
    });

    scope.get<Params>(paths.person.pattern, async (request, reply) => {
      const id = parsePersonId(request.params.id);
      const shown = await people.view(request.actor, id, request.ip);
      if ('mergedInto' in shown) return reply.redirect(paths.person({ id: shown.mergedInto! }), 303);
      return reply.render(`${views}/person.njk`, {
        ...common,
        ...shown,
        notice: Object.keys((request.query as object) ?? {})[0],
        mayMerge: hasCapability(request.actor, 'people.merge'),
        backLink: paths.search,
      });
    });

    scope.get<Params>(paths.edit.pattern, async (request, reply) => {
      const id = parsePersonId(request.params.id);
      const shown = await people.view(request.actor, id, request.ip);
      if ('mergedInto' in shown) return reply.redirect(paths.edit({ id: shown.mergedInto! }), 303);
      return reply.render(`${views}/edit.njk`, {
        ...common,
        person: shown.person,
        values: detailsValues(shown.person),
        channels: preferredChannels,
        backLink: paths.person({ id }),
      });
    });

    scope.post<Params & Form>(paths.edit.pattern, async (request, reply) => {
      const id = parsePersonId(request.params.id);
      const form = detailsSchema.safeParse(request.body ?? {});
      if (!form.success) {
        const shown = await people.view(request.actor, id, request.ip);
        if ('mergedInto' in shown) return reply.redirect(paths.edit({ id: shown.mergedInto! }), 303);
        return reply.code(400).render(`${views}/edit.njk`, {
          ...common,
          person: shown.person,
          values: request.body,
          channels: preferredChannels,
          errors: formErrorsFrom(form.error),
          backLink: paths.person({ id }),
        });
      }
      await people.update(request.actor, id, form.data, request.ip);
      return reply.redirect(`${paths.person({ id })}?updated`, 303);
    });

    // Merging: find the other record (the same search), choose it, then confirm on a page showing both.
    scope.get<Params & Search>(paths.merge.pattern, async (request, reply) => {
      const id = parsePersonId(request.params.id);
      const shown = await people.viewForMerge(request.actor, id, request.ip);
      if ('mergedInto' in shown) return reply.redirect(paths.merge({ id: shown.mergedInto! }), 303);
      const form = searchSchema.safeParse(request.query ?? {});
      const q = form.success ? form.data.q : '';
      const found = q
        ? (await people.search(request.actor, readPersonQuery(q), request.ip)).filter(
            (result) => result.person.id !== id,
          )
        : null;
      return reply.code(form.success ? 200 : 400).render(`${views}/merge-find.njk`, {
        ...common,
        person: shown.person,
        values: { q },
        found,
        errors: form.success ? undefined : formErrorsFrom(form.error),
        backLink: paths.person({ id }),
      });
    });

    scope.post<Params & Form>(paths.merge.pattern, async (request, reply) => {
      const id = parsePersonId(request.params.id);
      const choice = mergeChoiceSchema.safeParse(request.body ?? {});
      if (!choice.success) {
        const shown = await people.viewForMerge(request.actor, id, request.ip);
        if ('mergedInto' in shown) return reply.redirect(paths.merge({ id: shown.mergedInto! }), 303);
        return reply.code(400).render(`${views}/merge-find.njk`, {
          ...common,
          person: shown.person,
          values: { q: '' },
          found: null,
          errors: fieldError('otherId', 'Search for the other record, then select it', 'q'),
          backLink: paths.person({ id }),
        });
      }
      return reply.redirect(paths.mergeWith({ id, otherId: choice.data.otherId }), 303);
    });

    scope.get<Params>(paths.mergeWith.pattern, async (request, reply) => {
      const id = parsePersonId(request.params.id);
      const otherId = parsePersonId(request.params.otherId);
      const { keep, other } = await people.mergeCandidates(request.actor, id, otherId);
      return reply.render(`${views}/merge-confirm.njk`, { ...common, keep, other, backLink: paths.merge({ id }) });
    });

    scope.post<Params>(paths.mergeWith.pattern, async (request, reply) => {
      const id = parsePersonId(request.params.id);
      const otherId = parsePersonId(request.params.otherId);
      try {
        await people.merge(request.actor, id, otherId, request.ip);
      } catch (error) {
        if (!(error instanceof MergeRuleError)) throw error;
        const { keep, other } = await people.mergeCandidates(request.actor, id, otherId);
        return reply.code(409).render(`${views}/merge-confirm.njk`, {
          ...common,
          keep,
          other,
          errors: fieldError('confirm', error.message),
          backLink: paths.merge({ id }),
        });
      }
      return reply.redirect(`${paths.person({ id })}?merged`, 303);
    });
  });
}
