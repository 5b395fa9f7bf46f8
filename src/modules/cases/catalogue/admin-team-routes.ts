import type { FastifyInstance } from 'fastify';
import { formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import type { Actor } from '../../../shared/actor.js';
import { parseIdParam } from '../../identity/schemas.js';
import { attempt, badRequest, catalogueAdminPaths as paths, catalogueViews } from './admin-forms.js';
import { memberSchema, newTeamSchema, organisationQuerySchema, teamSchema } from './admin-schemas.js';
import type { CatalogueAdminService } from './admin-service.js';

type TeamRequest = { Params: { id: string }; Body: Record<string, unknown> };

/** An organisation's teams: added, renamed, given an email for transfers, and who is in each. */
export function registerCatalogueTeamRoutes(scope: FastifyInstance, admin: CatalogueAdminService): void {
  const common = { paths, currentSection: 'staff' };

  scope.get<{ Querystring: Record<string, unknown> }>(paths.teams, async (request, reply) => {
    const { organisation: requested } = organisationQuerySchema.parse(request.query);
    const organisation = await admin.chooseOrganisation(request.actor, requested);
    const teams = await admin.teamsOf(request.actor, organisation.id);
    return reply.render(`${catalogueViews}/teams.njk`, {
      ...common,
      organisation,
      organisations: await admin.organisationsFor(request.actor),
      teams,
      backLink: `${paths.list}?organisation=${organisation.id}`,
    });
  });

  async function newTeamContext(actor: Actor, requested: number | undefined) {
    const organisation = await admin.chooseOrganisation(actor, requested);
    return { ...common, organisation, backLink: `${paths.teams}?organisation=${organisation.id}` };
  }

  scope.get<{ Querystring: Record<string, unknown> }>(paths.newTeam, async (request, reply) => {
    const context = await newTeamContext(request.actor, organisationQuerySchema.parse(request.query).organisation);
    return reply.render(`${catalogueViews}/team-new.njk`, { ...context, values: {} });
  });

  scope.post<{ Body: Record<string, unknown> }>(paths.newTeam, async (request, reply) => {
    const context = await newTeamContext(
      request.actor,
      organisationQuerySchema.parse({ organisation: request.body.organisationId }).organisation,
    );
    const form = newTeamSchema.safeParse({ ...request.body, organisationId: String(context.organisation.id) });
    let id = 0;
    const errors = form.success
      ? await attempt(async () => (id = await admin.createTeam(request.actor, context.organisation.id, form.data)))
      : formErrorsFrom(form.error);
    if (errors)
      return reply.code(400).render(`${catalogueViews}/team-new.njk`, { ...context, values: request.body, errors });
    return reply.redirect(`${paths.team({ id })}?created`, 303);
  });

  async function teamContext(
    actor: Actor,
    id: number,
    extra: { values?: Record<string, unknown>; memberErrors?: FormErrors; errors?: FormErrors } = {},
  ) {
    const { team, organisation, members, candidates } = await admin.findTeam(actor, id);
    return {
      ...common,
      team,
      organisation,
      members,
      candidates,
      values: extra.values ?? { name: team.name, email: team.email ?? '' },
      errors: extra.errors ?? extra.memberErrors,
      memberErrors: extra.memberErrors,
      backLink: `${paths.teams}?organisation=${team.organisationId}`,
    };
  }

  scope.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    paths.team.pattern,
    async (request, reply) => {
      const context = await teamContext(request.actor, parseIdParam(request.params));
      return reply.render(`${catalogueViews}/team.njk`, { ...context, notice: Object.keys(request.query)[0] });
    },
  );

  scope.post<TeamRequest>(paths.team.pattern, async (request, reply) => {
    const id = parseIdParam(request.params);
    await admin.findTeam(request.actor, id);
    const form = teamSchema.safeParse(request.body);
    const errors = form.success
      ? await attempt(() => admin.updateTeam(request.actor, id, form.data))
      : formErrorsFrom(form.error);
    if (errors)
      return reply
        .code(400)
        .render(`${catalogueViews}/team.njk`, await teamContext(request.actor, id, { values: request.body, errors }));
    return reply.redirect(`${paths.team({ id })}?saved`, 303);
  });

  scope.post<TeamRequest>(paths.addMember.pattern, async (request, reply) => {
    const id = parseIdParam(request.params);
    await admin.findTeam(request.actor, id);
    const form = memberSchema.safeParse(request.body);
    const errors = form.success
      ? await attempt(() => admin.addTeamMember(request.actor, id, form.data.staffId))
      : formErrorsFrom(form.error);
    if (errors)
      return reply
        .code(400)
        .render(`${catalogueViews}/team.njk`, await teamContext(request.actor, id, { memberErrors: errors }));
    return reply.redirect(`${paths.team({ id })}?memberAdded`, 303);
  });

  scope.post<TeamRequest>(paths.removeMember.pattern, async (request, reply) => {
    const id = parseIdParam(request.params);
    const member = memberSchema.safeParse(request.body);
    if (!member.success) throw badRequest();
    await admin.removeTeamMember(request.actor, id, member.data.staffId);
    return reply.redirect(`${paths.team({ id })}?memberRemoved`, 303);
  });
}
