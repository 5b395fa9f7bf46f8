import { z } from 'zod';
import type { CaseStatus, ClosureReason } from '../../../db/schema.js';
import { single, blankToUndefined } from '../../../shared/form-values.js';

/** The most cases one bulk change takes: a worklist page shows 25. */
export const BULK_LIMIT = 100;

export type BulkAction =
  | { kind: 'assign'; assigneeStaffId: number | null }
  | { kind: 'status'; status: Exclude<CaseStatus, 'open'>; closureReason?: ClosureReason; message: string };

const list = (value: unknown) => [value ?? []].flat().filter((item) => item !== '');

const id = z.coerce.number().int().positive().max(2_147_483_647);

export const bulkSchema = z
  .object({
    case: z.preprocess(
      list,
      z
        .array(id, { error: 'Select the cases to change' })
        .min(1, 'Select the cases to change')
        .max(BULK_LIMIT, `Select ${BULK_LIMIT} cases or fewer`),
    ),
    action: z.preprocess(single, z.enum(['assign', 'status'], { error: 'Select what to do with the cases' })),
    assignee: z.preprocess(blankToUndefined, z.union([z.literal('nobody'), id]).optional()),
    status: z.preprocess(
      blankToUndefined,
      z.enum(['acknowledged', 'in_progress', 'resolved', 'closed'], { error: 'Select the new status' }).optional(),
    ),
    // Duplicates are closed one by one, from the case page: each names its own original.
    closureReason: z.preprocess(
      blankToUndefined,
      z.enum(['no_further_action', 'not_our_responsibility'], { error: 'Select why the cases are closed' }).optional(),
    ),
    message: z.preprocess(
      single,
      z
        .string()
        .trim()
        .max(2000, 'The message must be 2000 characters or fewer')
        .optional()
        .transform((value) => value ?? ''),
    ),
  })
  .superRefine((form, context) => {
    if (form.action === 'assign' && form.assignee === undefined)
      context.addIssue({ code: 'custom', path: ['assignee'], message: 'Select who to assign the cases to' });
    if (form.action === 'status' && !form.status)
      context.addIssue({ code: 'custom', path: ['status'], message: 'Select the new status' });
    if (form.action === 'status' && form.status === 'closed' && !form.closureReason)
      context.addIssue({ code: 'custom', path: ['closureReason'], message: 'Select why the cases are closed' });
  })
  .transform((form) => ({
    caseIds: [...new Set(form.case)],
    action: (form.action === 'assign'
      ? { kind: 'assign', assigneeStaffId: form.assignee === 'nobody' ? null : (form.assignee ?? null) }
      : {
          kind: 'status',
          status: form.status!,
          closureReason: form.status === 'closed' ? form.closureReason : undefined,
          message: form.message,
        }) as BulkAction,
  }));
