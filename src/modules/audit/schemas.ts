import { z } from 'zod';
import { formErrorsFrom, type FormErrors } from '../../web/form-errors.js';

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

export type DatePart = 'day' | 'month' | 'year';
const dateParts: DatePart[] = ['day', 'month', 'year'];

/** A repeated parameter (?action=a&action=b) counts as its first value, as a form never sends two. */
const single = (value: unknown) => (Array.isArray(value) ? value[0] : value);

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

// Never fails by itself: what is wrong with a date is said by parseDateParts, beside the date.
const datePartText = z.preprocess((value) => {
  const text = single(value);
  return typeof text === 'string' ? text.trim() : '';
}, z.string());

const auditQuerySchema = z.object({
  actor: optionalText('Who', 200),
  action: optionalText('Action', 100),
  recordType: optionalText('Record type', 100),
  recordId: optionalText('Record ID', 100),
  organisation: z.preprocess(
    (value) => single(value) || undefined,
    z.coerce.number({ error: 'Select an organisation from the list' }).int('Select an organisation from the list').positive('Select an organisation from the list').max(2_147_483_647, 'Select an organisation from the list').optional(),
  ),
  // A page number that is not one shows the first page rather than an error: it comes from links, not people.
  page: z.preprocess(single, z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1)),
});

const datesSchema = z.object({
  'from-day': datePartText,
  'from-month': datePartText,
  'from-year': datePartText,
  'to-day': datePartText,
  'to-month': datePartText,
  'to-year': datePartText,
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
  const raw = datesSchema.parse(query ?? {});

  const dates: Partial<Record<'from' | 'to', string>> = {};
  for (const [field, label] of [['from', 'From date'], ['to', 'To date']] as const) {
    const result = parseDateParts(label, {
      day: raw[`${field}-day`],
      month: raw[`${field}-month`],
      year: raw[`${field}-year`],
    });
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

type DateResult = { value?: string } | { error: string; parts: DatePart[] };

/** One date from its three boxes; all empty means no date was asked for. */
export function parseDateParts(label: string, given: Record<DatePart, string>): DateResult {
  const missing = dateParts.filter((part) => given[part] === '');
  if (missing.length === 3) return {};
  if (missing.length > 0) return { error: `${label} must include a ${missing.join(' and ')}`, parts: missing };

  const notNumbers = dateParts.filter((part) => !/^\d+$/.test(given[part]));
  if (notNumbers.length > 0) return { error: `${label} must be a real date`, parts: notNumbers };
  if (given.year.length !== 4) return { error: `${label} year must include 4 numbers`, parts: ['year'] };

  const [day, month, year] = [Number(given.day), Number(given.month), Number(given.year)];
  if (month < 1 || month > 12) return { error: `${label} must be a real date`, parts: ['month'] };
  const date = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || date.getUTCDate() !== day) return { error: `${label} must be a real date`, parts: ['day'] };
  return { value: `${given.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}
