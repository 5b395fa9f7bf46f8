import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldError, formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import type { Actor } from '../../../shared/actor.js';
import { staffOnly } from '../../identity/guards.js';
import { parseIdParam } from '../../identity/schemas.js';
import { checkAnswers } from '../core/answers.js';
import { casePaths } from '../paths.js';
import { PHOTO_FIELD } from '../photos/limits.js';
import type { CasePhotos } from '../photos/service.js';
import {
  answersFrom,
  contactDetailsSchema,
  contactStartSchema,
  parseConsent,
  type ContactStart,
} from './contact-schemas.js';
import type { ContactRouting, StaffContactService } from './contact-service.js';
import { channelNames, recordingChannels } from './presenters.js';
import { staffStatusNames } from '../core/status.js';
import { dayInEngland } from '../../../shared/dates.js';

const views = 'cases/views/staff';
const paths = casePaths.staff;

type FormRequest = FastifyRequest<{ Querystring: Record<string, unknown>; Body: Record<string, unknown> }>;

/** Several lists of errors as one, the summary in the order of the form's fields. */
function mergeErrors(fieldOrder: string[], ...lists: (FormErrors | null)[]): FormErrors | null {
  const merged: FormErrors = { summary: [], fields: {} };
  for (const list of lists) {
    if (!list) continue;
    merged.summary.push(...list.summary);
    Object.assign(merged.fields, list.fields);
  }
  const position = (href: string) => {
    const index = fieldOrder.findIndex((field) => href === `#${field}` || href.startsWith(`#${field}-`));
    return index === -1 ? fieldOrder.length : index;
  };
  merged.summary.sort((a, b) => position(a.href) - position(b.href));
  return merged.summary.length > 0 ? merged : null;
}

/** "Record a contact": step 1 (how, what, where), step 2 (the details), and the confirmation with the reference. */
export function registerStaffContactRoutes(
  app: FastifyInstance,
  contacts: StaffContactService,
  clock: () => Date,
  photos: CasePhotos,
  photoUploadsPerMinute: number,
): void {
  const takesPhotos = {
    config: { takesUploads: true, rateLimit: { max: photoUploadsPerMinute, timeWindow: '1 minute' } },
  };
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    async function renderStart(
      actor: Actor,
      reply: FastifyReply,
      status: number,
      values: Record<string, unknown>,
      errors?: FormErrors,
    ) {
      const kinds = await contacts.kinds(actor);
      return reply.code(status).render(`${views}/record-contact-start.njk`, {
        kinds,
        channels: recordingChannels,
        channelNames,
        values,
        errors,
        paths,
        currentSection: 'cases',
        backLink: paths.worklist,
      });
    }

    function renderElsewhere(
      reply: FastifyReply,
      start: ContactStart,
      routing: Extract<ContactRouting, { outcome: 'elsewhere' }>,
    ) {
      return reply.render(`${views}/record-contact-elsewhere.njk`, {
        routing,
        changeHref: `${paths.recordContact}?${new URLSearchParams({ channel: start.channel, kind: start.kind, postcode: start.postcode })}`,
        paths,
        currentSection: 'cases',
        backLink: `${paths.recordContact}?${new URLSearchParams({ channel: start.channel, kind: start.kind, postcode: start.postcode })}`,
      });
    }

    function renderDetails(
      request: FormRequest,
      reply: FastifyReply,
      status: number,
      start: ContactStart,
      routing: Extract<ContactRouting, { outcome: 'routed' }>,
      extra: { values?: Record<string, unknown>; errors?: FormErrors | null; consentDateParts?: string[] } = {},
    ) {
      const changeHref = `${paths.recordContact}?${new URLSearchParams({ channel: start.channel, kind: start.kind, postcode: start.postcode })}`;
      return reply.code(status).render(`${views}/record-contact-details.njk`, {
        start,
        routing,
        needsConsent: contacts.needsConsent(request.actor),
        values: extra.values ?? {},
        errors: extra.errors ?? undefined,
        consentDateParts: extra.consentDateParts ?? [],
        channelNames,
        changeHref,
        paths,
        currentSection: 'cases',
        backLink: changeHref,
      });
    }

    /** Step 1's answers (from the query, or the hidden fields of step 2), routed: or the page that says what is wrong. */
    async function routeStart(request: FormRequest, reply: FastifyReply, source: Record<string, unknown>) {
      const start = contactStartSchema.safeParse(source);
      if (!start.success) {
        await renderStart(
          request.actor,
          reply,
          400,
          source,
          formErrorsFrom(start.error, { channel: 'channel', kind: 'kind' }),
        );
        return null;
      }
      const routing = await contacts.route(request.actor, start.data);
      if (routing.outcome === 'problem') {
        await renderStart(request.actor, reply, 400, source, fieldError(routing.field, routing.message));
        return null;
      }
      if (routing.outcome === 'elsewhere') {
        await renderElsewhere(reply, start.data, routing);
        return null;
      }
      return { start: start.data, routing };
    }

    scope.get(paths.recordContact, (request: FormRequest, reply) =>
      renderStart(request.actor, reply, 200, request.query),
    );

    scope.get(paths.recordContactDetails, async (request: FormRequest, reply) => {
      const routed = await routeStart(request, reply, request.query);
      if (!routed) return reply;
      return renderDetails(request, reply, 200, routed.start, routed.routing);
    });

    scope.post(paths.recordContactDetails, takesPhotos, async (request: FormRequest, reply) => {
      const body = request.body ?? {};
      const routed = await routeStart(request, reply, body);
      if (!routed) return reply;
      const { start, routing } = routed;

      const details = contactDetailsSchema.safeParse(body);
      const answers = answersFrom(body);
      const answersCheck = checkAnswers(routing.questions, answers, dayInEngland(clock()));
      const consent = contacts.needsConsent(request.actor) ? parseConsent(body, dayInEngland(clock())) : null;
      const answerErrors = answersCheck.valid
        ? null
        : answerFormErrors(
            routing.questions.map((question) => question.code),
            answersCheck.errors,
          );
      const fieldOrder = [
        'locationDescription',
        ...routing.questions.map((question) => `q_${question.code}`),
        'description',
        PHOTO_FIELD,
        'contactName',
        'contactEmail',
        'contactPhone',
        'consentGivenBy',
        'consentGivenOn',
        'consentPurpose',
        'consentLasts',
      ];
      // Decoded only when nothing else is wrong: the photos must be selected again after any error.
      const otherwiseFine = details.success && !answerErrors && !consent?.errors;
      const checkedPhotos = otherwiseFine ? await photos.check(request.uploads) : undefined;
      const photoErrors =
        checkedPhotos && 'error' in checkedPhotos ? fieldError(PHOTO_FIELD, checkedPhotos.error) : null;
      const errors = mergeErrors(
        fieldOrder,
        details.success ? null : formErrorsFrom(details.error),
        answerErrors,
        consent?.errors ?? null,
        photoErrors,
      );
      if (errors || !details.success || !checkedPhotos || 'error' in checkedPhotos) {
        return renderDetails(request, reply, 400, start, routing, {
          values: body,
          errors,
          consentDateParts: consent && !consent.consent ? consent.dateParts : [],
        });
      }

      const result = await contacts.record(
        request.actor,
        start,
        routing.place,
        details.data,
        answers,
        consent?.consent ?? undefined,
        async (trx, created) => {
          await photos.attach(trx, { caseId: created.caseId }, checkedPhotos.photos, {
            staffId: request.actor.kind === 'staff' ? request.actor.staffId : null,
          });
        },
      );
      switch (result.outcome) {
        case 'created':
          return reply.redirect(paths.recordContactDone({ id: result.caseId }), 303);
        case 'invalid-answers':
          return renderDetails(request, reply, 400, start, routing, {
            values: body,
            errors: answerFormErrors(
              routing.questions.map((question) => question.code),
              result.errors,
            ),
          });
        case 'consent-required':
          return renderDetails(request, reply, 400, start, routing, {
            values: body,
            errors: fieldError('consentGivenBy', 'Record the client’s consent before you send this'),
          });
        case 'anonymous-not-allowed':
          return renderDetails(request, reply, 400, start, routing, {
            values: body,
            errors: fieldError('contactEmail', 'Enter an email address or telephone number for the person'),
          });
        case 'unknown-kind':
          return renderStart(request.actor, reply, 400, body, fieldError('kind', 'Select the kind of request'));
        case 'not-a-member':
        case 'not-offered':
          return renderElsewhere(reply, start, {
            outcome: 'elsewhere',
            kind: routing.kind,
            place: routing.place,
            providerName: result.providerName,
            providerUrl: result.providerUrl,
          });
      }
    });

    scope.get<{ Params: { id: string } }>(paths.recordContactDone.pattern, async (request, reply) => {
      const record = await contacts.recorded(request.actor, parseIdParam(request.params));
      return reply.render(`${views}/record-contact-done.njk`, {
        record,
        channelNames,
        statusNames: staffStatusNames,
        paths,
        currentSection: 'cases',
      });
    });
  });
}

/** checkAnswers' messages by question code, as the form's q_<code> fields, in the order of the questions. */
function answerFormErrors(codes: string[], byCode: Record<string, string>): FormErrors {
  const errors: FormErrors = { summary: [], fields: {} };
  for (const code of codes) {
    const message = byCode[code];
    if (!message) continue;
    errors.fields[`q_${code}`] = { text: message };
    errors.summary.push({ text: message, href: `#q_${code}` });
  }
  return errors;
}
