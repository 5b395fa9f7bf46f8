import type { FastifyInstance } from 'fastify';
import { fieldError, formErrorsFrom } from '../../web/form-errors.js';
import type { StaffActor } from '../../shared/actor.js';
import { staffOnly } from './guards.js';
import { identityPaths } from './paths.js';
import { newStaffSchema, parseIdParam, roleNames, rolesSchema, staffStatusSchema } from './schemas.js';
import type { StaffService } from './staff-service.js';

const paths = identityPaths.staff;
const views = 'identity/views/staff';

export interface OrganisationOption {
  id: number;
  name: string;
}

/** The organisations a manager may add staff to: their own, or every member for a partnership administrator. */
export type OrganisationOptions = (actor: StaffActor) => Promise<OrganisationOption[]>;

export function registerStaffAccountRoutes(
  app: FastifyInstance,
  staff: StaffService,
  organisationOptions: OrganisationOptions,
): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.get(paths.accounts, async (request, reply) => {
      const accounts = await staff.list(request.actor, request.ip);
      return reply.render(`${views}/accounts.njk`, { accounts, roleNames, paths, currentSection: 'staff' });
    });

    const renderNew = async (actor: StaffActor, context: Record<string, unknown>) => ({
      organisations: await organisationOptions(actor),
      grantableRoles: staff.grantableRoles(actor),
      roleNames,
      backLink: paths.accounts,
      ...context,
    });

    scope.get(paths.newAccount, async (request, reply) => {
      const actor = request.actor as StaffActor;
      // Refused here as well as on save, so no one fills in a form they cannot send.
      if (staff.grantableRoles(actor).length === 0) return reply.code(403).render('forbidden.njk');
      return reply.render(
        `${views}/new-account.njk`,
        await renderNew(actor, { values: { organisationId: actor.organisationId } }),
      );
    });

    scope.post<{ Body: Record<string, unknown> }>(paths.newAccount, async (request, reply) => {
      const actor = request.actor as StaffActor;
      const form = newStaffSchema.safeParse(request.body);
      if (!form.success) {
        const errors = formErrorsFrom(form.error, { roles: 'roles', organisationId: 'organisationId' });
        return reply
          .code(400)
          .render(`${views}/new-account.njk`, await renderNew(actor, { values: request.body, errors }));
      }
      const result = await staff.create(request.actor, form.data);
      if (result.outcome === 'email-unavailable') {
        // The same words whether the address is in this organisation or another: nothing is learnt of accounts beyond reach.
        const errors = fieldError(
          'email',
          'A new account cannot be made with this email address: it may have one already. Check the address, or ask a partnership administrator',
        );
        return reply
          .code(400)
          .render(`${views}/new-account.njk`, await renderNew(actor, { values: request.body, errors }));
      }
      return reply.redirect(`${paths.account({ id: result.id })}?created`, 303);
    });

    scope.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
      paths.account.pattern,
      async (request, reply) => {
        const id = parseIdParam(request.params);
        const { staff: account, sessions } = await staff.get(request.actor, id, request.ip);
        return reply.render(`${views}/account.njk`, {
          paths,
          account,
          sessions,
          roleNames,
          grantableRoles: staff.grantableRoles(request.actor),
          notice: Object.keys(request.query)[0],
          backLink: paths.accounts,
        });
      },
    );

    scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
      paths.accountRoles.pattern,
      async (request, reply) => {
        const id = parseIdParam(request.params);
        const form = rolesSchema.safeParse(request.body);
        if (!form.success) {
          const { staff: account, sessions } = await staff.get(request.actor, id, request.ip);
          return reply.code(400).render(`${views}/account.njk`, {
            paths,
            account,
            sessions,
            roleNames,
            grantableRoles: staff.grantableRoles(request.actor),
            errors: formErrorsFrom(form.error),
            backLink: paths.accounts,
          });
        }
        await staff.updateRoles(request.actor, id, form.data.roles);
        return reply.redirect(`${paths.account({ id })}?rolesSaved`, 303);
      },
    );

    scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
      paths.accountStatus.pattern,
      async (request, reply) => {
        const id = parseIdParam(request.params);
        const form = staffStatusSchema.safeParse(request.body);
        if (!form.success) {
          // The form is one button with a hidden value: anything else did not come from it.
          const { staff: account, sessions } = await staff.get(request.actor, id);
          return reply.code(400).render(`${views}/account.njk`, {
            paths,
            account,
            sessions,
            roleNames,
            grantableRoles: staff.grantableRoles(request.actor),
            errors: formErrorsFrom(form.error, { disabled: 'status-button' }),
            backLink: paths.accounts,
          });
        }
        const { disabled } = form.data;
        await staff.setDisabled(request.actor, id, disabled);
        return reply.redirect(`${paths.account({ id })}?${disabled ? 'disabled' : 'enabled'}`, 303);
      },
    );

    scope.post<{ Params: { id: string } }>(paths.accountSessions.pattern, async (request, reply) => {
      const id = parseIdParam(request.params);
      await staff.revokeSessions(request.actor, id);
      return reply.redirect(`${paths.account({ id })}?sessionsEnded`, 303);
    });
  });
}
