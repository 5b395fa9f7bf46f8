import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { closureReasons } from '../../../db/schema.js';
import { fieldError, formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import type { Actor } from '../../../shared/actor.js';
import { staffOnly } from '../../identity/guards.js';
import { hasCapability } from '../../identity/policy.js';
import { peoplePaths } from '../../people/index.js';
import { ForbiddenError } from '../../../shared/errors.js';
import { parseIdParam } from '../../identity/schemas.js';
import { InvalidChangeError, NeedsConfirmationError } from '../core/case-workflow.js';
import { casePaths, type StaffCaseAction } from '../paths.js';
import type { ProcessedPhoto } from '../photos/image.js';
import type { CasePhotos } from '../photos/service.js';
import {
  assignSchema,
  contactNoteSchema,
  internalNoteSchema,
  publicUpdateSchema,
  statusSchema,
  transferSchema,
} from './case-page-schemas.js';
import { FieldProblem, type StaffCaseService } from './case-page-service.js';
import { channelNames, closureReasonNames, contactNoteChannels, eventTitle } from './presenters.js';
import { staffStatusNames, staffStatusTags } from '../core/status.js';

const views = 'cases/views/staff';
const paths = casePaths.staff;

type CaseRequest = FastifyRequest<{
  Params: { id: string };
  Querystring: Record<string, unknown>;
  Body: Record<string, unknown>;
}>;

interface ActionDefinition<S extends z.ZodType> {
  name: StaffCaseAction;
  schema: S;
  /** Only staff who may act on the case (its owner's officers) may use it; others only note a contact. */
  needsAct: boolean;
  /** Where a refusal of the change itself (InvalidChangeError) is shown. */
  problemField: string;
  /** The form takes photos (its file input is `<action>-photos`), given to `run` once checked. */
  takesPhotos?: boolean;
  run: (actor: Actor, caseId: number, form: z.output<S>, photos: ProcessedPhoto[]) => Promise<unknown>;
  /** Where to go after the change: the case page with a banner, unless said otherwise. */
  redirectTo?: (caseId: number) => string;
}

/** The case page for staff, and each change made from it, as a small form with Post/Redirect/Get. */
export function registerStaffCaseRoutes(
  app: FastifyInstance,
  staffCases: StaffCaseService,
  photos: CasePhotos,
  photoUploadsPerMinute: number,
): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    async function renderCase(
      request: CaseRequest,
      reply: FastifyReply,
      status: number,
      extra: {
        errors?: FormErrors;
        values?: Record<string, unknown>;
        needsAct?: boolean;
        /** The checkbox a warning asks to be ticked before the change goes ahead. */
        confirmationField?: string;
      } = {},
    ) {
      const caseId = parseIdParam(request.params);
      const page = await staffCases.page(request.actor, caseId);
      // A form this member of staff may not use is refused, not answered with its errors.
      if (extra.needsAct && page.record.access !== 'act') throw new ForbiddenError();
      const done = [request.query.done].flat()[0];
      return reply.code(status).render(`${views}/case.njk`, {
        ...page,
        notice: status === 200 && typeof done === 'string' ? done : undefined,
        errors: extra.errors,
        values: extra.values ?? {},
        confirmationField: extra.confirmationField,
        statusNames: staffStatusNames,
        statusTagClasses: staffStatusTags,
        channelNames,
        closureReasonNames,
        closureReasons,
        contactNoteChannels,
        eventTitle,
        paths,
        // The customer view of the person: every case of theirs this member of staff may see.
        personHref:
          page.record.person_id && hasCapability(request.actor, 'people.find')
            ? peoplePaths.person({ id: page.record.person_id })
            : undefined,
        currentSection: 'cases',
        backLink: paths.worklist,
      });
    }

    scope.get(paths.case.pattern, (request: CaseRequest, reply) => renderCase(request, reply, 200));

    scope.get(
      paths.letter.pattern,
      async (request: FastifyRequest<{ Params: { id: string; letterId: string } }>, reply) => {
        const caseId = parseIdParam(request.params);
        const letterId = parseIdParam({ id: request.params.letterId });
        const { record, letter } = await staffCases.letter(request.actor, caseId, letterId);
        return reply.render(`${views}/letter.njk`, {
          record,
          letter,
          currentSection: 'cases',
          backLink: paths.case({ id: caseId }),
        });
      },
    );

    function registerAction<S extends z.ZodType>(action: ActionDefinition<S>) {
      const options = action.takesPhotos
        ? { config: { takesUploads: true, rateLimit: { max: photoUploadsPerMinute, timeWindow: '1 minute' } } }
        : {};
      scope.post(paths.caseAction[action.name].pattern, options, async (request: CaseRequest, reply) => {
        const caseId = parseIdParam(request.params);
        const form = action.schema.safeParse(request.body ?? {});
        const values = request.body ?? {};
        if (!form.success)
          return renderCase(request, reply, 400, {
            errors: formErrorsFrom(form.error),
            values,
            needsAct: action.needsAct,
          });
        const checked = action.takesPhotos ? await photos.check(request.uploads) : { photos: [] };
        if ('error' in checked)
          return renderCase(request, reply, 400, {
            errors: fieldError(`${action.name}-photos`, checked.error),
            values,
            needsAct: action.needsAct,
          });
        try {
          await action.run(request.actor, caseId, form.data, checked.photos);
        } catch (error) {
          if (error instanceof InvalidChangeError)
            return renderCase(request, reply, 409, {
              errors: fieldError(action.problemField, error.message),
              values,
              needsAct: action.needsAct,
              confirmationField: error instanceof NeedsConfirmationError ? error.confirmationField : undefined,
            });
          if (error instanceof FieldProblem)
            return renderCase(request, reply, 400, {
              errors: fieldError(error.field, error.message),
              values,
              needsAct: action.needsAct,
            });
          throw error;
        }
        return reply.redirect(
          action.redirectTo ? action.redirectTo(caseId) : `${paths.case({ id: caseId })}?done=${action.name}`,
          303,
        );
      });
    }

    registerAction({
      name: 'public-update',
      schema: publicUpdateSchema,
      needsAct: true,
      problemField: 'update',
      takesPhotos: true,
      run: (actor, caseId, form, checked) => staffCases.addPublicUpdate(actor, caseId, form.update, checked),
    });
    registerAction({
      name: 'internal-note',
      schema: internalNoteSchema,
      needsAct: true,
      problemField: 'note',
      takesPhotos: true,
      run: (actor, caseId, form, checked) => staffCases.addInternalNote(actor, caseId, form.note, checked),
    });
    registerAction({
      name: 'contact',
      schema: contactNoteSchema,
      needsAct: false,
      problemField: 'contactNote',
      run: (actor, caseId, form) => staffCases.recordContact(actor, caseId, form.contactChannel, form.contactNote),
    });
    registerAction({
      name: 'status',
      schema: statusSchema,
      needsAct: true,
      problemField: 'status',
      run: (actor, caseId, form) =>
        staffCases.changeStatus(actor, caseId, {
          status: form.status,
          closureReason: form.closureReason,
          duplicateReference: form.duplicateReference,
          message: form.statusMessage,
        }),
    });
    registerAction({
      name: 'assign',
      schema: assignSchema,
      needsAct: true,
      problemField: 'team',
      run: (actor, caseId, form) => staffCases.assign(actor, caseId, form.team, form.assignee),
    });
    registerAction({
      name: 'transfer',
      schema: transferSchema,
      needsAct: true,
      problemField: 'transferTo',
      run: (actor, caseId, form) =>
        staffCases.transfer(actor, caseId, form.transferTo, form.transferReason, form.confirmOutsideArea),
      // The sender may no longer see the case: the worklist says where it went.
      redirectTo: (caseId) => `${paths.worklist}?transferred=${caseId}`,
    });
  });
}
