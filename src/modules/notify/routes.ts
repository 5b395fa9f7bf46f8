import type { FastifyInstance } from 'fastify';
import { staffOnly } from '../identity/guards.js';
import { NotFoundError } from '../../shared/errors.js';
import { notifyPaths } from './paths.js';
import { emailStatuses, emailStatusNames, outboxQuerySchema, parseEmailId } from './schemas.js';
import type { OutboxService } from './service.js';

const views = 'notify/views';

/** The address of one page of the outbox, keeping the status filter. */
function outboxPageHref(status: string | undefined, page: number): string {
  const query = new URLSearchParams();
  if (status) query.set('status', status);
  if (page > 1) query.set('page', String(page));
  const search = query.toString();
  return search ? `${notifyPaths.outbox}?${search}` : notifyPaths.outbox;
}

export interface OutboxPageOptions {
  /** False when no SMTP server is configured: the page then says that email waits here, unsent. */
  sending: boolean;
}

export function registerNotifyRoutes(
  app: FastifyInstance,
  outbox: OutboxService,
  { sending }: OutboxPageOptions,
): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.get(notifyPaths.outbox, async (request, reply) => {
      const query = outboxQuerySchema.parse(request.query ?? {});
      const result = await outbox.list(request.actor, query, request.ip);
      return reply.render(`${views}/outbox.njk`, {
        ...result,
        status: query.status,
        previousHref: result.page > 1 ? outboxPageHref(query.status, result.page - 1) : undefined,
        nextHref: result.page < result.pageCount ? outboxPageHref(query.status, result.page + 1) : undefined,
        statuses: emailStatuses,
        statusNames: emailStatusNames,
        paths: notifyPaths,
        sending,
        currentSection: 'staff',
        backLink: '/staff',
      });
    });

    scope.get<{ Params: { id: string } }>(notifyPaths.email.pattern, async (request, reply) => {
      const id = parseEmailId(request.params);
      if (id === undefined) throw new NotFoundError();
      const email = await outbox.get(request.actor, id, request.ip);
      // Where emails are really sent, a one-use link (a password reset) is its recipient's alone: an
      // administrator reading the outbox must not be able to use it. Without SMTP, the outbox is the
      // only way such a link reaches anyone, so it is shown whole.
      const shown = sending ? { ...email, body_text: hideOneUseTokens(email.body_text) } : email;
      return reply.render(`${views}/email.njk`, {
        email: shown,
        statusNames: emailStatusNames,
        sending,
        currentSection: 'staff',
        backLink: notifyPaths.outbox,
      });
    });
  });
}

/** Replaces the token of every emailed one-use link with a placeholder. */
export function hideOneUseTokens(text: string): string {
  return text.replace(/([?&]token=)[\w-]+/g, '$1(hidden: only the recipient can use this link)');
}
