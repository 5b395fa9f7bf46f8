import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ApplicationStatus, Database } from '../../../db/schema.js';
import { dateInputValues, dateInputWording, parseDateInput, readDateInput } from '../../../shared/date-input.js';
import { dayInEngland, DAY_MS } from '../../../shared/dates.js';
import { single } from '../../../shared/form-values.js';
import { formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { staffOnly } from '../../identity/guards.js';
import { hasCapability, requireCapability } from '../../identity/policy.js';
import { NotFoundError } from '../../../shared/errors.js';
import { recruitmentPaths } from '../paths.js';
import { instantInEngland } from '../../../shared/dates.js';
import { vacancyPhaseNames, type VacancyPhase } from '../vacancies/phase.js';
import { overviewPhases, vacancyOverview } from './overview.js';
import { settingsSchema, type EmployerSettingsService } from './settings.js';
import { recruitmentFigures } from './statistics.js';

const views = 'recruitment/employer/views';
const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
const paths = recruitmentPaths.staff;
const common = { paths, currentSection: 'recruitment', vacancyPhaseNames };

/** The overview's columns: the pipeline's stages, gathered as a recruiter reads progress. */
const stageColumns: { heading: string; stages: ApplicationStatus[] }[] = [
  { heading: 'Submitted', stages: ['submitted'] },
  { heading: 'Shortlisted', stages: ['shortlisted', 'reserve'] },
  { heading: 'Interview', stages: ['interview_invited', 'interview_booked', 'interviewed'] },
  { heading: 'Offer', stages: ['conditional_offer', 'offer_accepted', 'pre_employment_checks'] },
  { heading: 'Appointed', stages: ['appointed'] },
  { heading: 'Ended', stages: ['unsuccessful', 'offer_declined', 'withdrawn', 'vacancy_cancelled'] },
];

/** Who sees every member's figures: those whose work is the partnership's, not one employer's. */
const seesEveryEmployer = (roles: readonly string[]) =>
  roles.includes('partnership_admin') || roles.includes('analyst');

export function registerEmployerRoutes(
  app: FastifyInstance,
  {
    db,
    clock,
    settings,
    memberOrganisationIds,
  }: {
    db: Kysely<Database>;
    clock: () => Date;
    settings: EmployerSettingsService;
    memberOrganisationIds: () => Promise<number[]>;
  },
): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.get<{ Querystring: Record<string, unknown> }>(paths.home, async (request, reply) => {
      // Approvers (service managers) come here to find what awaits their approval.
      const actor = hasCapability(request.actor, 'recruitment.approve')
        ? request.actor
        : requireCapability(request.actor, 'recruitment.manage');
      const asked = single(request.query?.phase);
      const phase = overviewPhases.includes(asked as VacancyPhase) ? (asked as VacancyPhase) : null;
      const now = clock();
      const vacancies = await vacancyOverview(db, actor.organisationId, phase, now);
      return reply.render(`${views}/overview.njk`, {
        ...common,
        vacancies: vacancies.map((vacancy) => ({
          ...vacancy,
          columns: stageColumns.map((column) =>
            column.stages.reduce((sum, stage) => sum + (vacancy.byStage[stage] ?? 0), 0),
          ),
        })),
        stageColumns,
        phases: overviewPhases,
        phase,
        mayManage: hasCapability(actor, 'recruitment.manage'),
        mayFigures: hasCapability(actor, 'recruitment.figures'),
        backLink: '/staff',
      });
    });

    const renderSettings = (
      values: Record<string, unknown>,
      mayChange: boolean,
      errors?: FormErrors,
      notice?: string,
    ) => ({
      ...common,
      values,
      mayChange,
      errors,
      notice,
      backLink: paths.home,
    });
    scope.get(paths.settings, async (request, reply) => {
      const current = await settings.read(request.actor);
      const actor = requireCapability(request.actor, 'recruitment.manage');
      return reply.render(
        `${views}/settings.njk`,
        renderSettings(
          {
            requiresApproval: current.requiresApproval ? 'yes' : 'no',
            anonymiseByDefault: current.anonymiseByDefault ? 'yes' : 'no',
            retentionMonths: String(current.retentionMonths),
            paperPackCost: (current.paperPackCostPence / 100).toFixed(2),
          },
          actor.roles.includes('organisation_admin'),
          undefined,
          Object.keys((request.query as object) ?? {})[0],
        ),
      );
    });
    scope.post<{ Body: Record<string, unknown> }>(paths.settings, async (request, reply) => {
      const actor = requireCapability(request.actor, 'recruitment.manage');
      const form = settingsSchema.safeParse(request.body ?? {});
      if (!form.success)
        return reply.code(400).render(
          `${views}/settings.njk`,
          renderSettings(
            request.body ?? {},
            actor.roles.includes('organisation_admin'),
            formErrorsFrom(form.error, {
              requiresApproval: 'requiresApproval',
              anonymiseByDefault: 'anonymiseByDefault',
            }),
          ),
        );
      await settings.save(
        actor,
        {
          requiresApproval: form.data.requiresApproval === 'yes',
          anonymiseByDefault: form.data.anonymiseByDefault === 'yes',
          retentionMonths: form.data.retentionMonths,
          paperPackCostPence: form.data.paperPackCost,
        },
        request.ip,
      );
      return reply.redirect(`${paths.settings}?saved`, 303);
    });

    scope.get<{ Querystring: Record<string, unknown> }>(paths.statistics, async (request, reply) => {
      const actor = requireCapability(request.actor, 'recruitment.figures');
      const query = request.query ?? {};
      const everyEmployer = seesEveryEmployer(actor.roles);
      const members = everyEmployer ? await memberOrganisationIds() : [actor.organisationId];
      const organisations = everyEmployer
        ? await db
            .selectFrom('organisations')
            .select(['id', 'name'])
            .where('id', 'in', members)
            .orderBy('name')
            .execute()
        : [];
      const period = readPeriod(query, clock());
      const chosen = z.coerce.number().int().positive().max(2_147_483_647).safeParse(single(query.organisation));
      if (single(query.organisation) && (!chosen.success || !members.includes(chosen.data))) throw new NotFoundError();
      const organisationIds = everyEmployer ? (chosen.success ? [chosen.data] : members) : [actor.organisationId];
      const figures = period.ok ? await recruitmentFigures(db, { organisationIds, ...period.range }) : null;
      return reply.code(period.ok ? 200 : 400).render(`${views}/statistics.njk`, {
        ...common,
        figures,
        paperPacksSaved: figures ? pounds.format(figures.paperPacksSavedPence / 100) : '',
        everyEmployer,
        organisations,
        values: { ...period.values, organisation: chosen.success ? String(chosen.data) : '' },
        errors: period.ok ? undefined : period.errors,
        periodLabel: period.ok ? period.label : '',
        backLink: paths.home,
      });
    });
  });
}

/** The period asked for (from and to days, inclusive, in England); the last 12 months when none is given. */
function readPeriod(query: Record<string, unknown>, now: Date) {
  const today = dayInEngland(now);
  const yearAgo = dayInEngland(new Date(now.getTime() - 365 * DAY_MS));
  const from = parseDateInput(readDateInput(query, 'from'), dateInputWording('From date'));
  const to = parseDateInput(readDateInput(query, 'to'), dateInputWording('To date'));
  const errors: FormErrors = { summary: [], fields: {} };
  for (const [field, result] of [
    ['from', from],
    ['to', to],
  ] as const)
    if ('error' in result) {
      errors.fields[field] = { text: result.error };
      errors.summary.push({ text: result.error, href: `#${field}-day` });
    }
  const fromDay = 'value' in from && from.value ? from.value : yearAgo;
  const toDay = 'value' in to && to.value ? to.value : today;
  if (errors.summary.length === 0 && fromDay > toDay) {
    errors.fields.to = { text: 'To date must be the same as or after the from date' };
    errors.summary.push({ text: errors.fields.to.text, href: '#to-day' });
  }
  const values = {
    ...(readDateInput(query, 'from').day || readDateInput(query, 'from').year
      ? prefixed(query, 'from')
      : dateInputValues('from', fromDay)),
    ...(readDateInput(query, 'to').day || readDateInput(query, 'to').year
      ? prefixed(query, 'to')
      : dateInputValues('to', toDay)),
  };
  if (errors.summary.length > 0) return { ok: false as const, errors, values };
  const [year, month, day] = toDay.split('-').map(Number);
  const dayAfter = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
  return {
    ok: true as const,
    values,
    label: { from: fromDay, to: toDay },
    // The to day is counted whole: up to the start of the day after it in England.
    range: { from: instantInEngland(fromDay, '00:00'), to: instantInEngland(dayAfter, '00:00') },
  };
}

function prefixed(query: Record<string, unknown>, name: string): Record<string, string> {
  const input = readDateInput(query, name);
  return { [`${name}-day`]: input.day, [`${name}-month`]: input.month, [`${name}-year`]: input.year };
}
