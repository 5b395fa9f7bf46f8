import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { emailField } from '../../identity/schemas.js';
import type { CaseFollowers } from '../core/case-followers.js';
import { casePaths } from '../paths.js';
import { reportView } from './routes.js';

type FormBody = { Body: Record<string, string | string[] | undefined>; Querystring: Record<string, unknown> };

const referenceSchema = z.object({ reference: z.string().trim().min(1).max(40) });
const emailSchema = z.object({ email: emailField });
const keyOf = (value: unknown) => (typeof value === 'string' && value.length <= 200 ? value : '');

export interface FollowRouteDependencies {
  followers: CaseFollowers;
  /** Following a request by email sends one: limited like signing in. */
  signInAttemptsPerMinute: number;
}

/**
 * "Follow this one instead", from the nearby page: a signed-in resident follows at once; anyone
 * else gives an email address and confirms it by the emailed link. Then the links in every email:
 * confirming, and stopping (a button, not a bare link, so that a mail scanner following links
 * stops nothing).
 */
export function registerFollowRoutes(app: FastifyInstance, deps: FollowRouteDependencies): void {
  const { followers } = deps;
  const limited = { config: { rateLimit: { max: deps.signInAttemptsPerMinute, timeWindow: '1 minute' } } };
  const page = (reply: FastifyReply, status: number, context: Record<string, unknown>) =>
    reply.code(status).render(reportView('follow'), { backLink: casePaths.reportStep.nearby, ...context });

  app.post<FormBody>(casePaths.followNearby, limited, async (request, reply) => {
    const form = referenceSchema.safeParse(request.body);
    if (!form.success) return reply.redirect(casePaths.reportStep.nearby, 303);
    const { reference } = form.data;
    if (request.actor.kind === 'citizen')
      return page(reply, 200, { state: 'following', ...(await followers.follow(request.actor, reference)) });
    // A guest: first the question, then the address it asks for.
    if (request.body.email === undefined)
      return page(reply, 200, { state: 'ask-email', reference: await followers.followable(reference) });
    const email = emailSchema.safeParse(request.body);
    if (!email.success) {
      const errors: FormErrors = formErrorsFrom(email.error);
      return page(reply, 400, {
        state: 'ask-email',
        reference: await followers.followable(reference),
        email: request.body.email,
        errors,
      });
    }
    return page(reply, 200, {
      state: 'check-email',
      ...(await followers.follow(request.actor, reference, email.data.email)),
    });
  });

  app.get<FormBody>(casePaths.followConfirm, async (request, reply) => {
    const confirmed = await followers.confirm(keyOf(request.query.token));
    if (!confirmed) return page(reply, 404, { state: 'unknown-link', backLink: undefined });
    return page(reply, 200, { state: 'following', ...confirmed, backLink: undefined });
  });

  app.get<FormBody>(casePaths.followStop, async (request, reply) => {
    const key = keyOf(request.query.key);
    const following = await followers.stopping(key);
    if (!following) return page(reply, 404, { state: 'not-following', backLink: undefined });
    return page(reply, 200, { state: 'stop', key, reference: following.reference, backLink: undefined });
  });

  app.post<FormBody>(casePaths.followStop, async (request, reply) => {
    const stopped = await followers.stop(keyOf(request.body.key ?? request.query.key));
    if (!stopped) return page(reply, 404, { state: 'not-following', backLink: undefined });
    return page(reply, 200, { state: 'stopped', reference: stopped.reference, backLink: undefined });
  });
}
