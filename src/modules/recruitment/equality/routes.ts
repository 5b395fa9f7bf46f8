import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../../shared/errors.js';
import { dateInputValues, dateInputWording, parseDateInput, readDateInput } from '../../../shared/date-input.js';
import { dayInEngland, DAY_MS, formatDay } from '../../../shared/dates.js';
import type { FormErrors } from '../../../web/form-errors.js';
import { staffOnly } from '../../identity/guards.js';
import { requireCapability } from '../../identity/policy.js';
import { recruitmentPaths } from '../paths.js';
import { adverseImpact, FOUR_FIFTHS, reportStages, SMALLEST_SHOWN, stageTables } from './figures.js';
import type { EqualityRepository } from './repository.js';

const view = (name: string) => `recruitment/equality/views/${name}.njk`;
const paths = recruitmentPaths.staff;

export interface EqualityRouteDependencies {
  equality: EqualityRepository;
  /** The vacancy's title if it is the organisation's, for the page's heading. */
  vacancyOf(id: number, organisationId: number): Promise<{ id: number; title: string } | undefined>;
  clock: () => Date;
}

/** Midnight in England at the start of a 'YYYY-MM-DD' day, near enough for a report's period (UTC). */
const startOf = (day: string) => new Date(`${day}T00:00:00Z`);

/**
 * The staff's equality reports, for those with recruitment.figures, about their own organisation
 * only: per vacancy per stage counts, and the adverse-impact report across a period. Both show
 * counts only, small groups hidden; no page shows one applicant's answers.
 */
export function registerEqualityRoutes(
  app: FastifyInstance,
  { equality, vacancyOf, clock }: EqualityRouteDependencies,
): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    scope.get(paths.equality.pattern, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const actor = requireCapability(request.actor, 'recruitment.figures');
      const id = /^\d{1,9}$/.test(request.params.id) ? Number(request.params.id) : null;
      const vacancy = id === null ? undefined : await vacancyOf(id, actor.organisationId);
      if (!vacancy) throw new NotFoundError();
      const monitored = await equality.monitored({ vacancyId: vacancy.id });
      return reply.render(view('vacancy'), {
        pageTitle: `Equality monitoring: ${vacancy.title}`,
        currentSection: 'recruitment',
        vacancy,
        stages: reportStages.map((stage) => stage.name),
        tables: stageTables(monitored),
        answered: monitored.length,
        smallest: SMALLEST_SHOWN,
        backLink: paths.vacancy({ id: vacancy.id }),
      });
    });

    scope.get(paths.adverseImpact, async (request: FastifyRequest<{ Querystring: Record<string, unknown> }>, reply) => {
      const actor = requireCapability(request.actor, 'recruitment.figures');
      const query = request.query ?? {};
      const today = dayInEngland(clock());
      const yearAgo = dayInEngland(new Date(clock().getTime() - 365 * DAY_MS));
      const given = (name: 'from' | 'to', fallback: string, label: string) => {
        const parsed = parseDateInput(readDateInput(query, name), dateInputWording(label));
        return 'error' in parsed ? { error: parsed.error } : { value: parsed.value ?? fallback };
      };
      const from = given('from', yearAgo, 'The start of the period');
      const to = given('to', today, 'The end of the period');
      const errors: FormErrors = { summary: [], fields: {} };
      for (const [name, result] of [
        ['from', from],
        ['to', to],
      ] as const)
        if ('error' in result) {
          errors.summary.push({ text: result.error!, href: `#${name}-day` });
          errors.fields[name] = { text: result.error! };
        }
      if (!errors.summary.length && from.value! > to.value!) {
        errors.summary.push({ text: 'The end of the period must be the same as or after its start', href: '#to-day' });
        errors.fields.to = { text: 'The end of the period must be the same as or after its start' };
      }
      const values = {
        ...dateInputValues('from', from.value ?? null),
        ...dateInputValues('to', to.value ?? null),
        ...Object.fromEntries(Object.entries(query).filter(([key]) => /^(from|to)-(day|month|year)$/.test(key))),
      };
      if (errors.summary.length)
        return reply.code(400).render(view('adverse-impact'), {
          pageTitle: 'Adverse impact',
          currentSection: 'recruitment',
          values,
          errors,
          backLink: paths.home,
        });
      const monitored = await equality.monitored({
        organisationId: actor.organisationId,
        closingFrom: startOf(from.value!),
        closingBefore: new Date(startOf(to.value!).getTime() + DAY_MS),
      });
      return reply.render(view('adverse-impact'), {
        pageTitle: 'Adverse impact',
        currentSection: 'recruitment',
        organisation: actor.organisationName,
        period: `${formatDay(from.value!)} to ${formatDay(to.value!)}`,
        values,
        tables: adverseImpact(monitored),
        answered: monitored.length,
        smallest: SMALLEST_SHOWN,
        threshold: FOUR_FIFTHS,
        backLink: paths.home,
      });
    });
  });
}
