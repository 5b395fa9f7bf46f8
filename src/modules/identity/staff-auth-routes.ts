import type { FastifyInstance } from 'fastify';
import { formatTime } from '../../shared/dates.js';
import { fieldError, formErrorsFrom } from '../../web/form-errors.js';
import { safeReturnPath } from '../../web/redirects.js';
import { identityPaths } from './paths.js';
import { forgotPasswordSchema, resetPasswordSchema, signInSchema } from './schemas.js';
import type { StaffService } from './staff-service.js';
import type { IdentityProviders } from './single-sign-on.js';
import { singleValue } from '../../web/query.js';

const paths = identityPaths.staff;
const views = 'identity/views/staff';
const passwordViews = 'identity/views/password';
const passwordContext = { forgotPasswordPath: paths.forgotPassword };

export function registerStaffAuthRoutes(
  app: FastifyInstance,
  staff: StaffService,
  identityProviders: IdentityProviders,
  attemptsPerMinute: number,
): void {
  // A few tries a minute from one address, on top of the per-account lockout.
  const signInRateLimit = { config: { rateLimit: { max: attemptsPerMinute, timeWindow: '1 minute' } } };

  app.get<{ Querystring: { next?: string; signedOut?: string; reset?: string } }>(
    paths.signIn,
    async (request, reply) => {
      if (request.actor.kind === 'staff') return reply.redirect(safeReturnPath(request.query.next, paths.home));
      return reply.render(`${views}/sign-in.njk`, {
        next: safeReturnPath(request.query.next, ''),
        signedOut: request.query.signedOut !== undefined,
        passwordReset: request.query.reset !== undefined,
        singleSignOn: await identityProviders.listStaffProviders(),
      });
    },
  );

  app.post<{ Body: Record<string, string>; Querystring: { next?: string } }>(
    paths.signIn,
    signInRateLimit,
    async (request, reply) => {
      const next = safeReturnPath(request.body.next ?? request.query.next, paths.home);
      const context = {
        next,
        values: { email: request.body.email },
        singleSignOn: await identityProviders.listStaffProviders(),
      };
      const form = signInSchema.safeParse(request.body);
      if (!form.success)
        return reply.code(400).render(`${views}/sign-in.njk`, { ...context, errors: formErrorsFrom(form.error) });

      const result = await staff.signIn({ ...form.data, ip: request.ip });
      if (result.outcome === 'locked') {
        const message = `Your account is locked after too many wrong passwords. Try again after ${formatTime(result.until)}, or reset your password`;
        return reply.code(429).render(`${views}/sign-in.njk`, { ...context, errors: fieldError('email', message) });
      }
      if (result.outcome === 'invalid') {
        return reply.code(401).render(`${views}/sign-in.njk`, {
          ...context,
          errors: fieldError('email', 'Enter a correct email address and password'),
        });
      }
      await reply.startSession({ kind: 'staff', staffId: result.staffId });
      return reply.redirect(next, 303);
    },
  );

  app.post(paths.signOut, async (_request, reply) => {
    await reply.endSession();
    return reply.redirect(`${paths.signIn}?signedOut`, 303);
  });

  app.get(paths.forgotPassword, async (_request, reply) =>
    reply.render(`${passwordViews}/forgot-password.njk`, passwordContext),
  );

  app.post<{ Body: Record<string, string> }>(paths.forgotPassword, signInRateLimit, async (request, reply) => {
    const form = forgotPasswordSchema.safeParse(request.body);
    if (!form.success) {
      return reply.code(400).render(`${passwordViews}/forgot-password.njk`, {
        ...passwordContext,
        values: request.body,
        errors: formErrorsFrom(form.error),
      });
    }
    await staff.requestPasswordReset(form.data.email);
    return reply.render(`${passwordViews}/check-your-email.njk`, { ...passwordContext, email: form.data.email });
  });

  app.get<{ Querystring: { token?: string } }>(paths.resetPassword, async (request, reply) => {
    const token = singleValue(request.query.token) ?? '';
    if (!(await staff.isResetTokenUsable(token)))
      return reply.code(410).render(`${passwordViews}/link-expired.njk`, passwordContext);
    return reply.render(`${passwordViews}/reset-password.njk`, { ...passwordContext, token });
  });

  app.post<{ Body: Record<string, string> }>(paths.resetPassword, signInRateLimit, async (request, reply) => {
    const form = resetPasswordSchema.safeParse(request.body);
    if (!form.success) {
      return reply.code(400).render(`${passwordViews}/reset-password.njk`, {
        ...passwordContext,
        token: request.body.token,
        errors: formErrorsFrom(form.error),
      });
    }
    if (!(await staff.resetPassword(form.data.token, form.data.password, request.ip))) {
      return reply.code(410).render(`${passwordViews}/link-expired.njk`, passwordContext);
    }
    return reply.redirect(`${paths.signIn}?reset`, 303);
  });
}
