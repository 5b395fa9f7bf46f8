import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldError, formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { citizenOnly } from '../../identity/guards.js';
import { stageNames } from '../applications/stages.js';
import { recruitmentPaths } from '../paths.js';
import type { ChecksService } from './checks-service.js';
import { SlotTaken, type InterviewsService } from './interviews-service.js';
import { interviewFormSchema, offerFormSchema, parseId, referenceFormSchema } from './schemas.js';

const views = 'recruitment/pipeline/views';
const paths = recruitmentPaths;
type Params = { Params: { id: string } };
type Form = { Body: Record<string, unknown> };

/** The applicant's side of the pipeline: booking an interview, answering an offer; and the referee's page. */
export function registerPipelineApplicantRoutes(
  app: FastifyInstance,
  { interviews, checks }: { interviews: InterviewsService; checks: ChecksService },
): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', citizenOnly);

    async function renderInterview(
      request: FastifyRequest<Params>,
      reply: FastifyReply,
      errors?: FormErrors,
      status = 200,
    ) {
      const id = parseId(request.params.id);
      const invitation = await interviews.invitation(request.actor, id);
      return reply.code(status).render(`${views}/interview.njk`, {
        ...invitation,
        stageNames,
        paths,
        errors,
        currentSection: 'jobs',
        backLink: paths.applicant.application({ id }),
      });
    }

    scope.get<Params>(paths.applicant.interview.pattern, (request, reply) => renderInterview(request, reply));

    scope.post<Params & Form>(paths.applicant.interview.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      const form = interviewFormSchema.safeParse(request.body ?? {});
      if (!form.success) return renderInterview(request, reply, formErrorsFrom(form.error), 400);
      try {
        await interviews.book(request.actor, id, form.data.slotId, request.ip);
      } catch (error) {
        if (!(error instanceof SlotTaken)) throw error;
        return renderInterview(request, reply, fieldError('slotId', error.message), 409);
      }
      return reply.redirect(paths.applicant.interview({ id }), 303);
    });

    async function renderOffer(
      request: FastifyRequest<Params>,
      reply: FastifyReply,
      extra: { errors?: FormErrors; confirming?: 'accept' | 'decline'; status?: number } = {},
    ) {
      const id = parseId(request.params.id);
      const application = await interviews.offer(request.actor, id);
      return reply.code(extra.status ?? 200).render(`${views}/offer.njk`, {
        application,
        stageNames,
        paths,
        errors: extra.errors,
        confirming: extra.confirming,
        currentSection: 'jobs',
        backLink: paths.applicant.application({ id }),
      });
    }

    scope.get<Params>(paths.applicant.offer.pattern, (request, reply) => renderOffer(request, reply));

    scope.post<Params & Form>(paths.applicant.offer.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      const form = offerFormSchema.safeParse(request.body ?? {});
      if (!form.success) return renderOffer(request, reply, { errors: formErrorsFrom(form.error), status: 400 });
      // First the choice, then a page to confirm it: an offer answered cannot be answered again.
      if (form.data.confirmed !== 'yes') return renderOffer(request, reply, { confirming: form.data.answer });
      await interviews.answerOffer(request.actor, id, form.data.answer === 'accept', request.ip);
      return reply.redirect(paths.applicant.offer({ id }), 303);
    });
  });

  // The referee's page: no account, the link's token is the key, and it works once.
  type TokenParams = { Params: { token: string } };
  async function renderReference(
    request: FastifyRequest<TokenParams>,
    reply: FastifyReply,
    extra: { errors?: FormErrors; values?: Record<string, unknown> } = {},
  ) {
    const found = await checks.referenceByToken(request.params.token);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (found.problem)
      return reply
        .code(found.problem === 'not_found' ? 404 : 410)
        .render(`${views}/reference-unavailable.njk`, { problem: found.problem });
    return reply.code(extra.errors ? 400 : 200).render(`${views}/reference.njk`, {
      request: found.request,
      token: request.params.token,
      paths,
      values: extra.values ?? {},
      errors: extra.errors,
    });
  }

  app.get<TokenParams>(paths.reference.pattern, (request, reply) => renderReference(request, reply));

  app.post<TokenParams & Form>(paths.reference.pattern, async (request, reply) => {
    const form = referenceFormSchema.safeParse(request.body ?? {});
    if (!form.success)
      return renderReference(request, reply, {
        errors: formErrorsFrom(form.error, { hasConcerns: 'hasConcerns', declaration: 'declaration' }),
        values: request.body,
      });
    const { hasConcerns, concerns, ...rest } = form.data;
    const problem = await checks.answerReference(
      request.params.token,
      { ...rest, concerns: hasConcerns === 'yes' ? concerns : '', declaration: true },
      request.ip,
    );
    if (problem) return renderReference(request, reply);
    return reply.header('cache-control', 'no-store').render(`${views}/reference-received.njk`, {});
  });
}
