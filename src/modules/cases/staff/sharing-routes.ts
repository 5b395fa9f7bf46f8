import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fieldError, formErrorsFrom } from '../../../web/form-errors.js';
import type { StaffActor } from '../../../shared/actor.js';
import { staffOnly } from '../../identity/guards.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { worksWithCases } from '../core/case-policy.js';
import { parseIdParam } from '../../identity/schemas.js';
import type { CaseService } from '../core/case-service.js';
import { casePaths } from '../paths.js';
import { sharingPaths } from '../sharing-paths.js';
import { findCaseSchema } from './worklist-schemas.js';

const views = 'cases/views/staff';
const paths = casePaths.staff;

/** The find page's form when it is posted: the reference, and what the caller gives to prove it is theirs. */
const verifyCallerSchema = findCaseSchema.extend({
  verification: z.preprocess(
    (value) => (Array.isArray(value) ? value[0] : value),
    z.string().trim().max(254, 'The postcode or email address must be 254 characters or fewer').optional().default(''),
  ),
});

type FormRequest = FastifyRequest<{ Body: Record<string, unknown> }>;

/**
 * Finding another body's case for a caller who verifies it, and withdrawing a client's consent. The
 * rules are the core's (case-sharing.ts); these pages add none of their own.
 */
export function registerCaseSharingRoutes(app: FastifyInstance, cases: CaseService, clock: () => Date): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.post(paths.find, async (request: FormRequest, reply: FastifyReply) => {
      const body = request.body ?? {};
      const values = { reference: [body.reference].flat()[0], verification: [body.verification].flat()[0] };
      const context = { values, paths, currentSection: 'cases', backLink: paths.worklist };
      // Staff who do not work with cases get a 403, not a form.
      if (!worksWithCases(request.actor)) throw new ForbiddenError();
      const form = verifyCallerSchema.safeParse(body);
      if (!form.success)
        return reply.code(400).render(`${views}/find.njk`, { ...context, errors: formErrorsFrom(form.error) });
      const { reference, verification } = form.data;

      const check = await cases.sharing.verifyCaller(request.actor, reference, verification, clock(), request.ip);
      switch (check.outcome) {
        case 'visible':
        case 'verified':
          return reply.redirect(paths.case({ id: check.caseId }), 303);
        case 'too-many-tries':
          return reply.code(429).render(`${views}/find.njk`, {
            ...context,
            errors: fieldError(
              'verification',
              'You have tried to verify callers too many times. Try again in 30 minutes',
            ),
          });
        case 'not-found': {
          const message = verification
            ? `No case you may see has the reference ${reference} with that postcode or email address. Check both with the caller and try again`
            : `No case you may see has the reference ${reference}. If it is another partner’s, enter the postcode or email address the caller gives`;
          return reply.code(404).render(`${views}/find.njk`, { ...context, errors: fieldError('reference', message) });
        }
      }
    });

    scope.post<{ Params: { id: string } }>(sharingPaths.withdrawConsent.pattern, async (request, reply) => {
      const caseId = parseIdParam(request.params);
      await cases.sharing.withdrawConsent(request.actor, caseId, clock(), 'staff');
      return reply.redirect(sharingPaths.consentWithdrawn({ id: caseId }), 303);
    });

    // Said only to whoever withdrew it: the page names the case, which they may no longer see.
    scope.get<{ Params: { id: string } }>(sharingPaths.consentWithdrawn.pattern, async (request, reply) => {
      const caseId = parseIdParam(request.params);
      const consent = await cases.sharing.consentOf(caseId);
      if (!consent || consent.withdrawn_by_staff_id !== (request.actor as StaffActor).staffId)
        throw new NotFoundError();
      const record = await cases.sharing.referenceOf(caseId);
      return reply.render(`${views}/consent-withdrawn.njk`, {
        reference: record,
        organisationName: consent.organisation_name,
        paths,
        currentSection: 'cases',
        backLink: paths.worklist,
      });
    });
  });
}
