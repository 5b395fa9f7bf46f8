import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VacancyDocumentKind } from '../../../db/schema.js';
import { dateInputValues } from '../../../shared/date-input.js';
import { NotFoundError } from '../../../shared/errors.js';
import { single } from '../../../shared/form-values.js';
import { fieldError, formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { staffOnly } from '../../identity/guards.js';
import { requireCapability } from '../../identity/policy.js';
import { stageNames } from '../applications/stages.js';
import { recruitmentPaths } from '../paths.js';
import type { VacancyDocuments } from './document-service.js';
import { attachmentHeader, DOCUMENT_FIELD, documentKindNames, documentKinds } from './documents.js';
import { londonDayAndTime } from './clock-times.js';
import {
  guaranteedInterviewNames,
  guaranteedInterviewSchemes,
  readPaperApplication,
  type PaperApplications,
} from './paper-application.js';
import { vacancyPhaseNames } from './phase.js';
import {
  contractTypeNames,
  contractTypes,
  MAX_CRITERIA,
  parseId,
  readCriteriaRows,
  readExtension,
  readVacancyForm,
  reasonSchema,
  rowChange,
  salaryPeriodNames,
  workingPatternNames,
  type CriterionInput,
} from './schemas.js';
import {
  actionsWithReason,
  vacancyActions,
  VacancyRuleError,
  type VacancyAction,
  type VacancyService,
} from './service.js';

const views = 'recruitment/vacancies/views';
const paths = recruitmentPaths.staff;
type Params = { Params: { id: string; documentId?: string; action?: string } };
type Form = { Body: Record<string, unknown> };

const common = {
  paths,
  publicPaths: recruitmentPaths,
  currentSection: 'recruitment',
  contractTypes,
  contractTypeNames,
  workingPatternNames,
  salaryPeriodNames,
  vacancyPhaseNames,
  documentKinds,
  documentKindNames,
  stageNames,
  maxCriteria: MAX_CRITERIA,
};

const pounds = (pence: number | null) => (pence === null ? '' : (pence / 100).toFixed(pence % 100 === 0 ? 0 : 2));

/** The form's values for a vacancy as stored, to edit it. */
function valuesOf(vacancy: Awaited<ReturnType<VacancyService['view']>>) {
  const row = vacancy.vacancy;
  const closes = londonDayAndTime(row.closes_at);
  const publish = row.publish_at ? londonDayAndTime(row.publish_at) : null;
  return {
    title: row.title,
    serviceArea: row.service_area,
    locationName: row.location_name,
    postcode: row.postcode ?? '',
    salaryMin: pounds(row.salary_min_pence),
    salaryMax: pounds(row.salary_max_pence),
    salaryPeriod: row.salary_period,
    grade: row.grade,
    hoursPerWeek: row.hours_per_week === null ? '' : String(Number(row.hours_per_week)),
    workingPattern: row.working_pattern,
    contractType: row.contract_type,
    ...dateInputValues('closesOn', closes.day),
    closesTime: closes.time,
    ...dateInputValues('publishOn', publish?.day ?? null),
    publishTime: publish?.time ?? '',
    description: row.description,
    anonymisedShortlisting: row.anonymised_shortlisting ? 'yes' : 'no',
    requiresDbs: row.requires_dbs ? 'yes' : 'no',
    hiringManager: row.hiring_manager_staff_id === null ? '' : String(row.hiring_manager_staff_id),
    criteria: vacancy.criteria.map((criterion) => ({ kind: criterion.kind, text: criterion.text })),
  };
}

function dateParts(name: string, values: Record<string, unknown>) {
  return ['day', 'month', 'year'].map((part) => ({ part, value: values[`${name}-${part}`] ?? '' }));
}

/** The staff pages of vacancies: create and change drafts, their documents, their lifecycle, paper applications. */
export function registerVacancyRoutes(
  app: FastifyInstance,
  {
    vacancies,
    documents,
    paper,
    clock,
  }: {
    vacancies: VacancyService;
    documents: VacancyDocuments;
    paper: PaperApplications;
    clock: () => Date;
  },
): void {
  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      id?: number;
      values: Record<string, unknown> & { criteria: CriterionInput[] };
      errors?: FormErrors;
      dateErrorParts?: Record<string, string[]>;
      status?: number;
    },
  ) {
    const managers = await vacancies.hiringManagers(request.actor);
    const values = options.values;
    return reply.code(options.status ?? 200).render(`${views}/form.njk`, {
      ...common,
      id: options.id,
      values,
      closesParts: dateParts('closesOn', values),
      publishParts: dateParts('publishOn', values),
      criteria: values.criteria.length > 0 ? values.criteria : [{ kind: 'essential', text: '' }],
      managers,
      errors: options.errors,
      dateErrorParts: options.dateErrorParts ?? {},
      backLink: options.id ? paths.vacancy({ id: options.id }) : paths.home,
    });
  }

  /** The form posted: a row added or removed (shown again, nothing saved), or saved whole, or shown with its errors. */
  async function postForm(request: FastifyRequest<Form>, reply: FastifyReply, id?: number) {
    const body = request.body ?? {};
    const rows = readCriteriaRows(body).slice(0, MAX_CRITERIA);
    const change = rowChange(body);
    if (change) {
      if ('add' in change && rows.length < MAX_CRITERIA) rows.push({ kind: 'essential', text: '' });
      if ('remove' in change) rows.splice(change.remove, 1);
      return showForm(request, reply, { id, values: { ...body, criteria: rows } });
    }
    const form = readVacancyForm(body, clock());
    if (!form.ok)
      return showForm(request, reply, {
        id,
        values: { ...body, criteria: rows },
        errors: form.errors,
        dateErrorParts: form.dateErrorParts,
        status: 400,
      });
    try {
      if (id === undefined) id = await vacancies.create(request.actor, form.input, request.ip);
      else await vacancies.update(request.actor, id, form.input, request.ip);
    } catch (error) {
      if (!(error instanceof VacancyRuleError) || error.field === 'action') throw error;
      return showForm(request, reply, {
        id,
        values: { ...body, criteria: rows },
        errors: fieldError(error.field, error.message),
        status: 400,
      });
    }
    return reply.redirect(`${paths.vacancy({ id })}?saved`, 303);
  }

  async function showVacancy(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    errors?: FormErrors,
    status = 200,
  ) {
    const shown = await vacancies.view(request.actor, id);
    const notice = Object.keys((request.query as object) ?? {})[0];
    return reply.code(status).render(`${views}/vacancy.njk`, {
      ...common,
      ...shown,
      notice,
      errors,
      actionsWithReason,
      backLink: paths.home,
    });
  }

  async function showAction(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    action: VacancyAction,
    extra: { values?: Record<string, unknown>; errors?: FormErrors; status?: number } = {},
  ) {
    const shown = await vacancies.view(request.actor, id);
    if (!shown.actions.includes(action)) throw new NotFoundError();
    const values = extra.values ?? {};
    return reply.code(extra.status ?? 200).render(`${views}/action.njk`, {
      ...common,
      ...shown,
      action,
      values,
      closesParts: dateParts('closesOn', values),
      errors: extra.errors,
      backLink: paths.vacancy({ id }),
    });
  }

  const actionOf = (value: unknown): VacancyAction => {
    if (typeof value !== 'string' || !vacancyActions.includes(value as VacancyAction)) throw new NotFoundError();
    return value as VacancyAction;
  };

  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.get(paths.newVacancy, async (request, reply) => {
      const defaults = await vacancies.newVacancyDefaults(request.actor);
      return showForm(request, reply, {
        values: {
          salaryPeriod: 'annual',
          workingPattern: 'full_time',
          contractType: 'permanent',
          closesTime: '23:59',
          anonymisedShortlisting: defaults.anonymisedShortlisting ? 'yes' : 'no',
          requiresDbs: 'no',
          criteria: [
            { kind: 'essential', text: '' },
            { kind: 'essential', text: '' },
            { kind: 'desirable', text: '' },
          ],
        },
      });
    });
    scope.post<Form>(paths.newVacancy, async (request, reply) => {
      requireCapability(request.actor, 'recruitment.manage');
      return postForm(request, reply);
    });

    scope.get<Params>(paths.vacancy.pattern, async (request, reply) =>
      showVacancy(request, reply, parseId(request.params.id)),
    );

    scope.get<Params>(paths.editVacancy.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      const shown = await vacancies.view(request.actor, id);
      if (!shown.mayEdit) throw new NotFoundError();
      return showForm(request, reply, { id, values: valuesOf(shown) });
    });
    scope.post<Params & Form>(paths.editVacancy.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      const shown = await vacancies.view(request.actor, id);
      if (!shown.mayEdit) throw new NotFoundError();
      return postForm(request, reply, id);
    });

    // Documents: a page of them with an upload form (multipart), each downloadable and removable while a draft.
    const showDocuments = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: number,
      extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number } = {},
    ) => {
      const shown = await vacancies.view(request.actor, id);
      return reply.code(extra.status ?? 200).render(`${views}/documents.njk`, {
        ...common,
        ...shown,
        values: extra.values ?? {},
        errors: extra.errors,
        notice: Object.keys((request.query as object) ?? {})[0],
        documentField: DOCUMENT_FIELD,
        backLink: paths.vacancy({ id }),
      });
    };
    scope.get<Params>(paths.vacancyDocuments.pattern, async (request, reply) =>
      showDocuments(request, reply, parseId(request.params.id)),
    );
    scope.post<Params & Form>(
      paths.vacancyDocuments.pattern,
      { config: { takesUploads: true } },
      async (request, reply) => {
        const id = parseId(request.params.id);
        const body = request.body ?? {};
        const kind = single(body.kind);
        const uploads = request.uploads.filter((upload) => upload.field === DOCUMENT_FIELD);
        let errors: FormErrors | undefined;
        if (!documentKinds.includes(kind as VacancyDocumentKind))
          errors = fieldError('kind', 'Select what the document is', 'kind');
        else if (uploads.length === 0) errors = fieldError('document', 'Select a file to upload');
        else if (uploads.length > 1) errors = fieldError('document', 'Select one file at a time');
        if (!errors)
          try {
            await documents.add(request.actor, id, kind as VacancyDocumentKind, uploads[0], request.ip);
            return reply.redirect(`${paths.vacancyDocuments({ id })}?uploaded`, 303);
          } catch (error) {
            if (!(error instanceof VacancyRuleError)) throw error;
            errors = fieldError('document', error.message);
          }
        return showDocuments(request, reply, id, { errors, values: body, status: 400 });
      },
    );
    scope.get<Params>(paths.vacancyDocument.pattern, async (request, reply) => {
      const document = await documents.forStaff(
        request.actor,
        parseId(request.params.id),
        parseId(request.params.documentId),
      );
      return reply
        .type(document.content_type)
        .header('content-disposition', attachmentHeader(document.file_name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(document.bytes));
    });
    scope.post<Params>(paths.vacancyDocument.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      try {
        await documents.remove(request.actor, id, parseId(request.params.documentId), request.ip);
      } catch (error) {
        if (!(error instanceof VacancyRuleError)) throw error;
        return showDocuments(request, reply, id, { errors: fieldError('document', error.message), status: 409 });
      }
      return reply.redirect(`${paths.vacancyDocuments({ id })}?removed`, 303);
    });

    scope.get<Params>(paths.paperApplication.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      const shown = await vacancies.view(request.actor, id);
      if (!shown.mayRecordPaper) throw new NotFoundError();
      return reply.render(`${views}/paper-application.njk`, {
        ...common,
        ...shown,
        values: {},
        receivedParts: [],
        schemes: guaranteedInterviewSchemes,
        schemeNames: guaranteedInterviewNames,
        backLink: paths.vacancy({ id }),
      });
    });
    scope.post<Params & Form>(paths.paperApplication.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      const shown = await vacancies.view(request.actor, id);
      if (!shown.mayRecordPaper) throw new NotFoundError();
      const body = request.body ?? {};
      const form = readPaperApplication(body, clock());
      if (!form.ok)
        return reply.code(400).render(`${views}/paper-application.njk`, {
          ...common,
          ...shown,
          values: body,
          declared: [body.guaranteedInterview ?? []].flat(),
          errors: form.errors,
          receivedParts: form.receivedParts,
          schemes: guaranteedInterviewSchemes,
          schemeNames: guaranteedInterviewNames,
          backLink: paths.vacancy({ id }),
        });
      await paper.record(request.actor, id, form.input, request.ip);
      return reply.redirect(`${paths.vacancy({ id })}?paper-recorded`, 303);
    });

    scope.get<Params>(paths.vacancyAction.pattern, async (request, reply) => {
      const action = actionOf(request.params.action);
      if (!actionsWithReason.includes(action)) throw new NotFoundError();
      return showAction(request, reply, parseId(request.params.id), action);
    });
    scope.post<Params & Form>(paths.vacancyAction.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      const action = actionOf(request.params.action);
      const body = request.body ?? {};
      const details: { reason?: string; closesAt?: Date } = {};
      if (action === 'extend') {
        const shown = await vacancies.view(request.actor, id);
        const form = readExtension(body, clock(), shown.vacancy.closes_at);
        if (!form.ok) return showAction(request, reply, id, action, { values: body, errors: form.errors, status: 400 });
        Object.assign(details, { reason: form.reason, closesAt: form.closesAt });
      } else if (actionsWithReason.includes(action)) {
        const form = reasonSchema.safeParse(body);
        if (!form.success)
          return showAction(request, reply, id, action, {
            values: body,
            errors: formErrorsFrom(form.error),
            status: 400,
          });
        details.reason = form.data.reason;
      }
      try {
        const done = await vacancies.act(request.actor, id, action, details, request.ip);
        if (done.newId) return reply.redirect(`${paths.editVacancy({ id: done.newId })}`, 303);
        return reply.redirect(`${paths.vacancy({ id })}?${done.outcome}`, 303);
      } catch (error) {
        if (!(error instanceof VacancyRuleError)) throw error;
        if (actionsWithReason.includes(action))
          return showAction(request, reply, id, action, {
            values: body,
            errors: fieldError(
              error.field === 'action' ? 'reason' : error.field,
              error.message,
              error.field === 'closesOn' ? 'closesOn-day' : undefined,
            ),
            status: 409,
          });
        return showVacancy(request, reply, id, fieldError('action', error.message, 'actions'), 409);
      }
    });
  });

  // Anyone may download a public vacancy's documents; a draft's, a scheduled or a cancelled one's do not exist.
  app.get<{ Params: { slug: string; documentId: string } }>(
    recruitmentPaths.jobDocument.pattern,
    async (request, reply) => {
      const document = await documents.forPublic(request.params.slug, parseId(request.params.documentId));
      return reply
        .type(document.content_type)
        .header('content-disposition', attachmentHeader(document.file_name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'public, max-age=300')
        .send(Buffer.from(document.bytes));
    },
  );
}
