import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { OrganisationType } from '../../db/schema.js';
import { fieldError, formErrorsFrom, type FormErrors } from '../../web/form-errors.js';
import { parseIdParam } from '../identity/schemas.js';
import type { OrganisationService } from './organisation-service.js';
import { partnershipPaths as paths } from './paths.js';
import { PartnershipRuleError } from './rules.js';
import { organisationSchema, organisationTypeNames, partnerBodyTypes } from './schemas.js';

const views = 'partnership/views';
const typeFilterSchema = z.object({
  type: z
    .enum(Object.keys(organisationTypeNames) as [OrganisationType, ...OrganisationType[]])
    .optional()
    .catch(undefined),
  saved: z.coerce.number().int().optional().catch(undefined),
});

export function registerOrganisationRoutes(scope: FastifyInstance, organisations: OrganisationService): void {
  scope.get<{ Querystring: Record<string, string> }>(paths.organisations, async (request, reply) => {
    const query = typeFilterSchema.parse(request.query);
    const list = await organisations.list(request.actor, query.type);
    const saved = query.saved === undefined ? undefined : list.find((organisation) => organisation.id === query.saved);
    return reply.render(`${views}/organisations.njk`, {
      paths,
      organisations: list,
      type: query.type,
      saved,
      typeNames: organisationTypeNames,
      mayManage: organisations.mayManage(request.actor),
      currentSection: 'staff',
    });
  });

  const renderForm = (context: { values: Record<string, unknown>; errors?: FormErrors; organisationId?: number }) => ({
    ...context,
    partnerBodyTypes,
    typeNames: organisationTypeNames,
    backLink: paths.organisations,
  });

  /** Saves the form, or answers with it again and what to correct. */
  async function save(
    body: Record<string, unknown>,
    persist: (input: z.infer<typeof organisationSchema>) => Promise<number>,
    organisationId?: number,
  ) {
    const form = organisationSchema.safeParse(body);
    if (!form.success)
      return { errors: formErrorsFrom(form.error), context: renderForm({ values: body, organisationId }) };
    try {
      return { id: await persist(form.data) };
    } catch (error) {
      if (!(error instanceof PartnershipRuleError)) throw error;
      return { errors: fieldError(error.field, error.message), context: renderForm({ values: body, organisationId }) };
    }
  }

  scope.get(paths.newOrganisation, async (request, reply) => {
    organisations.assertMayManage(request.actor);
    return reply.render(`${views}/organisation-form.njk`, renderForm({ values: {} }));
  });

  scope.post<{ Body: Record<string, unknown> }>(paths.newOrganisation, async (request, reply) => {
    organisations.assertMayManage(request.actor);
    const result = await save(request.body, (input) => organisations.create(request.actor, input));
    if ('errors' in result)
      return reply.code(400).render(`${views}/organisation-form.njk`, { ...result.context, errors: result.errors });
    return reply.redirect(`${paths.organisations}?saved=${result.id}`, 303);
  });

  scope.get<{ Params: { id: string } }>(paths.editOrganisation.pattern, async (request, reply) => {
    const organisation = await organisations.findEditable(request.actor, parseIdParam(request.params));
    const values = { name: organisation.name, type: organisation.type, emailDomain: organisation.email_domain ?? '' };
    return reply.render(`${views}/organisation-form.njk`, renderForm({ values, organisationId: organisation.id }));
  });

  scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    paths.editOrganisation.pattern,
    async (request, reply) => {
      const id = parseIdParam(request.params);
      await organisations.findEditable(request.actor, id);
      const result = await save(
        request.body,
        async (input) => {
          await organisations.update(request.actor, id, input);
          return id;
        },
        id,
      );
      if ('errors' in result)
        return reply.code(400).render(`${views}/organisation-form.njk`, { ...result.context, errors: result.errors });
      return reply.redirect(`${paths.organisations}?saved=${id}`, 303);
    },
  );
}
