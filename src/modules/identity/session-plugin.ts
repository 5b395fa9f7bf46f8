import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { anonymous, type Actor } from '../../shared/actor.js';
import { hashToken } from './secrets.js';
import type { Account, SessionService } from './sessions.js';

export const SESSION_COOKIE = 'shirehall_session';

/** What CSRF tokens are bound to while no one is signed in. */
export const NO_SESSION = 'anonymous';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: set from the session cookie before any handler runs. */
    actor: Actor;
    /**
     * What this request's CSRF tokens are bound to: the hash of its session's token, or
     * NO_SESSION when it has none. A token is then good only in the session it was issued in: one
     * issued before sign-in, or in another browser's session, is refused once signed in.
     */
    csrfBinding: string;
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
  app.decorateRequest('csrfBinding', NO_SESSION);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    request.actor = staticPrefixes.some((prefix) => request.url.startsWith(prefix))
      ? anonymous
      : await sessions.resolve(token);
    // Bound to the session only when it is live: an ended or expired one is no session at all.
    request.csrfBinding = request.actor.kind === 'anonymous' || !token ? NO_SESSION : hashToken(token);
  });

  app.decorateReply('startSession', async function startSession(this: FastifyReply, account: Account) {
    const request: FastifyRequest = this.request;
    const previous = request.cookies[SESSION_COOKIE];
    if (previous) await sessions.end(previous);
    const token = await sessions.start(account, { ip: request.ip, userAgent: request.headers['user-agent'] });
    this.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies });
    // A page rendered by this same request carries a token of the new session.
    request.csrfBinding = hashToken(token);
  });

  app.decorateReply('endSession', async function endSession(this: FastifyReply) {
    const token = this.request.cookies[SESSION_COOKIE];
    if (token) await sessions.end(token);
    this.clearCookie(SESSION_COOKIE, { path: '/' });
    this.request.csrfBinding = NO_SESSION;
  });
}
