import type { FastifyInstance } from 'fastify';
import { fieldError, formErrorsFrom, type FormErrors } from '../../web/form-errors.js';
import type { Actor } from '../../shared/actor.js';
import { staffOnly } from './guards.js';
import { parseIdParam } from './schemas.js';
import { singleSignOnPaths as paths } from './single-sign-on.js';
import { providerSettingsSchema } from './single-sign-on-schemas.js';
import type { SaveResult, SingleSignOnSettings } from './single-sign-on-settings.js';

const views = 'identity/views/single-sign-on';

const saveErrors: Record<Exclude<SaveResult['outcome'], 'saved'>, FormErrors> = {
  'secret-missing': fieldError('clientSecret', 'Enter the client secret'),
  'provider-unusable': fieldError(
    'issuerUrl',
    'We could not use an OpenID Connect provider at this issuer URL. Check it, or save with single sign-on switched off',
  ),
};

/** Partnership administrators' pages for each organisation's OpenID Connect provider. */
export function registerSingleSignOnSettingsRoutes(app: FastifyInstance, settings: SingleSignOnSettings): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.get(paths.settingsList, async (request, reply) => {
      const organisations = await settings.listOrganisations(request.actor);
      return reply.render(`${views}/settings-list.njk`, {
        organisations,
        settingsPath: paths.settings,
        currentSection: 'staff',
      });
    });

    const renderForm = async (actor: Actor, organisationId: number, context: Record<string, unknown>) => {
      const { organisation, settings: saved } = await settings.get(actor, organisationId);
      return {
        organisation,
        saved,
        values: saved
          ? { issuerUrl: saved.issuerUrl, clientId: saved.clientId, enabled: saved.enabled }
          : { enabled: true },
        redirectUri: settings.redirectUri,
        formAction: paths.settings({ id: organisationId }),
        backLink: paths.settingsList,
        ...context,
      };
    };

    scope.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
      paths.settings.pattern,
      async (request, reply) => {
        const id = parseIdParam(request.params);
        return reply.render(
          `${views}/settings.njk`,
          await renderForm(request.actor, id, { notice: 'saved' in request.query ? 'saved' : undefined }),
        );
      },
    );

    scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
      paths.settings.pattern,
      async (request, reply) => {
        const id = parseIdParam(request.params);
        // What was typed comes back, except the secret: it is never written into a page.
        const typed = {
          issuerUrl: request.body.issuerUrl,
          clientId: request.body.clientId,
          enabled: request.body.enabled !== undefined,
        };
        const form = providerSettingsSchema.safeParse(request.body);
        if (!form.success) {
          return reply
            .code(400)
            .render(
              `${views}/settings.njk`,
              await renderForm(request.actor, id, { values: typed, errors: formErrorsFrom(form.error) }),
            );
        }
        const result = await settings.save(request.actor, id, form.data);
        if (result.outcome !== 'saved') {
          return reply
            .code(400)
            .render(
              `${views}/settings.njk`,
              await renderForm(request.actor, id, { values: typed, errors: saveErrors[result.outcome] }),
            );
        }
        return reply.redirect(`${paths.settings({ id })}?saved`, 303);
      },
    );
  });
}
