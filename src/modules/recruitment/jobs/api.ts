import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponse, jsonResponse } from '../../../api/schemas.js';
import { apiError } from '../../../web/api-errors.js';
import { recruitmentPaths } from '../paths.js';
import { jobsPageSchema, jobsQuerySchema, type JobJson } from './api-schemas.js';
import { salaryText } from './presenters.js';
import type { VacancySummary } from './repository.js';
import { effectiveSort, jobSearchSchema, searchFrom, searchQueryString } from './search-query.js';
import type { JobSearchService } from './service.js';

export const JOBS_PER_PAGE = 20;
const SUMMARY_LENGTH = 300;

function summaryOf(description: string): string {
  const flat = description.replace(/\s+/g, ' ').trim();
  return flat.length <= SUMMARY_LENGTH ? flat : `${flat.slice(0, SUMMARY_LENGTH - 1).trimEnd()}…`;
}

export function jobJson(vacancy: VacancySummary, publicUrl: string): JobJson {
  const salary = salaryText(vacancy);
  return {
    id: vacancy.id,
    slug: vacancy.slug,
    url: `${publicUrl}${recruitmentPaths.job({ slug: vacancy.slug })}`,
    title: vacancy.title,
    employer: { id: vacancy.organisation_id, name: vacancy.employer },
    location: vacancy.location_name,
    postcode: vacancy.postcode,
    salary: salary
      ? {
          minimum: vacancy.salary_min_pence === null ? null : vacancy.salary_min_pence / 100,
          maximum: vacancy.salary_max_pence === null ? null : vacancy.salary_max_pence / 100,
          period: vacancy.salary_period,
          text: salary,
        }
      : null,
    grade: vacancy.grade,
    hoursPerWeek: vacancy.hours_per_week === null ? null : Number(vacancy.hours_per_week),
    workingPattern: vacancy.working_pattern,
    contractType: vacancy.contract_type,
    summary: summaryOf(vacancy.description),
    closesAt: vacancy.closes_at.toISOString(),
    postedAt: vacancy.live_since.toISOString(),
    distanceMiles: vacancy.distance_miles === null ? null : Math.round(vacancy.distance_miles * 10) / 10,
  };
}

/** /api/v1/jobs: the live vacancies a search finds, as JSON, in the same words as /jobs. */
export function registerJobsApi(
  app: FastifyInstance,
  { jobs, clock, publicUrl }: { jobs: JobSearchService; clock: () => Date; publicUrl: string },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    recruitmentPaths.jobsApi,
    {
      schema: {
        operationId: 'searchJobs',
        summary: 'Live vacancies of every partner employer, found by keyword and filters',
        description:
          'The same search as the /jobs page: only vacancies open for applications now. With `q`, the best matches come first (a match in the title ranks above one in the description).',
        tags: ['jobs'],
        querystring: jobsQuerySchema,
        response: {
          200: jsonResponse('A page of jobs', jobsPageSchema),
          400: errorResponse(
            'A filter that cannot be read: invalid_q, invalid_employer, invalid_postcode, invalid_distance, invalid_salary, invalid_hours, invalid_contract, invalid_closing, invalid_sort; an employer not in the partnership (employer_not_found)',
          ),
          404: errorResponse('A well-formed postcode we do not know (postcode_not_found)'),
        },
      },
      // Fastify's check is only for the document: the search's own schema reads every field, as the page's does.
      attachValidation: true,
    },
    async (request, reply) => {
      const parsed = jobSearchSchema.safeParse(request.query ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return reply.code(400).send(apiError(`invalid_${String(issue.path[0] ?? 'query')}`, issue.message));
      }
      const search = searchFrom(parsed.data);
      const sort = effectiveSort(search, parsed.data.sort);
      const found = await jobs.search(search, { now: clock(), sort, page: parsed.data.page, perPage: JOBS_PER_PAGE });
      if (found.outcome === 'invalid') {
        return found.field === 'postcode'
          ? reply.code(404).send(apiError('postcode_not_found', found.message))
          : reply.code(400).send(apiError('employer_not_found', found.message));
      }
      const query = searchQueryString(search);
      const pageLink = (page: number) => {
        const params = new URLSearchParams(query);
        if (parsed.data.sort) params.set('sort', sort);
        if (page > 1) params.set('page', String(page));
        const text = params.toString();
        return `${publicUrl}${recruitmentPaths.jobsApi}${text ? `?${text}` : ''}`;
      };
      return {
        total: found.total,
        page: found.page,
        pages: found.pages,
        perPage: found.perPage,
        sort: found.sort,
        jobs: found.vacancies.map((vacancy) => jobJson(vacancy, publicUrl)),
        links: {
          self: pageLink(found.page),
          next: found.page < found.pages ? pageLink(found.page + 1) : null,
          previous: found.page > 1 ? pageLink(Math.min(found.page - 1, found.pages)) : null,
          feed: `${publicUrl}${recruitmentPaths.jobsFeed}${query ? `?${query}` : ''}`,
        },
      };
    },
  );
}
