import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiError } from './api-errors.js';

/** Requests to these answer in JSON; everything else is a person reading pages. */
function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url === '/health';
}

/**
 * 404 and every uncaught error end here: JSON for the API, a GOV.UK page for people, and never a
 * stack trace for either. Server errors are logged with the request id so they can be found.
 */
export function registerErrorPages(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    reply.code(404);
    if (wantsJson(request)) return reply.send(apiError('not_found', 'There is nothing at this address.'));
    return reply.render('not-found.njk');
  });

  app.setErrorHandler((error: FastifyError, request, reply: FastifyReply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    reply.code(status);

    if (wantsJson(request)) {
      if (status === 429) return reply.send(apiError('too_many_requests', 'Too many requests. Wait a minute, then try again.'));
      if (status === 403) return reply.send(apiError('forbidden', 'You do not have permission to do this.'));
      if (status >= 500) return reply.send(apiError('internal_error', 'Something went wrong on our side. Try again later.'));
      return reply.send(apiError(error.code?.toLowerCase() ?? 'bad_request', error.message));
    }
    if (status === 429) return reply.render('too-many-requests.njk');
    if (status === 404) return reply.render('not-found.njk');
    if (status === 403) return reply.render(error.code?.startsWith('FST_CSRF') ? 'form-expired.njk' : 'forbidden.njk');
    if (status < 500) return reply.render('bad-request.njk');
    return reply.render('server-error.njk');
  });
}
