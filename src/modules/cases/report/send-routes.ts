import { setTimeout as sleep } from 'node:timers/promises';
import { dayInEngland } from '../../../shared/dates.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FormErrors } from '../../../web/form-errors.js';
import { formatDay } from '../../../shared/dates.js';
import type { Actor } from '../../../shared/actor.js';
import { checkAnswers } from '../core/answers.js';
import type { NewRequest, SubmitResult } from '../core/case-service.js';
import type { CatalogueService } from '../catalogue/service.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import { casePaths } from '../paths.js';
import type { CasePhotos } from '../photos/service.js';
import { firstIncompleteStep, stepPaths, type ReportDraft } from './draft.js';
import type { ReportDrafts, SentDraft } from './drafts.js';
import { fieldId, shortLabel } from './questions.js';
import { linesHtml } from './presenters.js';
import { reportView } from './routes.js';
import type { TrackingProof } from '../track/proof.js';

/** How long a second post of a draft waits for the first to finish sending it, before saying "still sending". */
const WAIT_FOR_OTHER_SENDER_MS = 5000;

export interface ReportSendRouteDependencies {
  catalogue: CatalogueService;
  cases: CaseService;
  repository: CaseRepository;
  clock: () => Date;
  photos: CasePhotos;
  /** Sending asks for a sign-in code by email: limited like sign-in attempts. */
  signInAttemptsPerMinute: number;
}

/** The end of the journey: check your answers, send exactly once, and the confirmation with the reference. */
export function registerReportSendRoutes(
  app: FastifyInstance,
  deps: ReportSendRouteDependencies,
  drafts: ReportDrafts,
  proof: TrackingProof,
): void {
  const { catalogue, cases, repository, clock, photos } = deps;

  /** The "check your answers" summary, each row with a link back to the step that asked it. */
  async function summaryOf(draft: ReportDraft, actor: Actor, draftId: number) {
    const change = (path: string, what: string, fragment = '') => ({
      items: [{ href: `${path}?change=yes${fragment}`, text: 'Change', visuallyHiddenText: what }],
    });
    const row = (key: string, value: { text?: string; html?: string }, actions?: ReturnType<typeof change>) => ({
      key: { text: key },
      value,
      actions,
    });
    const kind = await catalogue.findKind(draft.serviceCode!);
    const questions = await catalogue.questions(draft.routed!.requestTypeId);
    const checked = checkAnswers(questions, draft.questions!.answers, dayInEngland(clock()));
    const answers = checked.valid ? checked.answers : {};
    const where = draft.where!;
    const place = draft.place!.postcode ? `Postcode ${draft.place!.postcode}` : 'The place you marked on the map';

    const rows = [
      row('What', { text: kind?.name ?? draft.routed!.typeName }, change(casePaths.report, 'what you are reporting')),
      row(
        'Where',
        { html: linesHtml([place, where.locationDescription]) },
        change(casePaths.reportStep.where, 'where it is'),
      ),
      row('Who will deal with it', { text: draft.routed!.organisationName }),
      ...questions.map((question) => {
        const value = answers[question.code];
        const name = (key: string) => question.options.find((option) => option.key === key)?.name ?? key;
        const text =
          value === undefined
            ? 'Not given'
            : Array.isArray(value)
              ? value.map(name).join(', ')
              : question.datatype === 'singlevaluelist'
                ? name(String(value))
                : question.datatype === 'datetime'
                  ? formatDay(String(value))
                  : String(value);
        return row(
          question.label,
          { text },
          change(casePaths.reportStep.questions, shortLabel(question).toLowerCase(), `#${fieldId(question)}`),
        );
      }),
      row(
        'Description',
        { html: linesHtml(draft.questions!.description.split(/\r?\n/)) },
        change(casePaths.reportStep.questions, 'description', '#description'),
      ),
    ];
    const photoCount = await photos.countForDraft(draftId);
    rows.push(
      row(
        'Photos',
        { text: photoCount === 0 ? 'None' : `${photoCount} photo${photoCount === 1 ? '' : 's'}` },
        change(casePaths.reportStep.questions, 'photos', '#photos'),
      ),
    );
    const about = draft.about;
    if (actor.kind === 'citizen')
      rows.push(row('Your details', { html: linesHtml([actor.name, actor.email, '(from your account)']) }));
    else if (about?.kind === 'guest')
      rows.push(
        row(
          'Your details',
          { html: linesHtml([about.name, about.email, about.phone]) },
          change(casePaths.reportStep.aboutYou, 'your details'),
        ),
      );
    else
      rows.push(
        row(
          'Your details',
          { text: 'You are reporting anonymously' },
          change(casePaths.reportStep.aboutYou, 'your details'),
        ),
      );
    return rows;
  }

  function newRequestFrom(draft: ReportDraft, actor: Actor): NewRequest {
    const about = draft.about;
    const contact =
      actor.kind === 'citizen'
        ? { name: actor.name, email: actor.email, phone: null }
        : about?.kind === 'guest'
          ? { name: about.name, email: about.email, phone: about.phone }
          : { name: null, email: null, phone: null };
    return {
      serviceCode: draft.serviceCode!,
      place: draft.place!,
      locationDescription: draft.where!.locationDescription,
      description: draft.questions!.description,
      answers: draft.questions!.answers,
      channel: 'web',
      contact,
      citizenId: actor.kind === 'citizen' ? actor.citizenId : null,
    };
  }

  /** Why a checked draft was still refused (the catalogue changed meanwhile), as errors linking to the step to change. */
  function refusalErrors(result: Exclude<SubmitResult, { outcome: 'created' }>, draft: ReportDraft): FormErrors {
    const link = (text: string, path: string) => ({ summary: [{ text, href: path }], fields: {} });
    switch (result.outcome) {
      case 'invalid-answers':
        return {
          summary: Object.values(result.errors).map((text) => ({
            text,
            href: `${casePaths.reportStep.questions}?change=yes`,
          })),
          fields: {},
        };
      case 'not-a-member':
      case 'not-offered':
        return link(
          `${result.providerName} does not take this kind of request there through this service. Change where it is or what you are reporting`,
          `${casePaths.reportStep.where}?change=yes`,
        );
      case 'unknown-kind':
        return link(
          'This kind of request can no longer be reported here. Choose another',
          `${casePaths.report}?change=yes`,
        );
      case 'anonymous-not-allowed':
        return link(
          `You cannot report ${draft.routed!.typeName.toLowerCase()} anonymously. Give your name and email address`,
          `${casePaths.reportStep.aboutYou}?change=yes`,
        );
      case 'consent-required':
        return link(
          'Partner advisers record a request for a client, with their consent, from the staff pages',
          casePaths.staff.recordContact,
        );
    }
  }

  app.get(casePaths.reportStep.check, async (request, reply) => {
    const state = await drafts.load(request);
    if (state.state === 'sent') return reply.redirect(casePaths.reportStep.confirmation, 303);
    if (state.state === 'none') return reply.redirect(stepPaths[firstIncompleteStep({}, request.actor)], 303);
    const draft = state.draft;
    const missing = firstIncompleteStep(draft, request.actor);
    if (missing !== 'check') return reply.redirect(stepPaths[missing], 303);
    return reply.render(reportView('check'), {
      rows: await summaryOf(draft, request.actor, state.id),
      backLink: request.actor.kind === 'citizen' ? stepPaths.questions : stepPaths.about,
    });
  });

  // Sending is limited like signing in: a person sends a few reports, a script sending hundreds is stopped.
  const limited = { config: { rateLimit: { max: deps.signInAttemptsPerMinute, timeWindow: '1 minute' } } };
  app.post(casePaths.reportStep.check, limited, async (request, reply) => {
    const state = await drafts.load(request);
    if (state.state === 'none') return reply.redirect(`${casePaths.report}?expired=yes`, 303);
    if (state.state === 'sent') return reply.redirect(casePaths.reportStep.confirmation, 303);
    const { draft, id, submittingAt } = state;
    const missing = firstIncompleteStep(draft, request.actor);
    if (missing !== 'check') return reply.redirect(stepPaths[missing], 303);

    const actor = request.actor;
    let refused: Exclude<SubmitResult, { outcome: 'created' }> | undefined;
    const sent: SentDraft = {
      confirmationEmail:
        actor.kind === 'citizen' ? actor.email : draft.about?.kind === 'guest' ? draft.about.email : null,
    };
    const outcome = await drafts.sendOnce(id, submittingAt, async (markSent) => {
      const result = await cases.submit(actor, newRequestFrom(draft, actor), {
        withinTransaction: async (trx, created) => {
          // The draft's photos become the case's in the transaction that makes it.
          await photos.moveDraftPhotos(trx, id, created.caseId);
          await markSent(trx, created.caseId, sent);
        },
      });
      if (result.outcome === 'created') return true;
      refused = result;
      return false;
    });
    if (outcome === 'not-sent' && refused) {
      return reply.code(400).render(reportView('check'), {
        rows: await summaryOf(draft, actor, id),
        errors: refusalErrors(refused, draft),
        backLink: stepPaths.about,
      });
    }
    if (outcome === 'sending-elsewhere') await waitForOtherSender(request);
    return reply.redirect(casePaths.reportStep.confirmation, 303);
  });

  /** A second post of a draft being sent (a double click): wait for the first, which redirects the same way. */
  async function waitForOtherSender(request: FastifyRequest) {
    const until = Date.now() + WAIT_FOR_OTHER_SENDER_MS;
    let state = await drafts.load(request);
    while (state.state === 'editing' && Date.now() < until) {
      await sleep(100);
      state = await drafts.load(request);
    }
    return state;
  }

  app.get(casePaths.reportStep.confirmation, async (request, reply) => {
    const state = await drafts.load(request);
    if (state.state === 'editing' && state.submittingAt) return reply.render(reportView('sending'));
    if (state.state !== 'sent') return reply.redirect(casePaths.report, 303);
    const record = await repository.findById(state.caseId);
    if (!record) return reply.redirect(casePaths.report, 303);
    // The browser that sent the report may follow it at once, without its reference and email.
    proof.grant(reply, record.id);
    return reply.render(reportView('confirmation'), {
      reference: record.reference,
      typeName: record.type_name,
      organisationName: record.organisation_name,
      dueOn: record.due_on,
      email: state.sent.confirmationEmail,
      trackHref: casePaths.trackCase({ reference: record.reference }),
      signedIn: request.actor.kind === 'citizen',
      isPublic: record.is_public,
    });
  });
}
