import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { anonymous, type Actor } from './actor.js';
import type { Account, SessionService } from './sessions.js';

export const SESSION_COOKIE = 'shirehall_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: set from the session cookie before any handler runs. */
    actor: Actor;
  }
  interface FastifyReply {
    /** Starts a new session (a new token, so no session fixation) and sets its cookie. */
    startSession(account: Account): Promise<void>;
    /** Ends the current session in the database and clears its cookie. */
    endSession(): Promise<void>;
  }
}

const staticPrefixes = ['/assets/', '/public/'];

export function registerSessions(app: FastifyInstance, sessions: SessionService, secureCookies: boolean): void {
  // Declared empty (Fastify refuses a shared object as the default); every request sets its own below.
  app.decorateRequest('actor', null as never);
  app.addHook('onRequest', async (request) => {
    request.actor = staticPrefixes.some((prefix) => request.url.startsWith(prefix))
      ? anonymous
      : await sessions.resolve(request.cookies[SESSION_COOKIE]);
  });

  app.decorateReply('startSession', async function startSession(this: FastifyReply, account: Account) {
    const request: FastifyRequest = this.request;
    const previous = request.cookies[SESSION_COOKIE];
    if (previous) await sessions.end(previous);
    const token = await sessions.start(account, { ip: request.ip, userAgent: request.headers['user-agent'] });
    this.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies });
  });

  app.decorateReply('endSession', async function endSession(this: FastifyReply) {
    const token = this.request.cookies[SESSION_COOKIE];
    if (token) await sessions.end(token);
    this.clearCookie(SESSION_COOKIE, { path: '/' });
  });
}
