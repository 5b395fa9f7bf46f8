import { z } from 'zod';
import type { ContractType, SalaryPeriod, WorkingPattern } from '../../../db/schema.js';
import { dateInputWording, parseDateInput, readDateInput, type DatePart } from '../../../shared/date-input.js';
import { single } from '../../../shared/form-values.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { FormErrors } from '../../../web/form-errors.js';
import { normalisePostcode } from '../../places/postcode.js';
import { instantInEngland } from '../../../shared/dates.js';
import { parseClockTime } from './clock-times.js';

export const contractTypes: readonly ContractType[] = [
  'permanent',
  'fixed_term',
  'temporary',
  'casual',
  'apprenticeship',
];
export const contractTypeNames: Record<ContractType, string> = {
  permanent: 'Permanent',
  fixed_term: 'Fixed term',
  temporary: 'Temporary',
  casual: 'Casual',
  apprenticeship: 'Apprenticeship',
};
export const workingPatternNames: Record<WorkingPattern, string> = { full_time: 'Full time', part_time: 'Part time' };
export const salaryPeriodNames: Record<SalaryPeriod, string> = { annual: 'a year', hourly: 'an hour' };

/** The most criteria one vacancy may have: enough for any person specification, few enough to score. */
export const MAX_CRITERIA = 30;

export interface CriterionInput {
  kind: 'essential' | 'desirable';
  text: string;
}

/** What a recruiter wrote, as checked: ready for the service, which still asks places about the postcode. */
export interface VacancyInput {
  title: string;
  serviceArea: string;
  locationName: string;
  postcode: string;
  salaryMinPence: number;
  salaryMaxPence: number | null;
  salaryPeriod: SalaryPeriod;
  grade: string;
  hoursPerWeek: number;
  workingPattern: WorkingPattern;
  contractType: ContractType;
  closesAt: Date;
  publishAt: Date | null;
  description: string;
  criteria: CriterionInput[];
  anonymisedShortlisting: boolean;
  requiresDbs: boolean;
  hiringManagerStaffId: number | null;
}

/** The form's fields as typed, to show again: every value a string, the criteria as rows. */
export interface VacancyFormValues {
  [field: string]: unknown;
  criteria: CriterionInput[];
}

const text = (max: number, tooLong: string) =>
  z.preprocess((value) => single(value) ?? '', z.string().trim().max(max, tooLong));
const required = (max: number, missing: string, tooLong: string) => text(max, tooLong).pipe(z.string().min(1, missing));

/** Pounds as people type them ("£24,500", "12.45") → pence; null when not a sum of money. */
export function poundsToPence(input: string): number | null {
  const cleaned = input.trim().replace(/^£/, '').replace(/,/g, '');
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 100);
}

const money = (missing: string | null, label: string) =>
  text(20, `${label} must be a sum of money, like 24500`).transform((value, context) => {
    if (value === '') {
      if (missing) context.addIssue({ code: 'custom', message: missing });
      return null;
    }
    const pence = poundsToPence(value);
    if (pence === null) context.addIssue({ code: 'custom', message: `${label} must be a sum of money, like 24500` });
    return pence;
  });

const yesNo = (missing: string) =>
  z.preprocess(single, z.enum(['yes', 'no'], { error: missing })).transform((value) => value === 'yes');

const scalarSchema = z
  .object({
    title: required(200, 'Enter the job title', 'Job title must be 200 characters or fewer'),
    serviceArea: required(200, 'Enter the service area', 'Service area must be 200 characters or fewer'),
    locationName: required(200, 'Enter where the job is based', 'Location must be 200 characters or fewer'),
    postcode: required(
      16,
      'Enter the postcode of where the job is based',
      'Enter a real postcode, like DE4 3AG',
    ).refine((value) => value === '' || normalisePostcode(value) !== null, 'Enter a real postcode, like DE4 3AG'),
    salaryMin: money('Enter the lowest salary', 'Lowest salary'),
    salaryMax: money(null, 'Highest salary'),
    salaryPeriod: z.preprocess(
      single,
      z.enum(['annual', 'hourly'], { error: 'Select whether the salary is a year or an hour' }),
    ),
    grade: text(50, 'Grade must be 50 characters or fewer'),
    hoursPerWeek: text(10, 'Hours a week must be a number, like 37 or 18.5')
      .pipe(z.string().min(1, 'Enter the hours a week'))
      .pipe(
        z
          .string()
          .regex(/^\d{1,2}(\.\d)?$/, 'Hours a week must be a number, like 37 or 18.5')
          .transform(Number)
          .refine((hours) => hours > 0 && hours <= 60, 'Hours a week must be more than 0 and no more than 60'),
      ),
    workingPattern: z.preprocess(
      single,
      z.enum(['full_time', 'part_time'], { error: 'Select full time or part time' }),
    ),
    contractType: z.preprocess(
      single,
      z.enum(contractTypes as [ContractType, ...ContractType[]], { error: 'Select the type of contract' }),
    ),
    description: required(20_000, 'Enter a description of the job', 'Description must be 20,000 characters or fewer'),
    anonymisedShortlisting: yesNo('Select whether shortlisting is anonymised'),
    requiresDbs: yesNo('Select whether the job needs a DBS check'),
    hiringManager: z.preprocess(
      (value) => single(value) || undefined,
      z.coerce
        .number({ error: 'Select the hiring manager' })
        .int()
        .positive()
        .max(2_147_483_647)
        .optional()
        .transform((value) => value ?? null),
    ),
  })
  .superRefine((form, context) => {
    if (form.salaryMin !== null && form.salaryMax !== null && form.salaryMax < form.salaryMin)
      context.addIssue({
        code: 'custom',
        path: ['salaryMax'],
        message: 'Highest salary must be the same as or more than the lowest salary',
      });
  });

/** The order fields appear in on the form, so the error summary lists them in that order. */
const fieldOrder = [
  'title',
  'serviceArea',
  'locationName',
  'postcode',
  'salaryMin',
  'salaryMax',
  'salaryPeriod',
  'grade',
  'hoursPerWeek',
  'workingPattern',
  'contractType',
  'closesOn',
  'closesTime',
  'publishOn',
  'publishTime',
  'description',
  'criteria',
  'anonymisedShortlisting',
  'requiresDbs',
  'hiringManager',
];
const fieldIds: Record<string, string> = {
  closesOn: 'closesOn-day',
  publishOn: 'publishOn-day',
  salaryPeriod: 'salaryPeriod',
  workingPattern: 'workingPattern',
  contractType: 'contractType',
  anonymisedShortlisting: 'anonymisedShortlisting',
  requiresDbs: 'requiresDbs',
};

const many = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((item) =>
    typeof item === 'string' ? item : '',
  );

/** The criteria rows as posted (kinds and texts side by side), blank rows kept so the form shows them again. */
export function readCriteriaRows(body: Record<string, unknown>): CriterionInput[] {
  const kinds = many(body.criterionKind);
  const texts = many(body.criterionText);
  const rows: CriterionInput[] = [];
  for (let index = 0; index < Math.min(Math.max(kinds.length, texts.length), MAX_CRITERIA + 1); index += 1)
    rows.push({ kind: kinds[index] === 'desirable' ? 'desirable' : 'essential', text: (texts[index] ?? '').trim() });
  return rows;
}

/**
 * Adding and removing criteria rows without JavaScript: the form's other buttons post it back with
 * `formAction` set, and the page is shown again with a row more or less, nothing saved.
 */
export function rowChange(body: Record<string, unknown>): { add: true } | { remove: number } | null {
  const action = single(body.formAction);
  if (action === 'add-criterion') return { add: true };
  const remove = typeof action === 'string' ? /^remove-criterion-(\d{1,2})$/.exec(action) : null;
  return remove ? { remove: Number(remove[1]) } : null;
}

interface DateTimeRead {
  value: Date | null;
  errors: { field: string; message: string; parts?: DatePart[] }[];
}

function readDateTime(
  body: Record<string, unknown>,
  dateField: string,
  timeField: string,
  label: string,
  required: boolean,
): DateTimeRead {
  const date = parseDateInput(readDateInput(body, dateField), dateInputWording(label));
  const timeText = String(single(body[timeField]) ?? '').trim();
  const errors: DateTimeRead['errors'] = [];
  if ('error' in date) errors.push({ field: dateField, message: date.error, parts: date.parts });
  else if (date.value === null && (required || timeText !== ''))
    errors.push({ field: dateField, message: `Enter the ${label.toLowerCase()}`, parts: ['day', 'month', 'year'] });
  const time = timeText === '' ? null : parseClockTime(timeText);
  if (timeText === '' && (required || ('value' in date && date.value !== null)))
    errors.push({
      field: timeField,
      message: `Enter the ${label.toLowerCase().replace('date', 'time')}, like 17:00 or 5pm`,
    });
  else if (timeText !== '' && time === null)
    errors.push({
      field: timeField,
      message: `${label.replace('date', 'time')} must be a real time, like 17:00 or 5pm (not midnight: use 11:59pm)`,
    });
  if (errors.length > 0 || !('value' in date) || date.value === null || time === null) return { value: null, errors };
  return { value: instantInEngland(date.value, time), errors };
}

export type VacancyFormResult =
  { ok: true; input: VacancyInput } | { ok: false; errors: FormErrors; dateErrorParts: Record<string, DatePart[]> };

/** Checks the vacancy form whole: every field's problem at once, in the form's order. */
export function readVacancyForm(body: Record<string, unknown>, now: Date): VacancyFormResult {
  const problems = new Map<string, string>();
  const dateErrorParts: Record<string, DatePart[]> = {};
  const scalars = scalarSchema.safeParse(body);
  if (!scalars.success)
    for (const issue of scalars.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (!problems.has(field)) problems.set(field, issue.message);
    }

  const closes = readDateTime(body, 'closesOn', 'closesTime', 'Closing date', true);
  const publish = readDateTime(body, 'publishOn', 'publishTime', 'Publishing date', false);
  for (const { field, message, parts } of [...closes.errors, ...publish.errors]) {
    if (!problems.has(field)) problems.set(field, message);
    if (parts) dateErrorParts[field] = parts;
  }
  if (closes.value && closes.value <= now) {
    problems.set('closesOn', 'Closing date must be in the future');
    dateErrorParts.closesOn = ['day', 'month', 'year'];
  }
  if (closes.value && publish.value && publish.value >= closes.value) {
    problems.set('publishOn', 'Publishing date must be before the closing date');
    dateErrorParts.publishOn = ['day', 'month', 'year'];
  }

  const rows = readCriteriaRows(body);
  const criteria = rows.filter((row) => row.text !== '');
  if (rows.length > MAX_CRITERIA) problems.set('criteria', `A vacancy can have up to ${MAX_CRITERIA} criteria`);
  else if (criteria.some((row) => row.text.length > 1000))
    problems.set('criteria', 'Each criterion must be 1,000 characters or fewer');
  else if (!criteria.some((row) => row.kind === 'essential'))
    problems.set('criteria', 'Enter at least one essential criterion');

  if (problems.size > 0 || !scalars.success || !closes.value) {
    const errors: FormErrors = { summary: [], fields: {} };
    const ordered = [...problems.keys()].sort((a, b) => fieldOrder.indexOf(a) - fieldOrder.indexOf(b));
    for (const field of ordered) {
      const message = problems.get(field)!;
      errors.fields[field] = { text: message };
      errors.summary.push({
        text: message,
        href: `#${field === 'criteria' ? 'criterionText-0' : (fieldIds[field] ?? field)}`,
      });
    }
    return { ok: false, errors, dateErrorParts };
  }
  const form = scalars.data;
  return {
    ok: true,
    input: {
      title: form.title,
      serviceArea: form.serviceArea,
      locationName: form.locationName,
      postcode: normalisePostcode(form.postcode)!,
      salaryMinPence: form.salaryMin!,
      salaryMaxPence: form.salaryMax,
      salaryPeriod: form.salaryPeriod,
      grade: form.grade,
      hoursPerWeek: form.hoursPerWeek,
      workingPattern: form.workingPattern,
      contractType: form.contractType,
      closesAt: closes.value,
      publishAt: publish.value,
      description: form.description,
      criteria,
      anonymisedShortlisting: form.anonymisedShortlisting,
      requiresDbs: form.requiresDbs,
      hiringManagerStaffId: form.hiringManager,
    },
  };
}

/** A reason staff give for closing early, returning to draft, extending or cancelling. */
export const reasonSchema = z.object({
  reason: required(1000, 'Enter the reason', 'Reason must be 1,000 characters or fewer'),
});

/** The new deadline of an extension, and why. */
export function readExtension(body: Record<string, unknown>, now: Date, current: Date) {
  const problems: { field: string; message: string; parts?: DatePart[] }[] = [];
  const when = readDateTime(body, 'closesOn', 'closesTime', 'New closing date', true);
  problems.push(...when.errors);
  if (when.value && when.value <= now)
    problems.push({ field: 'closesOn', message: 'New closing date must be in the future' });
  else if (when.value && when.value <= current)
    problems.push({ field: 'closesOn', message: 'New closing date must be later than the current closing date' });
  const reason = reasonSchema.safeParse(body);
  if (!reason.success) problems.push({ field: 'reason', message: reason.error.issues[0].message });
  if (problems.length > 0 || !when.value || !reason.success) {
    const errors: FormErrors = { summary: [], fields: {} };
    for (const { field, message } of problems) {
      if (errors.fields[field]) continue;
      errors.fields[field] = { text: message };
      errors.summary.push({ text: message, href: `#${field === 'closesOn' ? 'closesOn-day' : field}` });
    }
    return { ok: false as const, errors };
  }
  return { ok: true as const, closesAt: when.value, reason: reason.data.reason };
}

const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

/** An id from the address; anything else is a page that does not exist. */
export function parseId(value: unknown): number {
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}
