import type { FastifyInstance } from 'fastify';
import { formErrorsFrom } from '../../../web/form-errors.js';
import type { Actor } from '../../../shared/actor.js';
import { staffOnly } from '../../identity/guards.js';
import { parseIdParam } from '../../identity/schemas.js';
import type { ApiKeyService } from './keys.js';
import { apiKeyFormSchema } from './schemas.js';
import { casePaths } from '../paths.js';

const paths = casePaths.staff;
const views = 'cases/views/api-keys';

/** /staff/api-keys: partnership administrators list Open311 clients, issue a key (shown once) and revoke one. */
export function registerApiKeyRoutes(app: FastifyInstance, keys: ApiKeyService): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.get<{ Querystring: Record<string, string> }>(paths.apiKeys, async (request, reply) => {
      const clients = await keys.list(request.actor);
      const revokedId = Number(request.query.revoked);
      const revoked = Number.isInteger(revokedId) ? clients.find((client) => client.id === revokedId) : undefined;
      return reply.render(`${views}/list.njk`, { clients, revoked, paths, currentSection: 'staff' });
    });

    const renderNew = async (actor: Actor, context: Record<string, unknown>) => ({
      organisations: await keys.organisationOptions(actor),
      backLink: paths.apiKeys,
      paths,
      ...context,
    });

    scope.get(paths.newApiKey, async (request, reply) =>
      reply.render(`${views}/new.njk`, await renderNew(request.actor, { values: {} })),
    );

    scope.post<{ Body: Record<string, unknown> }>(paths.newApiKey, async (request, reply) => {
      const form = apiKeyFormSchema.safeParse(request.body);
      if (!form.success) {
        return reply.code(400).render(
          `${views}/new.njk`,
          await renderNew(request.actor, {
            values: request.body,
            errors: formErrorsFrom(form.error, { organisationId: 'organisationId' }),
          }),
        );
      }
      const { key } = await keys.issue(request.actor, form.data);
      // The key is shown on this one page and kept nowhere: no cache may keep the page either.
      reply.header('cache-control', 'no-store');
      return reply
        .code(201)
        .render(`${views}/issued.njk`, { name: form.data.name, key, open311: casePaths.open311, paths });
    });

    scope.get<{ Params: { id: string } }>(paths.revokeApiKey.pattern, async (request, reply) => {
      const client = await keys.find(request.actor, parseIdParam(request.params));
      return reply.render(`${views}/revoke.njk`, { client, backLink: paths.apiKeys, paths });
    });

    scope.post<{ Params: { id: string } }>(paths.revokeApiKey.pattern, async (request, reply) => {
      const id = parseIdParam(request.params);
      await keys.revoke(request.actor, id);
      return reply.redirect(`${paths.apiKeys}?revoked=${id}`, 303);
    });
  });
}
