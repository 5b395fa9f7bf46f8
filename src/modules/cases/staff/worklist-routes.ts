import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { caseStatuses } from '../../../db/schema.js';
import { fieldError, formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import type { StaffActor } from '../../../shared/actor.js';
import { staffOnly } from '../../identity/guards.js';
import { casePaths } from '../paths.js';
import { staffStatusNames, staffStatusTags } from '../core/status.js';
import type { StaffCaseRepository } from './case-page-repository.js';
import { worklistValues, type WorklistValues } from './worklist-presenters.js';
import {
  findCaseSchema,
  saveFiltersSchema,
  parseWorklistQuery,
  unfinishedStatuses,
  worklistSortColumns,
  type WorklistSort,
  type WorklistSortColumn,
} from './worklist-schemas.js';
import { SAVED_FILTERS_LIMIT, type WorklistService } from './worklist-service.js';
import { parseIdParam } from '../../identity/schemas.js';
import type { BulkActions } from './bulk-service.js';
import { bulkSchema } from './bulk-schemas.js';
import { hasCapability, requireCapability } from '../../identity/policy.js';
import { dayInEngland } from '../../../shared/dates.js';
import { paginationLinks } from '../../../shared/pagination.js';
import { withQuery } from '../../../shared/paths.js';

const views = 'cases/views/staff';

const sortColumnNames: Record<WorklistSortColumn, string> = {
  reference: 'Reference',
  kind: 'Kind of request',
  status: 'Status',
  due: 'Due',
};

/** The summary of a form that is on another page (the worklist): its messages, with no links to fields not here. */
function messagesOnly(errors: FormErrors): FormErrors {
  return { summary: errors.summary.map(({ text }) => ({ text, href: '' })), fields: {} };
}

/** A query string's fields, a repeated one (the statuses) as a list. */
function queryFields(query: string): Record<string, string | string[]> {
  const params = new URLSearchParams(query);
  return Object.fromEntries([...new Set(params.keys())].map((key) => [key, params.getAll(key)]));
}

/**
 * Each sortable column's header: a link that sorts by it (again: the other way round), keeping the
 * filters (and starting at page 1), with aria-sort on the column the list is sorted by. Links, so it works without JavaScript.
 */
function sortHeaders(values: WorklistValues, sort: WorklistSort) {
  return Object.fromEntries(
    worklistSortColumns.map((column) => {
      const current = sort.by === column;
      const order = current && !sort.descending ? 'descending' : 'ascending';
      return [
        column,
        {
          text: sortColumnNames[column],
          href: `${withQuery(paths.worklist, { ...values, sort: column, order })}#cases`,
          ariaSort: current ? (sort.descending ? 'descending' : 'ascending') : 'none',
        },
      ];
    }),
  );
}
const paths = casePaths.staff;

type QueryRequest = FastifyRequest<{ Querystring: Record<string, unknown> }>;

export interface WorklistRouteDependencies {
  worklist: WorklistService;
  staffCases: StaffCaseRepository;
  bulk: BulkActions;
}

/** The worklist, its CSV export, finding any case by reference, and the manager view. */
export function registerWorklistRoutes(
  app: FastifyInstance,
  { worklist, staffCases, bulk }: WorklistRouteDependencies,
): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    /** What every state of the worklist page shows; asking for the options refuses, with a 403, staff who do not work with cases. */
    async function pageContext(request: QueryRequest, values: WorklistValues) {
      const actor = request.actor as StaffActor;
      const options = await worklist.filterOptions(actor);
      return {
        values,
        options,
        statuses: caseStatuses,
        statusNames: staffStatusNames,
        statusTagClasses: staffStatusTags,
        isManager: worklist.isManager(actor),
        paths,
        currentSection: 'cases',
        backLink: '/staff',
      };
    }

    /** The filters, or the page again (400) with what is wrong beside each field. */
    async function readFilters(request: QueryRequest, reply: FastifyReply) {
      const values = worklistValues(request.query);
      const context = await pageContext(request, values);
      const parsed = parseWorklistQuery(request.query, worklist.defaultWhose(request.actor));
      const problem = parsed.ok ? worklist.checkFilters(parsed.filters, context.options) : null;
      if (!parsed.ok || problem) {
        const errors = parsed.ok ? fieldError(problem!.field, problem!.message) : parsed.errors;
        const chosen = [values.status ?? []].flat();
        await reply
          .code(400)
          .render(`${views}/worklist.njk`, { ...context, errors, chosenStatuses: chosen, whose: values.whose });
        return null;
      }
      return { ...parsed, values, context };
    }

    scope.get(paths.worklist, async (request: QueryRequest, reply) => {
      const query = await readFilters(request, reply);
      if (!query) return reply;
      const { filters, page } = query;
      const result = await worklist.list(request.actor, filters, page, request.ip);
      const transferred = await transferNotice(request);
      return reply.render(`${views}/worklist.njk`, {
        ...query.context,
        ...result,
        filters,
        chosenStatuses: filters.statuses,
        whose: filters.whose,
        filtered: query.values.applied !== undefined,
        defaultStatuses: unfinishedStatuses,
        transferred,
        pagination: paginationLinks(
          result.page,
          result.pageCount,
          (number) => withQuery(paths.worklist, query.values, { page: String(number) }),
          'Pages of cases',
        ),
        csvHref: withQuery(paths.export, query.values),
        sortHeaders: sortHeaders(query.values, filters.sort),
        savedFilters: (await worklist.savedFilters(request.actor)).map((saved) => ({
          ...saved,
          href: saved.query ? `${paths.worklist}?${saved.query}` : paths.worklist,
        })),
        savedNotice: typeof request.query.saved === 'string' ? request.query.saved.slice(0, 60) : null,
        saveFiltersHref: withQuery(paths.saveFilters, query.values),
        // Staff who act on their organisation's cases may change many at once.
        bulk:
          filters.whose === 'ours' && hasCapability(request.actor, 'cases.act')
            ? {
                assignees: await bulk.assignees(request.actor),
                back: withQuery('', query.values).replace(/^\?/, ''),
              }
            : null,
      });
    });

    /** The worklist's filters as a query string, read as the worklist reads them: nothing else is kept. */
    const filtersQuery = (query: string) => withQuery('', worklistValues(queryFields(query))).replace(/^\?/, '');

    scope.get(paths.saveFilters, async (request: QueryRequest, reply) => {
      await worklist.savedFilters(request.actor); // staff who do not work with cases get a 403, not a form
      const query = withQuery('', worklistValues(request.query)).replace(/^\?/, '');
      return reply.render(`${views}/save-filters.njk`, {
        values: { query },
        paths,
        currentSection: 'cases',
        backLink: withQuery(paths.worklist, worklistValues(request.query)),
      });
    });

    scope.post(paths.saveFilters, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
      const form = saveFiltersSchema.safeParse(request.body ?? {});
      const query = filtersQuery(String([request.body?.query].flat()[0] ?? ''));
      const backLink = query ? `${paths.worklist}?${query}` : paths.worklist;
      const again = (errors: FormErrors) =>
        reply.code(400).render(`${views}/save-filters.njk`, {
          values: { ...request.body, query },
          errors,
          paths,
          currentSection: 'cases',
          backLink,
        });
      if (!form.success) {
        await worklist.savedFilters(request.actor);
        return again(formErrorsFrom(form.error));
      }
      const outcome = await worklist.saveFilters(request.actor, form.data.name, query);
      if (outcome === 'too-many')
        return again(
          fieldError('name', `You have ${SAVED_FILTERS_LIMIT} saved filters: remove one on the worklist first`),
        );
      return reply.redirect(
        withQuery(paths.worklist, worklistValues(queryFields(query)), { saved: form.data.name }),
        303,
      );
    });

    scope.post(paths.removeSavedFilters.pattern, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      await worklist.removeSavedFilters(request.actor, parseIdParam(request.params));
      return reply.redirect(paths.worklist, 303);
    });

    scope.post(paths.bulk, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
      const body = request.body ?? {};
      // Back to the worklist as it was: its filters, read again as filters, never an address from the form.
      const back = withQuery(paths.worklist, worklistValues(queryFields(String([body.back].flat()[0] ?? ''))));
      const form = bulkSchema.safeParse(body);
      if (!form.success) {
        requireCapability(request.actor, 'cases.act'); // staff who may not change cases get a 403, not a form
        return reply.code(400).render(`${views}/bulk-result.njk`, {
          errors: messagesOnly(formErrorsFrom(form.error)),
          back,
          paths,
          currentSection: 'cases',
        });
      }
      const outcome = await bulk.apply(request.actor, form.data.caseIds, form.data.action);
      return reply.render(`${views}/bulk-result.njk`, {
        outcome,
        back,
        paths,
        currentSection: 'cases',
        backLink: back,
      });
    });

    /** After a transfer the case may be out of reach: the banner says where it went, to whoever sent it. */
    async function transferNotice(request: QueryRequest) {
      const caseId = Number([request.query.transferred].flat()[0]);
      if (!Number.isSafeInteger(caseId) || caseId <= 0 || caseId > 2_147_483_647) return null;
      return (await staffCases.lastTransferBy(caseId, (request.actor as StaffActor).staffId)) ?? null;
    }

    scope.get(paths.export, async (request: QueryRequest, reply) => {
      const query = await readFilters(request, reply);
      if (!query) return reply;
      const csv = await worklist.exportCsv(request.actor, query.filters, request.ip);
      // Named by the day in England it was taken, as every day the staff read is.
      const day = dayInEngland(new Date());
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="cases-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });

    scope.get(paths.find, async (request: QueryRequest, reply) => {
      const form = findCaseSchema.safeParse(request.query);
      const values = { reference: [request.query.reference].flat()[0] };
      const context = { values, paths, currentSection: 'cases', backLink: paths.worklist };
      if (!form.success) {
        // Asked first so that staff who do not work with cases get a 403, not a form.
        worklist.defaultWhose(request.actor);
        return reply.code(400).render(`${views}/find.njk`, { ...context, errors: formErrorsFrom(form.error) });
      }
      const caseId = await worklist.findByReference(request.actor, form.data.reference);
      if (caseId === null) {
        return reply.code(404).render(`${views}/find.njk`, {
          ...context,
          errors: fieldError(
            'reference',
            `No case you may see has the reference ${form.data.reference}. Check the reference and try again`,
          ),
        });
      }
      return reply.redirect(paths.case({ id: caseId }), 303);
    });

    scope.get(paths.overview, async (request, reply) => {
      const overview = await worklist.overview(request.actor);
      const unfinished = { applied: 'yes', status: unfinishedStatuses };
      return reply.render(`${views}/overview.njk`, {
        ...overview,
        statusNames: staffStatusNames,
        hrefs: {
          all: withQuery(paths.worklist, unfinished),
          overdue: withQuery(paths.worklist, { ...unfinished, overdue: 'yes' }),
          team: (id: number | null, overdue: boolean) =>
            withQuery(paths.worklist, {
              ...unfinished,
              ...(id ? { team: String(id) } : {}),
              ...(overdue ? { overdue: 'yes' } : {}),
            }),
          type: (serviceCode: string, overdue: boolean) =>
            withQuery(paths.worklist, { ...unfinished, type: serviceCode, ...(overdue ? { overdue: 'yes' } : {}) }),
        },
        paths,
        currentSection: 'cases',
        // Analysts have no worklist: back to the staff home.
        backLink: overview.manages ? paths.worklist : '/staff',
      });
    });
  });
}
