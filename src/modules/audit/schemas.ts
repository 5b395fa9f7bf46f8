import { z } from 'zod';
import { formErrorsFrom, type FormErrors } from '../../web/form-errors.js';
import { dateInputWording, parseDateInput, readDateInput, type DatePart } from '../../shared/date-input.js';
import { pageNumberField } from '../../shared/pagination.js';
import { single } from '../../shared/form-values.js';

/** What the audit log can be narrowed to. Dates are whole days in UK time, 'YYYY-MM-DD'. */
export interface AuditFilters {
  actor?: string;
  action?: string;
  recordType?: string;
  recordId?: string;
  organisationId?: number;
  from?: string;
  to?: string;
}

/** A repeated parameter (?action=a&action=b) counts as its first value, as a form never sends two. */

const optionalText = (label: string, max: number) =>
  z.preprocess(
    single,
    z
      .string()
      .trim()
      .max(max, `${label} must be ${max} characters or fewer`)
      .optional()
      .transform((value) => value || undefined),
  );

const auditQuerySchema = z.object({
  actor: optionalText('Who', 200),
  action: optionalText('Action', 100),
  recordType: optionalText('Record type', 100),
  recordId: optionalText('Record ID', 100),
  organisation: z.preprocess(
    (value) => single(value) || undefined,
    z.coerce
      .number({ error: 'Select an organisation from the list' })
      .int('Select an organisation from the list')
      .positive('Select an organisation from the list')
      .max(2_147_483_647, 'Select an organisation from the list')
      .optional(),
  ),
  page: pageNumberField(1_000_000),
});

export type AuditQueryResult =
  | { ok: true; filters: AuditFilters; page: number }
  | { ok: false; errors: FormErrors; dateErrorParts: Record<'from' | 'to', DatePart[]> };

/**
 * Reads the filters of the audit log from the query string: the text filters through zod, the two
 * dates by the GOV.UK date-input rules (every part given, numbers, a real date, "to" not before "from").
 */
export function parseAuditQuery(query: unknown): AuditQueryResult {
  const parsed = auditQuerySchema.safeParse(query ?? {});
  const errors: FormErrors = parsed.success ? { summary: [], fields: {} } : formErrorsFrom(parsed.error);
  const dateErrorParts: Record<'from' | 'to', DatePart[]> = { from: [], to: [] };
  const form = (query ?? {}) as Record<string, unknown>;

  const dates: Partial<Record<'from' | 'to', string>> = {};
  for (const [field, label] of [
    ['from', 'From date'],
    ['to', 'To date'],
  ] as const) {
    const result = parseDateInput(readDateInput(form, field), dateInputWording(label));
    if ('error' in result) {
      addError(errors, field, result.error, `${field}-${result.parts[0]}`);
      dateErrorParts[field] = result.parts;
    } else if (result.value) dates[field] = result.value;
  }
  if (dates.from && dates.to && dates.to < dates.from) {
    addError(errors, 'to', 'To date must be the same as or after the from date', 'to-day');
  }

  if (!parsed.success || errors.summary.length > 0) return { ok: false, errors, dateErrorParts };
  const { organisation, page, actor, action, recordType, recordId } = parsed.data;
  return { ok: true, page, filters: { actor, action, recordType, recordId, organisationId: organisation, ...dates } };
}

function addError(errors: FormErrors, field: string, message: string, fieldId: string) {
  if (errors.fields[field]) return;
  errors.fields[field] = { text: message };
  errors.summary.push({ text: message, href: `#${fieldId}` });
}
