import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { OidcFailure, PendingSignIn } from './oidc-client.js';
import { identityPaths } from './paths.js';
import { NotFoundError } from '../../shared/errors.js';
import { singleSignOnPaths as paths } from './single-sign-on.js';
import type { CitizenSignInResult, SingleSignOnService, StaffSignInResult } from './single-sign-on-service.js';

const views = 'identity/views/single-sign-on';
// Long enough to sign in at the provider, short enough that a stolen cookie is soon worthless.
const PENDING_SECONDS = 10 * 60;

/** The flow's state, nonce and PKCE verifier wait in a signed cookie seen only by the flow's own addresses. */
const pendingCookies = {
  staff: { name: 'shirehall_sso_staff', path: '/staff/sign-in/sso' },
  citizen: { name: 'shirehall_sso_citizen', path: '/account/sign-in/oidc' },
} as const;
type PendingCookie = (typeof pendingCookies)[keyof typeof pendingCookies];

const pendingSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(1),
  organisationId: z.number().int().positive().optional(),
});
type Pending = PendingSignIn & { organisationId?: number };

const organisationParamSchema = z.object({ organisationId: z.coerce.number().int().positive().max(2_147_483_647) });

export interface SingleSignOnRouteOptions {
  publicUrl: string;
  secureCookies: boolean;
  attemptsPerMinute: number;
}

export function registerSingleSignOnRoutes(
  app: FastifyInstance,
  singleSignOn: SingleSignOnService,
  options: SingleSignOnRouteOptions,
): void {
  const rateLimit = { config: { rateLimit: { max: options.attemptsPerMinute, timeWindow: '1 minute' } } };

  function remember(reply: FastifyReply, cookie: PendingCookie, pending: Pending) {
    const value = Buffer.from(JSON.stringify(pending)).toString('base64url');
    reply.setCookie(cookie.name, value, {
      signed: true,
      httpOnly: true,
      // Lax: the provider sends the browser back with a top-level GET from its own site.
      sameSite: 'lax',
      secure: options.secureCookies,
      path: cookie.path,
      maxAge: PENDING_SECONDS,
    });
  }

  /** The pending flow, used once: the cookie is cleared whatever happens next. */
  function takePending(request: FastifyRequest, reply: FastifyReply, cookie: PendingCookie): Pending | undefined {
    const raw = request.cookies[cookie.name];
    reply.clearCookie(cookie.name, { path: cookie.path });
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return undefined;
    try {
      const parsed = pendingSchema.safeParse(JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  function callbackUrl(request: FastifyRequest): URL {
    return new URL(request.url, options.publicUrl);
  }

  function problem(reply: FastifyReply, status: number, name: string, context: Record<string, unknown>) {
    return reply.code(status).render(`${views}/problem.njk`, { problem: name, ...context });
  }

  function providerProblem(
    request: FastifyRequest,
    reply: FastifyReply,
    result: { failure: OidcFailure; providerError?: string; detail: string },
    context: Record<string, unknown>,
  ) {
    request.log.warn(
      { failure: result.failure, providerError: result.providerError, detail: result.detail },
      'OpenID Connect sign-in failed',
    );
    if (result.failure === 'refused') {
      return result.providerError === 'access_denied'
        ? problem(reply, 403, 'cancelled', context)
        : problem(reply, 403, 'refused', context);
    }
    if (result.failure === 'invalid') return problem(reply, 400, 'invalid', context);
    return problem(reply, 502, 'unreachable', context);
  }

  // Staff, through their own organisation's provider.
  app.get<{ Params: { organisationId: string } }>(paths.staffStart.pattern, rateLimit, async (request, reply) => {
    const params = organisationParamSchema.safeParse(request.params);
    if (!params.success) throw new NotFoundError();
    const organisationId = params.data.organisationId;
    const started = await singleSignOn.startStaffSignIn(organisationId);
    const context = { retryPath: paths.staffStart({ organisationId }), otherWayPath: identityPaths.staff.signIn };
    if ('outcome' in started) return providerProblem(request, reply, started, context);
    remember(reply, pendingCookies.staff, { ...started.pending, organisationId });
    return reply.redirect(started.url);
  });

  app.get(paths.staffCallback, rateLimit, async (request, reply) => {
    const pending = takePending(request, reply, pendingCookies.staff);
    const otherWay = { otherWayPath: identityPaths.staff.signIn };
    if (!pending?.organisationId) return problem(reply, 400, 'expired', otherWay);
    const context = { ...otherWay, retryPath: paths.staffStart({ organisationId: pending.organisationId }) };
    const result: StaffSignInResult = await singleSignOn.finishStaffSignIn({
      organisationId: pending.organisationId,
      pending,
      callbackUrl: callbackUrl(request),
      ip: request.ip,
    });
    switch (result.outcome) {
      case 'signed-in':
        await reply.startSession({ kind: 'staff', staffId: result.staffId });
        return reply.redirect(identityPaths.staff.home, 303);
      case 'no-account':
        return reply
          .code(403)
          .render(`${views}/no-staff-account.njk`, { email: result.email, organisationName: result.organisationName });
      case 'disabled':
        return reply
          .code(403)
          .render(`${views}/staff-account-disabled.njk`, { organisationName: result.organisationName });
      case 'failed':
        return providerProblem(request, reply, result, context);
      default:
        return problem(reply, 403, result.outcome, context);
    }
  });

  // Citizens, through the one citizen provider, when one is configured.
  app.get(paths.citizenStart, rateLimit, async (request, reply) => {
    const started = await singleSignOn.startCitizenSignIn();
    const context = { retryPath: paths.citizenStart, otherWayPath: identityPaths.citizen.signIn };
    if ('outcome' in started) return providerProblem(request, reply, started, context);
    remember(reply, pendingCookies.citizen, started.pending);
    return reply.redirect(started.url);
  });

  app.get(paths.citizenCallback, rateLimit, async (request, reply) => {
    if (!singleSignOn.citizenSignInAvailable) throw new NotFoundError();
    const context = { retryPath: paths.citizenStart, otherWayPath: identityPaths.citizen.signIn };
    const pending = takePending(request, reply, pendingCookies.citizen);
    if (!pending) return problem(reply, 400, 'expired', context);
    const result: CitizenSignInResult = await singleSignOn.finishCitizenSignIn({
      pending,
      callbackUrl: callbackUrl(request),
      ip: request.ip,
    });
    switch (result.outcome) {
      case 'signed-in':
        await reply.startSession({ kind: 'citizen', citizenId: result.citizenId });
        return reply.redirect(identityPaths.citizen.home, 303);
      case 'email-in-use':
        return problem(reply, 403, 'email-in-use', { ...context, email: result.email });
      case 'failed':
        return providerProblem(request, reply, result, context);
      default:
        return problem(reply, 403, result.outcome, context);
    }
  });
}
