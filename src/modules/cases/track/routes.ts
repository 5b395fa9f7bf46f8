import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldError, formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import type { Actor } from '../../../shared/actor.js';
import { citizenOnly } from '../../identity/guards.js';
import { identityPaths } from '../../identity/paths.js';
import { ForbiddenError } from '../../../shared/errors.js';
import type { CaseRecord } from '../core/case-repository.js';
import { InvalidChangeError } from '../core/case-workflow.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import type { CaseWorkflow } from '../core/case-workflow.js';
import { casePaths } from '../paths.js';
import { linesHtml } from '../report/presenters.js';
import { publicStatusNames, publicStatusTags } from '../core/status.js';
import { timelineEntries, trackingSummary } from './presenters.js';
import type { TrackingProof } from './proof.js';
import { REOPEN_REASON_LIMIT, reopenSchema, trackByPhoneSchema, trackSchema } from './schemas.js';
import { consentOnTrackingPage } from './consent.js';

const view = (name: string) => `cases/views/track/${name}.njk`;

/** One message whichever was wrong, so the form cannot be used to learn which references or emails exist. */
export const notFoundMessage = 'We cannot find a request with that reference and email address';
export const phoneNotFoundMessage = 'We cannot find a request with that reference and phone number';

/** Who may see a request's full tracking page and reopen it: the signed-in resident who made it, or whoever proved the reference and email. */
export function mayFollow(
  actor: Actor,
  record: Pick<CaseRecord, 'id' | 'citizen_id'>,
  provenCaseId: number | undefined,
): boolean {
  if (actor.kind === 'citizen' && record.citizen_id === actor.citizenId) return true;
  return provenCaseId === record.id;
}

type ReferenceParams = { Params: { reference: string } };

export interface TrackRouteDependencies {
  cases: CaseService;
  workflow: CaseWorkflow;
  repository: CaseRepository;
  signInAttemptsPerMinute: number;
}

/** /track, a request's own page, reopening it, and the signed-in resident's list of requests. */
export function registerTrackRoutes(app: FastifyInstance, deps: TrackRouteDependencies, proof: TrackingProof): void {
  const { cases, workflow, repository, signInAttemptsPerMinute } = deps;
  const limited = { config: { rateLimit: { max: signInAttemptsPerMinute, timeWindow: '1 minute' } } };
  const provenCaseId = (request: FastifyRequest) => proof.provenCaseId(request);

  /** The reference typed so far, carried to the other form: a hand-made address may send anything. */
  const typedReference = (value: unknown) => (typeof value === 'string' ? value.slice(0, 40) : '');
  const phoneHref = (reference: unknown) =>
    typedReference(reference)
      ? `${casePaths.trackByPhone}?reference=${encodeURIComponent(typedReference(reference))}`
      : casePaths.trackByPhone;

  app.get<{ Querystring: { reference?: string } }>(casePaths.track, async (request, reply) =>
    reply.render(view('find'), {
      values: { reference: typedReference(request.query.reference) },
      phoneHref: phoneHref(request.query.reference),
      yourRequests: request.actor.kind === 'citizen',
    }),
  );

  app.post<{ Body: Record<string, string> }>(casePaths.track, limited, async (request, reply) => {
    const values = { reference: request.body.reference, email: request.body.email };
    const form = trackSchema.safeParse(request.body);
    if (!form.success)
      return reply
        .code(400)
        .render(view('find'), { values, phoneHref: phoneHref(values.reference), errors: formErrorsFrom(form.error) });
    const record = await cases.findForTracking(form.data.reference, form.data.email);
    if (!record) {
      // Shown once, above both fields: which of the two was wrong is not said.
      const errors: FormErrors = { summary: [{ text: notFoundMessage, href: '#reference' }], fields: {} };
      return reply
        .code(400)
        .render(view('find'), { values, phoneHref: phoneHref(values.reference), errors, notFound: notFoundMessage });
    }
    proof.grant(reply, record.id);
    return reply.redirect(casePaths.trackCase({ reference: record.reference }), 303);
  });

  // For someone who gave a telephone number and no email address (recorded by phone, or by an adviser).
  app.get<{ Querystring: { reference?: string } }>(casePaths.trackByPhone, async (request, reply) =>
    reply.render(view('find-by-phone'), {
      phoneValues: { reference: typedReference(request.query.reference) },
      backLink: casePaths.track,
    }),
  );

  app.post<{ Body: Record<string, string> }>(casePaths.trackByPhone, limited, async (request, reply) => {
    const phoneValues = { reference: request.body.reference, phone: request.body.phone };
    const page = (errors: FormErrors, phoneNotFound?: string) =>
      reply.code(400).render(view('find-by-phone'), { phoneValues, errors, phoneNotFound, backLink: casePaths.track });
    const form = trackByPhoneSchema.safeParse(request.body);
    if (!form.success) return page(formErrorsFrom(form.error));
    const record = await cases.findForTrackingByPhone(form.data.reference, form.data.phone);
    // Shown once, above both fields: which of the two was wrong is not said.
    if (!record)
      return page({ summary: [{ text: phoneNotFoundMessage, href: '#reference' }], fields: {} }, phoneNotFoundMessage);
    proof.grant(reply, record.id);
    return reply.redirect(casePaths.trackCase({ reference: record.reference }), 303);
  });

  async function renderCase(
    request: FastifyRequest,
    reply: FastifyReply,
    record: CaseRecord,
    extra: Record<string, unknown> = {},
  ) {
    const forReporter = mayFollow(request.actor, record, provenCaseId(request));
    const events = await cases.timeline(record, false);
    const ended = record.status === 'resolved' || record.status === 'closed';
    return reply.render(view(forReporter ? 'case' : 'public-case'), {
      request: trackingSummary(record),
      timeline: timelineEntries(events, forReporter),
      whereHtml: forReporter ? linesHtml([record.postcode, record.location_description]) : undefined,
      descriptionHtml: forReporter ? linesHtml(record.description.split(/\r?\n/)) : undefined,
      canReopen: forReporter && cases.canReopen(record),
      tooLateToReopen: forReporter && ended && !cases.canReopen(record),
      reopenAction: casePaths.reopen({ reference: record.reference }),
      limit: REOPEN_REASON_LIMIT,
      findHref: `${casePaths.track}?reference=${encodeURIComponent(record.reference)}`,
      backLink: request.actor.kind === 'citizen' && forReporter ? casePaths.yourRequests : undefined,
      ...(forReporter ? await consentOnTrackingPage(cases, record) : {}),
      ...extra,
    });
  }

  app.get<ReferenceParams & { Querystring: { reopened?: string; consentWithdrawn?: string } }>(
    casePaths.trackCase.pattern,
    async (request, reply) => {
      const record = await repository.findByReference(request.params.reference.toUpperCase());
      // A request nobody may see here looks just like one that does not exist: the form asks for the email.
      if (!record || (!record.is_public && !mayFollow(request.actor, record, provenCaseId(request)))) {
        return reply.redirect(
          `${casePaths.track}?reference=${encodeURIComponent(request.params.reference.slice(0, 40))}`,
          303,
        );
      }
      return renderCase(request, reply, record, {
        reopened: request.query.reopened === 'yes',
        consentWithdrawn: request.query.consentWithdrawn === 'yes',
      });
    },
  );

  app.post<ReferenceParams & { Body: Record<string, string> }>(
    casePaths.reopen.pattern,
    limited,
    async (request, reply) => {
      const record = await repository.findByReference(request.params.reference.toUpperCase());
      if (!record || !mayFollow(request.actor, record, provenCaseId(request))) throw new ForbiddenError();
      const form = reopenSchema.safeParse(request.body);
      const refuse = (errors: FormErrors) =>
        renderCase(request, reply.code(400), record, { errors, reason: request.body.reason });
      if (!form.success) return refuse(formErrorsFrom(form.error));
      try {
        await workflow.reopen(record, form.data.reason, request.actor);
      } catch (error) {
        if (error instanceof InvalidChangeError) return refuse(fieldError('reason', error.message));
        throw error;
      }
      return reply.redirect(`${casePaths.trackCase({ reference: record.reference })}?reopened=yes`, 303);
    },
  );

  app.register(async (scope) => {
    scope.addHook('preHandler', citizenOnly);
    scope.get(casePaths.yourRequests, async (request, reply) => {
      const records = await cases.listForCitizen(request.actor);
      const requests = records.map((record) => ({
        reference: record.reference,
        href: casePaths.trackCase({ reference: record.reference }),
        typeName: record.type_name,
        status: publicStatusNames[record.status],
        statusColour: publicStatusTags[record.status],
        reportedAt: record.created_at,
        organisationName: record.organisation_name,
      }));
      return reply.render(view('your-requests'), {
        requests,
        currentSection: 'account',
        backLink: identityPaths.citizen.home,
        reportHref: casePaths.report,
      });
    });
  });
}
