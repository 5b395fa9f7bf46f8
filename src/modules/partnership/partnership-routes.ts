import type { FastifyInstance, FastifyReply } from 'fastify';
import { fieldError, formErrorsFrom, type FormErrors } from '../../web/form-errors.js';
import type { Actor } from '../../shared/actor.js';
import { parseIdParam } from '../identity/schemas.js';
import type { PartnershipService } from './partnership-service.js';
import { partnershipPaths as paths } from './paths.js';
import type { ProjectService } from './project-service.js';
import { PartnershipRuleError } from './rules.js';
import {
  memberSchema,
  organisationTypeNames,
  partnershipKindNames,
  partnershipSchema,
  projectStatusNames,
} from './schemas.js';

const views = 'partnership/views';

export function registerPartnershipPages(
  scope: FastifyInstance,
  partnerships: PartnershipService,
  projects: ProjectService,
): void {
  scope.get(paths.partnerships, async (request, reply) => {
    return reply.render(`${views}/partnerships.njk`, {
      paths,
      partnerships: await partnerships.list(request.actor),
      kindNames: partnershipKindNames,
      mayManage: partnerships.mayManage(request.actor),
      currentSection: 'staff',
    });
  });

  const renderNew = (reply: FastifyReply, values: Record<string, unknown>, errors?: FormErrors) =>
    reply.render(`${views}/partnership-form.njk`, {
      values,
      errors,
      kindNames: partnershipKindNames,
      backLink: paths.partnerships,
    });

  scope.get(paths.newPartnership, async (request, reply) => {
    partnerships.assertMayManage(request.actor);
    return renderNew(reply, {});
  });

  scope.post<{ Body: Record<string, unknown> }>(paths.newPartnership, async (request, reply) => {
    partnerships.assertMayManage(request.actor);
    const form = partnershipSchema.safeParse(request.body);
    if (!form.success) return renderNew(reply.code(400), request.body, formErrorsFrom(form.error));
    const id = await partnerships.create(request.actor, form.data);
    return reply.redirect(`${paths.partnership({ id })}?created`, 303);
  });

  /** The partnership page, with a notice after a change or errors from a refused one. */
  async function renderPartnership(
    reply: FastifyReply,
    actor: Actor,
    id: number,
    extra: { notice?: string; errors?: FormErrors; values?: unknown },
  ) {
    const page = await partnerships.get(actor, id);
    return reply.render(`${views}/partnership.njk`, {
      paths,
      ...page,
      ...extra,
      kindNames: partnershipKindNames,
      typeNames: organisationTypeNames,
      statusNames: projectStatusNames,
      mayManage: partnerships.mayManage(actor),
      mayRecord: await projects.mayRecordIn(actor, id),
      backLink: paths.partnerships,
    });
  }

  scope.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    paths.partnership.pattern,
    async (request, reply) =>
      renderPartnership(reply, request.actor, parseIdParam(request.params), { notice: Object.keys(request.query)[0] }),
  );

  scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    paths.members.pattern,
    async (request, reply) => {
      const id = parseIdParam(request.params);
      partnerships.assertMayManage(request.actor);
      const form = memberSchema.safeParse(request.body);
      if (!form.success)
        return renderPartnership(reply.code(400), request.actor, id, {
          errors: formErrorsFrom(form.error),
          values: request.body,
        });
      try {
        await partnerships.addMember(request.actor, id, form.data.organisationId);
      } catch (error) {
        if (!(error instanceof PartnershipRuleError)) throw error;
        return renderPartnership(reply.code(error.statusCode), request.actor, id, {
          errors: fieldError(error.field, error.message),
          values: request.body,
        });
      }
      return reply.redirect(`${paths.partnership({ id })}?memberAdded`, 303);
    },
  );

  scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    paths.removeMember.pattern,
    async (request, reply) => {
      const id = parseIdParam(request.params);
      partnerships.assertMayManage(request.actor);
      const form = memberSchema.safeParse(request.body);
      if (!form.success)
        return renderPartnership(reply.code(400), request.actor, id, {
          errors: fieldError('members', 'Select a member to remove'),
        });
      try {
        await partnerships.removeMember(request.actor, id, form.data.organisationId);
      } catch (error) {
        if (!(error instanceof PartnershipRuleError)) throw error;
        return renderPartnership(reply.code(error.statusCode), request.actor, id, {
          errors: fieldError(error.field, error.message),
        });
      }
      return reply.redirect(`${paths.partnership({ id })}?memberRemoved`, 303);
    },
  );
}
