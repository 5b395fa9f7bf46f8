import { refreshing } from '../../../shared/cache.js';
import { countPages } from '../../../shared/pagination.js';
import { unknownPostcodeMessage } from '../../places/schemas.js';
import { vacancyPhase, type VacancyPhase } from '../vacancies/phase.js';
import type { JobsRepository, VacancyFilter, VacancyRecord, VacancySummary } from './repository.js';
import type { JobSearch, SortChoice } from './search-query.js';

/** A postcode's point, or undefined when the postcode is not one we know. */
export type LocatePostcode = (postcode: string) => Promise<{ latitude: number; longitude: number } | undefined>;

export interface JobSearchDependencies {
  repository: JobsRepository;
  locate: LocatePostcode;
  memberOrganisationIds: () => Promise<number[]>;
}

export interface Employer {
  id: number;
  name: string;
  website: string | null;
}

export type SearchOutcome =
  | {
      outcome: 'found';
      total: number;
      page: number;
      pages: number;
      perPage: number;
      sort: SortChoice;
      vacancies: VacancySummary[];
    }
  /** A field whose value is well formed but names nothing: an unknown postcode, an employer not in the partnership. */
  | { outcome: 'invalid'; field: 'postcode' | 'employer'; message: string };

const EMPLOYERS_MAX_AGE_MS = 30_000;
export const CLOSING_SOON_DAYS = 7;

/** The live vacancies a search finds, with the postcode and employer it names checked first. */
export function createJobSearch({ repository, locate, memberOrganisationIds }: JobSearchDependencies) {
  let employersOf: { ids: number[]; list: ReturnType<typeof refreshing<Employer[]>> } | undefined;

  async function employers(): Promise<Employer[]> {
    // The members' port answers the same array until they change: a new one means a new list.
    const ids = await memberOrganisationIds();
    if (employersOf?.ids !== ids)
      employersOf = { ids, list: refreshing(() => repository.employers(ids), EMPLOYERS_MAX_AGE_MS) };
    return employersOf.list.get();
  }

  /** The filter for the database, or the field that names nothing. */
  async function filterFor(
    search: JobSearch,
  ): Promise<{ filter: VacancyFilter } | { outcome: 'invalid'; field: 'postcode' | 'employer'; message: string }> {
    if (search.employerId !== undefined && !(await employers()).some((employer) => employer.id === search.employerId))
      return { outcome: 'invalid', field: 'employer', message: 'Choose an employer from the list' };
    let near: VacancyFilter['near'];
    if (search.postcode) {
      const point = await locate(search.postcode);
      if (!point)
        return {
          outcome: 'invalid',
          field: 'postcode',
          message: unknownPostcodeMessage(search.postcode, 'search without a postcode or try one nearby'),
        };
      near = { ...point, miles: search.miles };
    }
    return {
      filter: {
        keywords: search.keywords,
        employerId: search.employerId,
        near,
        minimumSalaryPounds: search.minimumSalaryPounds,
        pattern: search.pattern,
        contracts: search.contracts,
        closingWithinDays: search.closingSoon ? CLOSING_SOON_DAYS : undefined,
      },
    };
  }

  return {
    employers,

    async search(
      search: JobSearch,
      options: { now: Date; sort: SortChoice; page: number; perPage: number; liveSince?: Date },
    ): Promise<SearchOutcome> {
      const prepared = await filterFor(search);
      if (!('filter' in prepared)) return prepared;
      const { total, vacancies } = await repository.search(
        { ...prepared.filter, liveSince: options.liveSince },
        { now: options.now, sort: options.sort, limit: options.perPage, offset: (options.page - 1) * options.perPage },
      );
      return {
        outcome: 'found',
        total,
        page: options.page,
        pages: countPages(total, options.perPage),
        perPage: options.perPage,
        sort: options.sort,
        vacancies,
      };
    },
  };
}

export type JobSearchService = ReturnType<typeof createJobSearch>;

/** The phases whose page anyone may see: live, and the closed ones that say so. The others are not there. */
const publicPhases = new Set<VacancyPhase>(['live', 'closed', 'appointed', 'not_filled']);

export type PublicVacancy = { vacancy: VacancyRecord; phase: VacancyPhase; live: boolean };

/**
 * A vacancy as the public may see it, by its slug or its id: live, or closed and saying so. A draft,
 * one awaiting approval, a scheduled one and a cancelled one are not there for anyone outside the employer.
 */
export async function findPublicVacancy(
  repository: JobsRepository,
  key: { slug: string } | { id: number },
  now: Date,
): Promise<PublicVacancy | undefined> {
  const vacancy = await repository.findVacancy(key);
  if (!vacancy) return undefined;
  const phase = vacancyPhase(vacancy, now);
  return publicPhases.has(phase) ? { vacancy, phase, live: phase === 'live' } : undefined;
}
