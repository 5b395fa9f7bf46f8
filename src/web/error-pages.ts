import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isConnectionError } from '../db/connection-errors.js';
import { apiError } from './api-errors.js';

/** Seconds a client is asked to wait before it tries again while the database is away. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The status an uncaught error answers with: its own when it is an HTTP error, 503 when the database
 * cannot be reached (the service is away for a moment, not broken), otherwise 500.
 */
export function statusOfError(error: unknown): number {
  if (isConnectionError(error)) return 503;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

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
    const status = statusOfError(error);
    if (status === 503) {
      // One line, not a stack: while the database is away every request says the same.
      request.log.warn(`database unavailable: ${error.message}`);
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    } else if (status >= 500) request.log.error({ err: error }, 'request failed');
    reply.code(status);

    if (wantsJson(request)) {
      if (status === 503)
        return reply.send(
          apiError('service_unavailable', 'The service is unavailable for a moment. Try again in a few seconds.'),
        );
      if (status === 429)
        return reply.send(apiError('too_many_requests', 'Too many requests. Wait a minute, then try again.'));
      if (status === 403) return reply.send(apiError('forbidden', 'You do not have permission to do this.'));
      if (status >= 500)
        return reply.send(apiError('internal_error', 'Something went wrong on our side. Try again later.'));
      return reply.send(apiError(error.code?.toLowerCase() ?? 'bad_request', error.message));
    }
    if (status === 429) return reply.render('too-many-requests.njk');
    if (status === 404) return reply.render('not-found.njk');
    if (status === 403) return reply.render(error.code?.startsWith('FST_CSRF') ? 'form-expired.njk' : 'forbidden.njk');
    if (status < 500) return reply.render('bad-request.njk');
    if (status === 503) return reply.render('service-unavailable.njk');
    return reply.render('server-error.njk');
  });
}
