import type { FastifyInstance } from 'fastify';
import { fieldError, formErrorsFrom } from '../../web/form-errors.js';
import { safeReturnPath } from '../../web/redirects.js';
import type { CitizenService } from './citizen-service.js';
import { citizenOnly } from './guards.js';
import { identityPaths } from './paths.js';
import {
  citizenDetailsSchema,
  citizenRegistrationSchema,
  forgotPasswordSchema,
  resetPasswordSchema,
  signInSchema,
} from './schemas.js';
import { singleValue } from '../../web/query.js';

const paths = identityPaths.citizen;
const views = 'identity/views/citizen';

export interface CitizenRouteOptions {
  attemptsPerMinute: number;
  /** Where the "sign in with" button for the configured OIDC provider starts, if there is one. */
  providerSignInPath: string | undefined;
}

export function registerCitizenRoutes(
  app: FastifyInstance,
  citizens: CitizenService,
  options: CitizenRouteOptions,
): void {
  const limited = { config: { rateLimit: { max: options.attemptsPerMinute, timeWindow: '1 minute' } } };
  const section = { currentSection: 'account', forgotPasswordPath: paths.forgotPassword };

  app.get<{ Querystring: { next?: string } }>(paths.register, async (request, reply) =>
    reply.render(`${views}/register.njk`, { ...section, next: safeReturnPath(request.query.next, '') }),
  );

  app.post<{ Body: Record<string, string> }>(paths.register, limited, async (request, reply) => {
    const form = citizenRegistrationSchema.safeParse(request.body);
    if (!form.success) {
      const values = { name: request.body.name, email: request.body.email, phone: request.body.phone };
      return reply.code(400).render(`${views}/register.njk`, {
        ...section,
        values,
        next: safeReturnPath(request.body.next, ''),
        errors: formErrorsFrom(form.error),
      });
    }
    await citizens.register(form.data, safeReturnPath(request.body.next, '') || undefined);
    return reply.redirect(`${paths.registered}?email=${encodeURIComponent(form.data.email)}`, 303);
  });

  app.get<{ Querystring: { email?: string } }>(paths.registered, async (request, reply) =>
    reply.render(`${views}/check-your-email.njk`, {
      ...section,
      email: singleValue(request.query.email) ?? 'your email address',
    }),
  );

  app.get<{ Querystring: { token?: string; next?: string } }>(paths.verify, async (request, reply) => {
    const verification = await citizens.verifyEmail(singleValue(request.query.token) ?? '');
    if (verification.outcome !== 'confirmed') {
      const page = verification.outcome === 'used' ? 'verification-used' : 'verification-expired';
      return reply.code(410).render(`${views}/${page}.njk`, section);
    }
    await reply.startSession({ kind: 'citizen', citizenId: verification.citizenId });
    return reply.redirect(safeReturnPath(request.query.next, `${paths.home}?verified`), 303);
  });

  app.get<{ Querystring: { next?: string; signedOut?: string; reset?: string } }>(
    paths.signIn,
    async (request, reply) => {
      if (request.actor.kind === 'citizen') return reply.redirect(safeReturnPath(request.query.next, paths.home));
      return reply.render(`${views}/sign-in.njk`, {
        ...section,
        next: safeReturnPath(request.query.next, ''),
        signedOut: request.query.signedOut !== undefined,
        passwordReset: request.query.reset !== undefined,
        providerSignInPath: options.providerSignInPath,
      });
    },
  );

  app.post<{ Body: Record<string, string> }>(paths.signIn, limited, async (request, reply) => {
    const next = safeReturnPath(request.body.next, paths.home);
    const context = {
      ...section,
      next,
      values: { email: request.body.email },
      providerSignInPath: options.providerSignInPath,
    };
    const form = signInSchema.safeParse(request.body);
    if (!form.success)
      return reply.code(400).render(`${views}/sign-in.njk`, { ...context, errors: formErrorsFrom(form.error) });

    const result = await citizens.signIn({ ...form.data, ip: request.ip });
    switch (result.outcome) {
      case 'signed-in':
        await reply.startSession({ kind: 'citizen', citizenId: result.citizenId });
        return reply.redirect(next, 303);
      case 'unverified':
        await citizens.resendVerification(form.data.email);
        return reply
          .code(403)
          .render(`${views}/check-your-email.njk`, { ...section, email: form.data.email, unverified: true });
      case 'locked':
        return reply.code(429).render(`${views}/sign-in.njk`, {
          ...context,
          errors: fieldError(
            'email',
            'Your account is locked for 15 minutes after too many wrong passwords. Wait, or reset your password',
          ),
        });
      case 'invalid':
        return reply.code(401).render(`${views}/sign-in.njk`, {
          ...context,
          errors: fieldError('email', 'Enter a correct email address and password'),
        });
    }
  });

  app.post(paths.signOut, async (_request, reply) => {
    await reply.endSession();
    return reply.redirect(`${paths.signIn}?signedOut`, 303);
  });

  app.get(paths.forgotPassword, async (_request, reply) =>
    reply.render(`identity/views/password/forgot-password.njk`, section),
  );

  app.post<{ Body: Record<string, string> }>(paths.forgotPassword, limited, async (request, reply) => {
    const form = forgotPasswordSchema.safeParse(request.body);
    if (!form.success) {
      return reply.code(400).render(`identity/views/password/forgot-password.njk`, {
        ...section,
        values: request.body,
        errors: formErrorsFrom(form.error),
      });
    }
    await citizens.requestPasswordReset(form.data.email);
    return reply.render('identity/views/password/check-your-email.njk', { ...section, email: form.data.email });
  });

  app.get<{ Querystring: { token?: string } }>(paths.resetPassword, async (request, reply) => {
    const token = singleValue(request.query.token) ?? '';
    if (!(await citizens.isResetTokenUsable(token))) {
      return reply.code(410).render('identity/views/password/link-expired.njk', section);
    }
    return reply.render('identity/views/password/reset-password.njk', { ...section, token });
  });

  app.post<{ Body: Record<string, string> }>(paths.resetPassword, limited, async (request, reply) => {
    const form = resetPasswordSchema.safeParse(request.body);
    if (!form.success) {
      return reply.code(400).render('identity/views/password/reset-password.njk', {
        ...section,
        token: request.body.token,
        errors: formErrorsFrom(form.error),
      });
    }
    if (!(await citizens.resetPassword(form.data.token, form.data.password))) {
      return reply.code(410).render('identity/views/password/link-expired.njk', section);
    }
    return reply.redirect(`${paths.signIn}?reset`, 303);
  });

  app.register(async (scope) => {
    scope.addHook('preHandler', citizenOnly);

    scope.get<{ Querystring: Record<string, string> }>(paths.home, async (request, reply) => {
      const details = await citizens.ownDetails(request.actor);
      const accountSections = [
        {
          title: 'Your requests',
          href: '/account/requests',
          linkText: 'See your reports and requests and what is happening with them',
        },
      ];
      return reply.render(`${views}/account.njk`, {
        ...section,
        details,
        accountSections,
        notice: Object.keys(request.query)[0],
      });
    });

    scope.get(paths.details, async (request, reply) => {
      const details = await citizens.ownDetails(request.actor);
      return reply.render(`${views}/details.njk`, { ...section, values: details, backLink: paths.home });
    });

    scope.post<{ Body: Record<string, string> }>(paths.details, async (request, reply) => {
      const form = citizenDetailsSchema.safeParse(request.body);
      if (!form.success) {
        return reply.code(400).render(`${views}/details.njk`, {
          ...section,
          values: request.body,
          errors: formErrorsFrom(form.error),
          backLink: paths.home,
        });
      }
      await citizens.updateOwnDetails(request.actor, form.data);
      return reply.redirect(`${paths.home}?detailsSaved`, 303);
    });
  });
}
