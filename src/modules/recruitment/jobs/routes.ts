import type { FastifyInstance } from 'fastify';
import { formatDateTime } from '../../../shared/dates.js';
import { paginationLinks } from '../../../shared/pagination.js';
import { singleValue } from '../../../web/query.js';
import { fieldError, formErrorsFrom } from '../../../web/form-errors.js';
import { identityPaths } from '../../identity/paths.js';
import { recruitmentPaths } from '../paths.js';
import { JOBS_PER_PAGE } from './api.js';
import {
  contractText,
  hoursText,
  jobPosting,
  locationText,
  paragraphs,
  resultItem,
  salaryText,
  scriptSafeJson,
} from './presenters.js';
import type { JobsRepository } from './repository.js';
import {
  contractTypeNames,
  DEFAULT_DISTANCE_MILES,
  describeSearch,
  distanceChoices,
  effectiveSort,
  HOURS_A_YEAR,
  jobSearchSchema,
  searchFrom,
  searchQueryString,
  type JobSearch,
} from './search-query.js';
import { findPublicVacancy, type JobSearchService } from './service.js';

const views = 'recruitment/jobs/views';

export interface JobsRouteDependencies {
  jobs: JobSearchService;
  repository: JobsRepository;
  clock: () => Date;
  publicUrl: string;
}

const documentKindNames = {
  job_description: 'Job description',
  person_specification: 'Person specification',
  other: 'Document',
};

function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The form's own values, as typed, for showing the form again (each field once, as text). */
function typedValues(query: Record<string, unknown>) {
  const contract = query.contract;
  return {
    q: singleValue(query.q) ?? '',
    employer: singleValue(query.employer) ?? '',
    postcode: singleValue(query.postcode) ?? '',
    distance: singleValue(query.distance) ?? String(DEFAULT_DISTANCE_MILES),
    salary: singleValue(query.salary) ?? '',
    hours: singleValue(query.hours) ?? '',
    contract: [contract ?? []].flat().filter((value): value is string => typeof value === 'string'),
    closing: singleValue(query.closing) ?? '',
    sort: singleValue(query.sort) ?? '',
  };
}

export function registerJobsRoutes(app: FastifyInstance, deps: JobsRouteDependencies): void {
  const { jobs, repository, clock, publicUrl } = deps;

  /** The form's choices, as the GOV.UK components take them. */
  async function formOptions() {
    const employers = await jobs.employers();
    return {
      employers,
      employerItems: [
        { value: '', text: 'Any employer' },
        ...employers.map((employer) => ({ value: String(employer.id), text: employer.name })),
      ],
      distanceItems: distanceChoices.map((miles) => ({
        value: String(miles),
        text: `${miles} ${miles === 1 ? 'mile' : 'miles'}`,
      })),
      hoursItems: [
        { value: '', text: 'Any' },
        { value: 'full_time', text: 'Full time' },
        { value: 'part_time', text: 'Part time' },
      ],
      contractItems: Object.entries(contractTypeNames).map(([value, text]) => ({ value, text })),
      hoursAYear: HOURS_A_YEAR,
    };
  }

  app.get<{ Querystring: Record<string, unknown> }>(recruitmentPaths.jobs, async (request, reply) => {
    const query = request.query ?? {};
    const values = typedValues(query);
    const context = { currentSection: 'jobs', paths: recruitmentPaths, values, ...(await formOptions()) };
    const parsed = jobSearchSchema.safeParse(query);
    if (!parsed.success)
      return reply
        .code(400)
        .render(`${views}/search.njk`, { ...context, errors: formErrorsFrom(parsed.error, { contract: 'contract' }) });

    const search = searchFrom(parsed.data);
    const sort = effectiveSort(search, parsed.data.sort);
    const found = await jobs.search(search, { now: clock(), sort, page: parsed.data.page, perPage: JOBS_PER_PAGE });
    if (found.outcome === 'invalid')
      return reply
        .code(400)
        .render(`${views}/search.njk`, { ...context, errors: fieldError(found.field, found.message) });

    const queryString = searchQueryString(search);
    const hrefFor = (page: number) => {
      const params = new URLSearchParams(queryString);
      if (parsed.data.sort) params.set('sort', sort);
      if (page > 1) params.set('page', String(page));
      const text = params.toString();
      return text ? `${recruitmentPaths.jobs}?${text}` : recruitmentPaths.jobs;
    };
    const employerName = context.employers.find((employer) => employer.id === search.employerId)?.name;
    return reply.render(`${views}/search.njk`, {
      ...context,
      values: { ...values, sort },
      searched: search,
      sort,
      total: found.total,
      results: found.vacancies.map(resultItem),
      firstPageHref: hrefFor(1),
      pagination: paginationLinks(found.page, found.pages, hrefFor, 'Pages of jobs'),
      page: found.page,
      pages: found.pages,
      description: describeSearch(search, employerName),
      feedHref: `${recruitmentPaths.jobsFeed}${queryString ? `?${queryString}` : ''}`,
      alertHref: `${recruitmentPaths.applicant.newAlert}${queryString ? `?${queryString}` : ''}`,
      sortChoices: sortChoicesFor(search),
    });
  });

  app.get<{ Params: { slug: string } }>(recruitmentPaths.job.pattern, async (request, reply) => {
    const key = request.params.slug;
    // A numeric address is the vacancy's id: it moves, for good, to the vacancy's own address.
    const byId = /^\d{1,9}$/.test(key);
    const found = await findPublicVacancy(repository, byId ? { id: Number(key) } : { slug: key }, clock());
    if (!found) return reply.callNotFound();
    const { vacancy, live } = found;
    if (byId) return reply.redirect(recruitmentPaths.job({ slug: vacancy.slug }), 301);

    const [criteria, documents] = await Promise.all([
      repository.criteriaOf(vacancy.id),
      repository.documentsOf(vacancy.id),
    ]);
    const actor = request.actor;
    const saved = live && actor.kind === 'citizen' ? await repository.isSaved(actor.citizenId, vacancy.id) : false;
    const here = recruitmentPaths.job({ slug: vacancy.slug });
    return reply.render(`${views}/job.njk`, {
      currentSection: 'jobs',
      paths: recruitmentPaths,
      backLink: recruitmentPaths.jobs,
      live,
      vacancy,
      facts: {
        salary: salaryText(vacancy),
        hours: hoursText(vacancy.hours_per_week, vacancy.working_pattern),
        contract: contractText(vacancy.contract_type),
        location: locationText(vacancy),
        closes: formatDateTime(vacancy.closes_at),
        closedEarly: vacancy.closed_at ? formatDateTime(vacancy.closed_at) : null,
      },
      descriptionParagraphs: paragraphs(vacancy.description),
      essential: criteria.filter((criterion) => criterion.kind === 'essential'),
      desirable: criteria.filter((criterion) => criterion.kind === 'desirable'),
      documents: documents.map((document) => ({
        href: recruitmentPaths.jobDocument({ slug: vacancy.slug, documentId: document.id }),
        name: document.file_name,
        kind: documentKindNames[document.kind],
        size: fileSize(document.size_bytes),
      })),
      applyAction: recruitmentPaths.applicant.start({ slug: vacancy.slug }),
      saveAction: recruitmentPaths.applicant.saveJob({ slug: vacancy.slug }),
      signedInCitizen: actor.kind === 'citizen',
      saved,
      signInToSave: `${identityPaths.citizen.signIn}?next=${encodeURIComponent(here)}`,
      // Only a live vacancy is a job posting: a closed one must drop out of job search engines.
      jobPostingJson: live ? scriptSafeJson(jobPosting(vacancy, publicUrl)) : null,
    });
  });
}

/** The orders a search may be shown in: relevance only with keywords, distance only with a postcode. */
function sortChoicesFor(search: JobSearch) {
  return [
    ...(search.keywords ? [{ value: 'relevance', text: 'Best match' }] : []),
    { value: 'closing', text: 'Closing soonest' },
    { value: 'newest', text: 'Newest' },
    ...(search.postcode ? [{ value: 'distance', text: 'Nearest' }] : []),
  ];
}
