import type { FastifyInstance } from 'fastify';
import { formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import type { Actor } from '../../../shared/actor.js';
import { staffOnly } from '../../identity/guards.js';
import { parseIdParam } from '../../identity/schemas.js';
import { registerCatalogueQuestionRoutes } from './admin-question-routes.js';
import { createCatalogueAdminRepository } from './admin-repository.js';
import { NEW_KIND, newTypeSchema, organisationQuerySchema, tierNames, typeDetailsSchema } from './admin-schemas.js';
import { attempt, catalogueAdminPaths, catalogueViews } from './admin-forms.js';
import {
  createCatalogueAdminService,
  type CatalogueAdminDependencies,
  type CatalogueAdminService,
} from './admin-service.js';
import { registerCatalogueTeamRoutes } from './admin-team-routes.js';
import type { RequestType } from './repository.js';

const paths = catalogueAdminPaths;

/** A request type's form as it first appears: checkboxes ticked as the type is. */
function typeValues(type: RequestType): Record<string, unknown> {
  const tick = (value: boolean) => (value ? 'yes' : '');
  return {
    name: type.name,
    lgsl: type.lgsl ?? '',
    group: type.group,
    description: type.description,
    hint: type.hint,
    keywords: type.keywords,
    slaWorkingDays: type.slaWorkingDays,
    teamId: type.teamId,
    publicOnMap: tick(type.publicOnMap),
    allowsAnonymous: tick(type.allowsAnonymous),
    active: tick(type.active),
  };
}

/** The administrators' pages for the request-type catalogue, its questions and teams. */
export function registerCatalogueAdminRoutes(
  app: FastifyInstance,
  deps: Omit<CatalogueAdminDependencies, 'repository'>,
): void {
  const admin = createCatalogueAdminService({ ...deps, repository: createCatalogueAdminRepository(deps.db) });
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);
    registerRequestTypeRoutes(scope, admin);
    registerCatalogueQuestionRoutes(scope, admin);
    registerCatalogueTeamRoutes(scope, admin);
  });
}

function registerRequestTypeRoutes(scope: FastifyInstance, admin: CatalogueAdminService): void {
  const common = { paths, tierNames, currentSection: 'staff' };

  scope.get<{ Querystring: Record<string, unknown> }>(paths.list, async (request, reply) => {
    const { organisation: requested } = organisationQuerySchema.parse(request.query);
    const organisation = await admin.chooseOrganisation(request.actor, requested);
    const groups = await admin.typesOf(request.actor, organisation.id);
    const savedId = Number(request.query.saved);
    const saved = groups.flatMap((group) => group.types).find((type) => type.id === savedId);
    return reply.render(`${catalogueViews}/request-types.njk`, {
      ...common,
      organisation,
      organisations: await admin.organisationsFor(request.actor),
      groups,
      saved,
      backLink: '/staff',
    });
  });

  async function newTypeContext(actor: Actor, organisationId: number | undefined) {
    const organisation = await admin.chooseOrganisation(actor, organisationId);
    const [teams, kinds] = await Promise.all([
      admin.teamsOf(actor, organisation.id),
      admin.kindsToJoin(actor, organisation.id),
    ]);
    return {
      ...common,
      organisation,
      teams,
      kinds,
      newKind: NEW_KIND,
      backLink: `${paths.list}?organisation=${organisation.id}`,
    };
  }

  scope.get<{ Querystring: Record<string, unknown> }>(paths.newType, async (request, reply) => {
    const { organisation: requested } = organisationQuerySchema.parse(request.query);
    const context = await newTypeContext(request.actor, requested);
    const values = {
      organisationId: context.organisation.id,
      publicOnMap: 'yes',
      active: 'yes',
      codeChoice: context.kinds.length === 0 ? NEW_KIND : undefined,
    };
    return reply.render(`${catalogueViews}/request-type-new.njk`, { ...context, values });
  });

  scope.post<{ Body: Record<string, unknown> }>(paths.newType, async (request, reply) => {
    const { organisation: requested } = organisationQuerySchema.parse({ organisation: request.body.organisationId });
    const context = await newTypeContext(request.actor, requested);
    const form = newTypeSchema.safeParse({ ...request.body, organisationId: String(context.organisation.id) });
    let errors: FormErrors | null;
    let id = 0;
    if (!form.success) errors = formErrorsFrom(form.error);
    else {
      // A code already taken was either chosen from the list or typed as a new one: the message goes beside whichever.
      const codeField = request.body.codeChoice === NEW_KIND ? 'newServiceCode' : 'codeChoice';
      errors = await attempt(async () => (id = await admin.createType(request.actor, form.data)), {
        serviceCode: codeField,
      });
    }
    if (errors)
      return reply
        .code(400)
        .render(`${catalogueViews}/request-type-new.njk`, { ...context, values: request.body, errors });
    return reply.redirect(`${paths.type({ id })}?created`, 303);
  });

  async function typeContext(actor: Actor, id: number) {
    const type = await admin.findType(actor, id);
    const [teams, { questions }] = await Promise.all([
      admin.teamsOf(actor, type.organisationId),
      admin.questionsOf(actor, id),
    ]);
    return {
      ...common,
      type,
      teams,
      questionCount: questions.length,
      backLink: `${paths.list}?organisation=${type.organisationId}`,
    };
  }

  scope.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    paths.type.pattern,
    async (request, reply) => {
      const context = await typeContext(request.actor, parseIdParam(request.params));
      return reply.render(`${catalogueViews}/request-type.njk`, {
        ...context,
        values: typeValues(context.type),
        notice: 'created' in request.query ? 'created' : undefined,
      });
    },
  );

  scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(paths.type.pattern, async (request, reply) => {
    const id = parseIdParam(request.params);
    const context = await typeContext(request.actor, id);
    const form = typeDetailsSchema.safeParse(request.body);
    const errors = form.success
      ? await attempt(() => admin.updateType(request.actor, id, form.data))
      : formErrorsFrom(form.error);
    if (errors)
      return reply.code(400).render(`${catalogueViews}/request-type.njk`, { ...context, values: request.body, errors });
    return reply.redirect(`${paths.list}?organisation=${context.type.organisationId}&saved=${id}`, 303);
  });
}
