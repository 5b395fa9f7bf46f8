import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApplicationStatus } from '../../../db/schema.js';
import { dateInputWording, parseDateInput, readDateInput } from '../../../shared/date-input.js';
import { dayInEngland, formatDateTime, formatDay } from '../../../shared/dates.js';
import { fieldError, formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { staffOnly } from '../../identity/guards.js';
import { StageChangeRefused } from '../applications/stage-change.js';
import { employerMovesFrom, stageNames } from '../applications/stages.js';
import { recruitmentPaths } from '../paths.js';
import { guaranteedInterviewNames, type ApplicationsService } from './applications-service.js';
import type { ChecksService } from './checks-service.js';
import { instantInEngland } from '../../../shared/dates.js';
import type { InterviewsService } from './interviews-service.js';
import { BulkMoveRefused, type MovesService } from './moves-service.js';
import {
  bulkFormSchema,
  checksFormSchema,
  listQuerySchema,
  panelFormSchema,
  parseId,
  readScores,
  slotFormSchema,
  stageFormSchema,
} from './schemas.js';
import { scoreMeanings, type ScoresService } from './scores-service.js';

const views = 'recruitment/pipeline/views';
const paths = recruitmentPaths;
type Params = { Params: { id: string } };
type Form = { Body: Record<string, unknown> };
type Query = { Querystring: Record<string, unknown> };

const common = {
  paths,
  stageNames,
  guaranteedInterviewNames,
  scoreMeanings,
  formatDay,
  formatDateTime,
  currentSection: 'recruitment',
};

/** Every stage a bulk move may go to: each application is checked against its own stage when moved. */
const bulkTargets: ApplicationStatus[] = [
  'shortlisted',
  'reserve',
  'unsuccessful',
  'interview_invited',
  'interviewed',
  'conditional_offer',
  'pre_employment_checks',
  'vacancy_cancelled',
];

export interface PipelineServices {
  applications: ApplicationsService;
  moves: MovesService;
  scores: ScoresService;
  interviews: InterviewsService;
  checks: ChecksService;
}

/** The employer's side of the pipeline: applications, moves, shortlisting, interviews and checks. */
export function registerPipelineStaffRoutes(app: FastifyInstance, services: PipelineServices): void {
  const { applications, moves, scores, interviews, checks } = services;

  async function renderList(
    request: FastifyRequest<Params & Query>,
    reply: FastifyReply,
    extra: {
      errors?: FormErrors;
      refusals?: { label: string; message: string; applicationId: number }[];
      values?: Record<string, unknown>;
      status?: number;
    } = {},
  ) {
    const vacancyId = parseId(request.params.id);
    const filters = listQuerySchema.parse(request.query ?? {});
    const list = await applications.list(request.actor, vacancyId, filters);
    const selected = [extra.values?.applicationIds ?? []].flat().map(String);
    return reply.code(extra.status ?? 200).render(`${views}/applications.njk`, {
      ...common,
      ...list,
      filters,
      stages: Object.keys(stageNames).filter((stage) => stage !== 'draft'),
      bulkTargets,
      selected,
      values: extra.values ?? {},
      errors: extra.errors,
      refusals: extra.refusals,
      notice: single(request.query?.moved),
      backLink: paths.staff.vacancy({ id: vacancyId }),
    });
  }

  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.get<Params & Query>(paths.staff.applications.pattern, (request, reply) => renderList(request, reply));

    scope.get<Params & Query>(paths.staff.applicationsCsv.pattern, async (request, reply) => {
      const vacancyId = parseId(request.params.id);
      const filters = listQuerySchema.parse(request.query ?? {});
      const { csv } = await applications.exportCsv(request.actor, vacancyId, filters, request.ip);
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="applications-${vacancyId}-${dayInEngland(new Date())}.csv"`,
        )
        .header('cache-control', 'no-store')
        .send(csv);
    });

    scope.post<Params & Form & Query>(paths.staff.bulk.pattern, async (request, reply) => {
      const vacancyId = parseId(request.params.id);
      const form = bulkFormSchema.safeParse(request.body ?? {});
      if (!form.success)
        return renderList(request, reply, {
          errors: formErrorsFrom(form.error, { applicationIds: 'applications' }),
          values: request.body,
          status: 400,
        });
      try {
        const moved = await moves.moveMany(request.actor, vacancyId, form.data.applicationIds, form.data, request.ip);
        return reply.redirect(`${paths.staff.applications({ id: vacancyId })}?moved=${moved}`, 303);
      } catch (error) {
        if (!(error instanceof BulkMoveRefused)) throw error;
        const needsReason = error.refusals.some((refusal) => /guaranteed interview/.test(refusal.message));
        return renderList(request, reply, {
          errors: needsReason
            ? fieldError('reason', 'Give the reason for not inviting the guaranteed-interview applicants to interview')
            : {
                summary: [{ text: 'None of the applications were moved: see why below', href: '#refusals' }],
                fields: {},
              },
          refusals: error.refusals,
          values: request.body,
          status: 409,
        });
      }
    });

    async function renderApplication(
      request: FastifyRequest<Params>,
      reply: FastifyReply,
      extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number } = {},
    ) {
      const id = parseId(request.params.id);
      const shown = await applications.view(request.actor, id, request.ip);
      return reply.code(extra.status ?? 200).render(`${views}/application.njk`, {
        ...common,
        ...shown,
        moves: shown.access.role === 'recruiter' ? employerMovesFrom(shown.application.status) : [],
        values: extra.values ?? {},
        errors: extra.errors,
        notice: single((request.query as Record<string, unknown>)?.notice),
        backLink: paths.staff.applications({ id: shown.access.vacancy.id }),
      });
    }

    scope.get<Params>(paths.staff.application.pattern, (request, reply) => renderApplication(request, reply));
    scope.get<Params>(paths.staff.applicationStage.pattern, (request, reply) =>
      reply.redirect(`${paths.staff.application({ id: parseId(request.params.id) })}#stage`, 303),
    );

    scope.post<Params & Form>(paths.staff.applicationStage.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      const form = stageFormSchema.safeParse(request.body ?? {});
      if (!form.success)
        return renderApplication(request, reply, {
          errors: formErrorsFrom(form.error, { to: 'to' }),
          values: request.body,
          status: 400,
        });
      try {
        await moves.moveOne(request.actor, id, form.data, request.ip);
      } catch (error) {
        if (!(error instanceof StageChangeRefused)) throw error;
        return renderApplication(request, reply, {
          errors: fieldError(error.field ?? 'to', error.message),
          values: request.body,
          status: 409,
        });
      }
      return reply.redirect(`${paths.staff.application({ id })}?notice=moved`, 303);
    });

    // Shortlisting: the panel, and the applications ranked by their mean total score.
    async function renderShortlist(request: FastifyRequest<Params>, reply: FastifyReply, errors?: FormErrors) {
      const vacancyId = parseId(request.params.id);
      const panel = await scores.panel(request.actor, vacancyId);
      const list = await applications.list(request.actor, vacancyId, { sort: 'score' });
      return reply.code(errors ? 400 : 200).render(`${views}/shortlist.njk`, {
        ...common,
        ...panel,
        rows: list.rows.filter((row) => ['submitted', 'reserve', 'shortlisted'].includes(row.status)),
        errors,
        backLink: paths.staff.applications({ id: vacancyId }),
      });
    }

    scope.get<Params>(paths.staff.shortlist.pattern, (request, reply) => renderShortlist(request, reply));

    scope.post<Params & Form>(paths.staff.shortlist.pattern, async (request, reply) => {
      const vacancyId = parseId(request.params.id);
      const form = panelFormSchema.safeParse(request.body ?? {});
      if (!form.success) return renderShortlist(request, reply, formErrorsFrom(form.error));
      if (form.data.action === 'remove')
        await scores.removePanelMember(request.actor, vacancyId, form.data.staffId, request.ip);
      else if (!(await scores.addPanelMember(request.actor, vacancyId, form.data.staffId, request.ip)))
        return renderShortlist(
          request,
          reply,
          fieldError('staffId', 'Select a member of your organisation’s staff who may shortlist'),
        );
      return reply.redirect(paths.staff.shortlist({ id: vacancyId }), 303);
    });

    async function renderScores(
      request: FastifyRequest<Params>,
      reply: FastifyReply,
      extra: { errors?: FormErrors; values?: Record<string, unknown> } = {},
    ) {
      const id = parseId(request.params.id);
      const scoring = await scores.scoring(request.actor, id);
      const shown = await applications.view(request.actor, id, request.ip);
      const values =
        extra.values ??
        Object.fromEntries(
          scoring.criteria.flatMap((criterion) => [
            [`score-${criterion.id}`, criterion.score === null ? '' : String(criterion.score)],
            [`note-${criterion.id}`, criterion.note ?? ''],
          ]),
        );
      return reply.code(extra.errors ? 400 : 200).render(`${views}/scores.njk`, {
        ...common,
        ...shown,
        scoring,
        values,
        errors: extra.errors,
        backLink: paths.staff.application({ id }),
      });
    }

    scope.get<Params>(paths.staff.applicationScores.pattern, (request, reply) => renderScores(request, reply));

    scope.post<Params & Form>(paths.staff.applicationScores.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      const { criteria } = await scores.scoring(request.actor, id);
      const read = readScores(request.body ?? {}, criteria);
      if (read.errors.length) {
        const errors: FormErrors = { summary: [], fields: {} };
        for (const error of read.errors) {
          errors.fields[error.field] = { text: error.message };
          errors.summary.push({ text: error.message, href: `#${error.field}` });
        }
        return renderScores(request, reply, { errors, values: request.body ?? {} });
      }
      await scores.saveScores(request.actor, id, read.scores, request.ip);
      return reply.redirect(`${paths.staff.application({ id })}?notice=scored`, 303);
    });

    // Interview slots.
    async function renderSlots(
      request: FastifyRequest<Params>,
      reply: FastifyReply,
      extra: { errors?: FormErrors; values?: Record<string, unknown>; dateParts?: string[] } = {},
    ) {
      const vacancyId = parseId(request.params.id);
      const shown = await interviews.slots(request.actor, vacancyId);
      return reply.code(extra.errors ? 400 : 200).render(`${views}/slots.njk`, {
        ...common,
        ...shown,
        values: extra.values ?? { minutes: '45' },
        errors: extra.errors,
        dateParts: extra.dateParts ?? [],
        backLink: paths.staff.applications({ id: vacancyId }),
      });
    }

    scope.get<Params>(paths.staff.interviewSlots.pattern, (request, reply) => renderSlots(request, reply));

    scope.post<Params & Form>(paths.staff.interviewSlots.pattern, async (request, reply) => {
      const vacancyId = parseId(request.params.id);
      const body = request.body ?? {};
      if (single(body.remove)) {
        await interviews.removeSlot(request.actor, vacancyId, parseId(single(body.remove)), request.ip);
        return reply.redirect(paths.staff.interviewSlots({ id: vacancyId }), 303);
      }
      if (single(body.free)) {
        // Freeing a booked slot is the stage change back to "invited": the applicant chooses again.
        const applicationId = parseId(single(body.free));
        await moves.moveOne(
          request.actor,
          applicationId,
          { to: 'interview_invited', message: '', reason: 'Interview slot freed' },
          request.ip,
        );
        return reply.redirect(paths.staff.interviewSlots({ id: vacancyId }), 303);
      }
      const form = slotFormSchema.safeParse(body);
      const date = parseDateInput(readDateInput(body, 'date'), dateInputWording('The interview date'));
      const errors: FormErrors = { summary: [], fields: {} };
      let dateParts: string[] = [];
      const add = (field: string, message: string, href = field) => {
        errors.fields[field] = { text: message };
        errors.summary.push({ text: message, href: `#${href}` });
      };
      if ('error' in date) {
        add('date', date.error, `date-${date.parts[0]}`);
        dateParts = date.parts;
      } else if (!date.value) {
        add('date', 'Enter the date of the interview', 'date-day');
        dateParts = ['day', 'month', 'year'];
      }
      if (!form.success) for (const issue of form.error.issues) add(String(issue.path[0]), issue.message);
      if (errors.summary.length === 0 && form.success && 'value' in date && date.value) {
        const startsAt = instantInEngland(date.value, form.data.time);
        if (startsAt <= new Date()) add('date', 'The interview must be in the future', 'date-day');
        else {
          await interviews.addSlot(
            request.actor,
            vacancyId,
            { startsAt, minutes: form.data.minutes, place: form.data.place },
            request.ip,
          );
          return reply.redirect(paths.staff.interviewSlots({ id: vacancyId }), 303);
        }
      }
      return renderSlots(request, reply, { errors, values: body, dateParts });
    });

    // Pre-employment checks and appointment.
    async function renderChecks(
      request: FastifyRequest<Params>,
      reply: FastifyReply,
      errors?: FormErrors,
      status = 200,
    ) {
      const id = parseId(request.params.id);
      const shown = await checks.view(request.actor, id);
      return reply.code(status).render(`${views}/checks.njk`, {
        ...common,
        ...shown,
        errors,
        backLink: paths.staff.application({ id }),
      });
    }

    scope.get<Params>(paths.staff.applicationChecks.pattern, (request, reply) => renderChecks(request, reply));

    scope.post<Params & Form>(paths.staff.applicationChecks.pattern, async (request, reply) => {
      const id = parseId(request.params.id);
      const form = checksFormSchema.safeParse(request.body ?? {});
      if (!form.success) return renderChecks(request, reply, formErrorsFrom(form.error), 400);
      switch (form.data.action) {
        case 'right_to_work':
          await checks.confirmRightToWork(request.actor, id, request.ip);
          break;
        case 'dbs':
          await checks.clearDbs(request.actor, id, request.ip);
          break;
        case 'references':
          if (form.data.referees.length === 0)
            return renderChecks(
              request,
              reply,
              fieldError('referees', 'Select the referees to ask for a reference'),
              400,
            );
          await checks.requestReferences(request.actor, id, form.data.referees, request.ip);
          break;
        case 'appoint':
          try {
            await moves.moveOne(request.actor, id, { to: 'appointed', message: '', reason: '' }, request.ip);
          } catch (error) {
            if (!(error instanceof StageChangeRefused)) throw error;
            return renderChecks(request, reply, fieldError('appoint', error.message), 409);
          }
          return reply.redirect(`${paths.staff.application({ id })}?notice=appointed`, 303);
      }
      return reply.redirect(paths.staff.applicationChecks({ id }), 303);
    });
  });
}

function single(value: unknown): string | undefined {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first : undefined;
}
