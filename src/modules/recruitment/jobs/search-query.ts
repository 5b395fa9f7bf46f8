import { z } from 'zod';
import type { ContractType, WorkingPattern } from '../../../db/schema.js';
import { blankToUndefined, single } from '../../../shared/form-values.js';
import { pageNumberField } from '../../../shared/pagination.js';
import { normalisePostcode } from '../../places/postcode.js';

/**
 * The search of /jobs, read from its query string. The page, the JSON API, the Atom feed and a job
 * alert all read the same fields with this one schema, so a search saved as an alert finds what the
 * page found.
 */

export const contractTypeNames: Record<ContractType, string> = {
  permanent: 'Permanent',
  fixed_term: 'Fixed term',
  temporary: 'Temporary',
  casual: 'Casual',
  apprenticeship: 'Apprenticeship',
};
export const contractTypes = Object.keys(contractTypeNames) as ContractType[];

export const workingPatternNames: Record<WorkingPattern, string> = { full_time: 'Full time', part_time: 'Part time' };

/** How far from a postcode, in miles: the choices of the distance field. */
export const distanceChoices = [1, 3, 5, 10, 15, 25, 50] as const;
export const DEFAULT_DISTANCE_MILES = 10;

/** An hourly rate is compared with an annual salary as 37 hours a week for 52 weeks. */
export const HOURS_A_YEAR = 37 * 52;

export const sortChoices = ['relevance', 'closing', 'newest', 'distance'] as const;
export type SortChoice = (typeof sortChoices)[number];

export const KEYWORD_LIMIT = 100;
const SALARY_LIMIT_POUNDS = 1_000_000;
export const LARGEST_PAGE = 500;

const keyword = z.preprocess(
  single,
  z
    .string({ error: 'Enter keywords as text' })
    .trim()
    .max(KEYWORD_LIMIT, `Enter ${KEYWORD_LIMIT} characters or fewer`)
    .optional()
    .transform((value) => value || undefined),
);

const employer = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^\d{1,9}$/, 'Choose an employer from the list')
    .transform(Number)
    .optional(),
);

const postcode = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .max(16, 'Enter a real postcode, like DE4 3AG')
    .transform((value, context) => {
      const normalised = normalisePostcode(value);
      if (!normalised) {
        context.addIssue({ code: 'custom', message: 'Enter a real postcode, like DE4 3AG' });
        return z.NEVER;
      }
      return normalised;
    })
    .optional(),
);

const distance = z.preprocess(
  blankToUndefined,
  z
    .string()
    .refine((value) => distanceChoices.some((miles) => String(miles) === value), 'Choose a distance from the list')
    .transform(Number)
    .optional(),
);

const salary = z.preprocess(
  blankToUndefined,
  z
    .string()
    // People write "£25,000" as often as "25000".
    .transform((value) => value.replace(/[£,\s]/g, ''))
    .pipe(
      z
        .string()
        .regex(/^\d{1,7}$/, 'Enter the minimum salary as a number of pounds a year, like 25000')
        .transform(Number)
        .refine((pounds) => pounds <= SALARY_LIMIT_POUNDS, 'Enter a minimum salary of £1,000,000 a year or less'),
    )
    .optional(),
);

const hours = z.preprocess(
  (value) => {
    const given = blankToUndefined(value);
    return given === 'any' ? undefined : given;
  },
  z.enum(['full_time', 'part_time'], { error: 'Choose full time, part time or any' }).optional(),
);

const contract = z.preprocess(
  (value) => (value === undefined ? [] : [value].flat().filter((item) => item !== '')),
  z.array(z.enum(contractTypes as [ContractType, ...ContractType[]], { error: 'Choose contract types from the list' })),
);

const closing = z.preprocess(
  blankToUndefined,
  z.literal('soon', { error: 'Tick the box to see only jobs closing within 7 days' }).optional(),
);

const sort = z.preprocess(
  blankToUndefined,
  z.enum(sortChoices, { error: 'Choose how to sort the jobs from the list' }).optional(),
);

export const jobSearchSchema = z.object({
  q: keyword,
  employer,
  postcode,
  distance,
  salary,
  hours,
  contract,
  closing,
  sort,
  page: pageNumberField(LARGEST_PAGE),
});

export type JobSearchInput = z.infer<typeof jobSearchSchema>;

/** The search itself, without the page and the order: what an alert keeps and a feed filters by. */
export interface JobSearch {
  keywords?: string;
  employerId?: number;
  postcode?: string;
  miles: number;
  minimumSalaryPounds?: number;
  pattern?: WorkingPattern;
  contracts: ContractType[];
  closingSoon: boolean;
}

export function searchFrom(input: JobSearchInput): JobSearch {
  return {
    keywords: input.q,
    employerId: input.employer,
    postcode: input.postcode,
    miles: input.distance ?? DEFAULT_DISTANCE_MILES,
    minimumSalaryPounds: input.salary,
    pattern: input.hours,
    // One order whatever order the boxes were ticked in, so one search has one query string.
    contracts: contractTypes.filter((type) => input.contract.includes(type)),
    closingSoon: input.closing === 'soon',
  };
}

/** The order a search's results are shown in: relevance needs keywords, distance a postcode. */
export function effectiveSort(search: JobSearch, asked: SortChoice | undefined): SortChoice {
  if (asked === 'relevance' && search.keywords) return 'relevance';
  if (asked === 'distance' && search.postcode) return 'distance';
  if (asked === 'closing' || asked === 'newest') return asked;
  return search.keywords ? 'relevance' : 'closing';
}

/**
 * The search as /jobs's query string, its fields always in one order and empty ones left out: the
 * form of it a job alert keeps, and that the feed's and the API's links repeat.
 */
export function searchQueryString(search: JobSearch): string {
  const query = new URLSearchParams();
  if (search.keywords) query.append('q', search.keywords);
  if (search.employerId !== undefined) query.append('employer', String(search.employerId));
  if (search.postcode) {
    query.append('postcode', search.postcode);
    query.append('distance', String(search.miles));
  }
  if (search.minimumSalaryPounds !== undefined) query.append('salary', String(search.minimumSalaryPounds));
  if (search.pattern) query.append('hours', search.pattern);
  for (const type of search.contracts) query.append('contract', type);
  if (search.closingSoon) query.append('closing', 'soon');
  return query.toString();
}

/** A query string kept by an alert, read back as a search; undefined when it no longer reads as one. */
export function searchFromQueryString(queryString: string): JobSearch | undefined {
  const values: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(queryString)) {
    const earlier = values[name];
    values[name] = earlier === undefined ? value : [earlier, value].flat();
  }
  const parsed = jobSearchSchema.safeParse(values);
  return parsed.success ? searchFrom(parsed.data) : undefined;
}

const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });

/** The search in words, for "Get emails about jobs like these" and the alerts' list and emails. */
export function describeSearch(search: JobSearch, employerName?: string): string {
  const parts: string[] = [search.keywords ? `Jobs matching “${search.keywords}”` : 'All jobs'];
  if (search.postcode)
    parts.push(`within ${search.miles} ${search.miles === 1 ? 'mile' : 'miles'} of ${search.postcode}`);
  if (search.employerId !== undefined) parts.push(`at ${employerName ?? 'one employer'}`);
  if (search.minimumSalaryPounds !== undefined)
    parts.push(`paying at least ${pounds.format(search.minimumSalaryPounds)} a year`);
  if (search.pattern) parts.push(workingPatternNames[search.pattern].toLowerCase());
  if (search.contracts.length)
    parts.push(
      search.contracts
        .map((type) => contractTypeNames[type].toLowerCase())
        .join(', ')
        .replace(/, ([^,]+)$/, ' or $1'),
    );
  if (search.closingSoon) parts.push('closing within 7 days');
  return parts.join(', ');
}
