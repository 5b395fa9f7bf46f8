import { z } from 'zod';
import { contractTypes, distanceChoices, KEYWORD_LIMIT, LARGEST_PAGE, sortChoices } from './search-query.js';

/**
 * /api/v1/jobs's query, as the OpenAPI document describes it. Every field arrives as the text it was
 * sent as; the handler reads them with the search's own schema (search-query.ts), as the page does,
 * so the API and the page cannot differ in what they accept.
 */
const text = z.string().optional();
const oneOrMore = z.union([z.string(), z.array(z.string())]).optional();

export const jobsQuerySchema = z.object({
  q: text.meta({
    description: `Keywords (up to ${KEYWORD_LIMIT} characters), as a web search reads them: "quoted phrases", -excluded, or. Ranked by relevance.`,
  }),
  employer: text.meta({ description: 'An employer’s organisation id: one of the partnership’s members' }),
  postcode: text.meta({ description: 'Only jobs within `distance` miles of this UK postcode' }),
  distance: text.meta({
    description: `Miles from the postcode: one of ${distanceChoices.join(', ')}; 10 if not given`,
  }),
  salary: text.meta({
    description:
      'The least annual salary, in whole pounds. An hourly rate counts as 37 hours a week for 52 weeks; the top of a range counts.',
  }),
  hours: z.enum(['full_time', 'part_time']).optional(),
  contract: oneOrMore.meta({ description: `Contract types, repeated for several: ${contractTypes.join(', ')}` }),
  closing: z.literal('soon').optional().meta({ description: '`soon`: only jobs closing within 7 days' }),
  sort: z.enum(sortChoices).optional().meta({
    description:
      'relevance (the default with keywords), closing (soonest first: the default otherwise), newest, distance',
  }),
  page: text.meta({ description: `The page, from 1 to ${LARGEST_PAGE}; 20 jobs a page` }),
});

const jobSchema = z
  .object({
    id: z.int(),
    slug: z.string(),
    url: z.string().meta({ description: 'The vacancy’s page' }),
    title: z.string(),
    employer: z.object({ id: z.int(), name: z.string() }),
    location: z.string(),
    postcode: z.string().nullable(),
    salary: z
      .object({
        minimum: z.number().nullable().meta({ description: 'Pounds' }),
        maximum: z.number().nullable().meta({ description: 'Pounds' }),
        period: z.enum(['annual', 'hourly']),
        text: z.string().meta({ examples: ['£24,000 to £27,500 a year'] }),
      })
      .nullable(),
    grade: z.string(),
    hoursPerWeek: z.number().nullable(),
    workingPattern: z.enum(['full_time', 'part_time']),
    contractType: z.enum(contractTypes as [string, ...string[]]),
    summary: z.string().meta({ description: 'The start of the description, as plain text' }),
    closesAt: z.iso.datetime(),
    postedAt: z.iso.datetime(),
    distanceMiles: z.number().nullable().meta({ description: 'From the postcode searched, when there was one' }),
  })
  .meta({ id: 'Job' });

export const jobsPageSchema = z
  .object({
    total: z.int().meta({ description: 'How many live jobs match, on every page' }),
    page: z.int(),
    pages: z.int(),
    perPage: z.int(),
    sort: z.enum(sortChoices),
    jobs: z.array(jobSchema),
    links: z.object({
      self: z.string(),
      next: z.string().nullable(),
      previous: z.string().nullable(),
      feed: z.string().meta({ description: 'The same search as an Atom feed of the newest jobs' }),
    }),
  })
  .meta({ id: 'JobsPage' });

export type JobsPage = z.infer<typeof jobsPageSchema>;
export type JobJson = z.infer<typeof jobSchema>;
