import { z } from 'zod';
import { caseStatuses, type CaseStatus } from '../../../db/schema.js';
import { formErrorsFrom, type FormErrors } from '../../../web/form-errors.js';
import { pageNumberField } from '../../../shared/pagination.js';
import { visibleName } from '../../../shared/names.js';
import { single, blankToUndefined } from '../../../shared/form-values.js';

/** Whose cases a worklist shows: the organisation's own queue, or those it recorded for other partners. */
export type Whose = 'ours' | 'recorded';
export type AssigneeFilter = 'anyone' | 'me' | 'unassigned';

/** The columns a worklist can be sorted by; soonest due first until someone chooses another. */
export const worklistSortColumns = ['reference', 'kind', 'status', 'due'] as const;
export type WorklistSortColumn = (typeof worklistSortColumns)[number];
export interface WorklistSort {
  by: WorklistSortColumn;
  descending: boolean;
}

export interface WorklistFilters {
  whose: Whose;
  /** Empty means every status. */
  statuses: CaseStatus[];
  serviceCode?: string;
  teamId?: number;
  assignee: AssigneeFilter;
  overdueOnly: boolean;
  search?: string;
  sort: WorklistSort;
}

/** The work still to do: what a worklist shows before anyone changes the filters. */
export const unfinishedStatuses: CaseStatus[] = ['open', 'acknowledged', 'in_progress'];

const worklistQuerySchema = z.object({
  applied: z.preprocess(blankToUndefined, z.literal('yes').optional().catch(undefined)),
  whose: z.preprocess(
    blankToUndefined,
    z.enum(['ours', 'recorded'], { error: 'Select whose cases to show' }).optional(),
  ),
  status: z.preprocess(
    (value) => [value ?? []].flat().filter((item) => item !== ''),
    z.array(z.enum(caseStatuses, { error: 'Select statuses from the list' })),
  ),
  type: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z0-9-]{1,100}$/, 'Select a kind of request from the list')
      .optional(),
  ),
  team: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'Select a team from the list' })
      .int('Select a team from the list')
      .positive('Select a team from the list')
      .max(2_147_483_647, 'Select a team from the list')
      .optional(),
  ),
  assignee: z.preprocess(
    blankToUndefined,
    z.enum(['me', 'unassigned'], { error: 'Select who the cases are assigned to' }).optional(),
  ),
  overdue: z.preprocess(blankToUndefined, z.literal('yes', { error: 'Select overdue only, or leave it' }).optional()),
  q: z.preprocess(
    single,
    z
      .string()
      .trim()
      .max(100, 'Search must be 100 characters or fewer')
      .optional()
      .transform((value) => value || undefined),
  ),
  sort: z.preprocess(blankToUndefined, z.enum(worklistSortColumns).optional().catch(undefined)),
  order: z.preprocess(blankToUndefined, z.enum(['ascending', 'descending']).optional().catch(undefined)),
  page: pageNumberField(1_000_000),
});

export type WorklistQuery = { ok: true; filters: WorklistFilters; page: number } | { ok: false; errors: FormErrors };

/**
 * Reads the worklist's filters from the query string. Until the form has been used (no `applied`),
 * it shows unfinished work of the organisation's own queue, or of the cases it recorded when it has
 * no queue of its own (a partner agency).
 */
export function parseWorklistQuery(query: unknown, defaultWhose: Whose): WorklistQuery {
  const parsed = worklistQuerySchema.safeParse(query ?? {});
  if (!parsed.success)
    return {
      ok: false,
      errors: formErrorsFrom(parsed.error, {
        status: 'status',
        whose: 'whose',
        assignee: 'assignee',
        overdue: 'overdue',
      }),
    };
  const { applied, whose, status, type, team, assignee, overdue, q, sort, order, page } = parsed.data;
  return {
    ok: true,
    page,
    filters: {
      whose: whose ?? defaultWhose,
      statuses: applied ? [...new Set(status)] : status.length > 0 ? status : unfinishedStatuses,
      serviceCode: type,
      teamId: team,
      assignee: assignee ?? 'anyone',
      overdueOnly: overdue === 'yes',
      search: q,
      sort: { by: sort ?? 'due', descending: order === 'descending' },
    },
  };
}

/** A name for the worklist's filters, and the filters (the worklist's query string) it names. */
export const saveFiltersSchema = z.object({
  name: visibleName(
    z.preprocess(
      single,
      z
        .string({ error: 'Enter a name for these filters' })
        .trim()
        .min(1, 'Enter a name for these filters')
        .max(60, 'The name must be 60 characters or fewer'),
    ),
    'The name',
  ),
  query: z.preprocess(single, z.string().max(2000).optional().catch(undefined)),
});

/** The "find a case by its reference" box: references are written upper case, like DBY-2026-000123. */
export const findCaseSchema = z.object({
  reference: z.preprocess(
    single,
    z
      .string({ error: 'Enter a case reference' })
      .trim()
      .min(1, 'Enter a case reference')
      .max(40, 'Enter a case reference, like DBY-2026-000123')
      .transform((value) => value.toUpperCase()),
  ),
});
