import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { staffOnly } from '../../identity/guards.js';
import { casePaths } from '../paths.js';
import { organisationQuerySchema } from './admin-schemas.js';
import { catalogueViews } from './admin-forms.js';
import { messageTemplateSchema } from './message-admin-schemas.js';
import { PlaceholderError, type MessageAdminService } from './message-admin-service.js';

const paths = casePaths.staff;
const kindParams = z.object({ kind: z.string().max(40) });

type MessageRequest = FastifyRequest<{
  Params: { kind: string };
  Querystring: Record<string, unknown>;
  Body: Record<string, unknown>;
}>;

/** The organisation a page is for: the one asked for (a partnership administrator's choice) or the actor's own. */
function organisationOf(request: FastifyRequest<{ Querystring: Record<string, unknown> }>): number {
  const actor = request.actor;
  return (
    organisationQuerySchema.parse(request.query).organisation ?? (actor.kind === 'staff' ? actor.organisationId : 0)
  );
}

/** /staff/messages: each message an organisation's cases send, and a form to reword one. */
export function registerMessageAdminRoutes(app: FastifyInstance, admin: MessageAdminService): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);
    const withOrganisation = (path: string, organisationId: number) => `${path}?organisation=${organisationId}`;

    scope.get<{ Querystring: Record<string, unknown> }>(paths.messages, async (request, reply) => {
      const organisationId = organisationOf(request);
      const messages = await admin.list(request.actor, organisationId);
      return reply.render(`${catalogueViews}/messages.njk`, {
        ...(await admin.organisations(request.actor, organisationId)),
        chooserAction: paths.messages,
        chooserButton: 'Show its messages',
        messages: messages.map((message) => ({
          ...message,
          href: withOrganisation(paths.message({ kind: message.kind }), organisationId),
        })),
        saved: typeof request.query.saved === 'string' ? messages.find((m) => m.kind === request.query.saved) : null,
        currentSection: 'staff',
        backLink: '/staff',
      });
    });

    async function renderForm(
      request: MessageRequest,
      reply: FastifyReply,
      status: number,
      extra: { errors?: FormErrors; values?: Record<string, unknown> } = {},
    ) {
      const organisationId = organisationOf(request);
      const { kind } = kindParams.parse(request.params);
      const message = await admin.find(request.actor, organisationId, kind);
      return reply.code(status).render(`${catalogueViews}/message.njk`, {
        ...(await admin.organisations(request.actor, organisationId)),
        message,
        values: extra.values ?? message.text,
        errors: extra.errors,
        action: withOrganisation(paths.message({ kind: message.kind }), organisationId),
        resetAction: withOrganisation(paths.resetMessage({ kind: message.kind }), organisationId),
        currentSection: 'staff',
        backLink: withOrganisation(paths.messages, organisationId),
      });
    }

    scope.get(paths.message.pattern, (request: MessageRequest, reply) => renderForm(request, reply, 200));

    scope.post(paths.message.pattern, async (request: MessageRequest, reply) => {
      const organisationId = organisationOf(request);
      const { kind } = kindParams.parse(request.params);
      const values = request.body ?? {};
      const form = messageTemplateSchema.safeParse(values);
      if (!form.success) return renderForm(request, reply, 400, { errors: formErrorsFrom(form.error), values });
      try {
        await admin.save(request.actor, organisationId, kind, form.data);
      } catch (error) {
        if (!(error instanceof PlaceholderError)) throw error;
        const errors: FormErrors = { summary: [], fields: {} };
        for (const problem of error.problems) {
          errors.summary.push({ text: problem.message, href: `#${problem.field}` });
          errors.fields[problem.field] = { text: problem.message };
        }
        return renderForm(request, reply, 400, { errors, values });
      }
      return reply.redirect(`${withOrganisation(paths.messages, organisationId)}&saved=${kind}`, 303);
    });

    scope.post(paths.resetMessage.pattern, async (request: MessageRequest, reply) => {
      const organisationId = organisationOf(request);
      const { kind } = kindParams.parse(request.params);
      await admin.reset(request.actor, organisationId, kind);
      return reply.redirect(`${withOrganisation(paths.messages, organisationId)}&saved=${kind}`, 303);
    });
  });
}
