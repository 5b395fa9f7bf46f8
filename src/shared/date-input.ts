/**
 * The GOV.UK date input: three boxes posted as `<name>-day`, `<name>-month` and `<name>-year`. This
 * is the one parser of them, checking them the way the Design System's pattern asks (every part
 * given, numbers, a four-figure year, a day that exists) and saying which boxes are wrong.
 */
export type DatePart = 'day' | 'month' | 'year';
export const dateParts: readonly DatePart[] = ['day', 'month', 'year'];

export type DateInput = Record<DatePart, string>;

/** What a date input says when it is wrong. Forms differ in a few words, so each passes its own. */
export interface DateInputWording {
  /** Some boxes filled in and others not: "Start date must include a month and year". */
  missing: (parts: DatePart[]) => string;
  /** Not numbers, or no such day: "Start date must be a real date". */
  notReal: string;
  /** The year is not four figures. */
  yearDigits: string;
}

/** The Design System's wording for a date labelled `label` ("From date must include a day and month"). */
export function dateInputWording(label: string): DateInputWording {
  return {
    missing: (parts) => `${label} must include a ${parts.join(' and ')}`,
    notReal: `${label} must be a real date`,
    yearDigits: `${label} year must include 4 numbers`,
  };
}

/** A date, 'YYYY-MM-DD', or null when every box was left empty; or what is wrong and which boxes to mark. */
export type DateInputResult = { value: string | null } | { error: string; parts: DatePart[] };

export function parseDateInput(input: DateInput, wording: DateInputWording): DateInputResult {
  const given: DateInput = { day: input.day.trim(), month: input.month.trim(), year: input.year.trim() };
  const missing = dateParts.filter((part) => given[part] === '');
  if (missing.length === 3) return { value: null };
  if (missing.length > 0) return { error: wording.missing(missing), parts: missing };

  const notNumbers = dateParts.filter((part) => !/^\d+$/.test(given[part]));
  if (notNumbers.length > 0) return { error: wording.notReal, parts: notNumbers };
  if (given.year.length !== 4) return { error: wording.yearDigits, parts: ['year'] };

  const [day, month, year] = [Number(given.day), Number(given.month), Number(given.year)];
  if (month < 1 || month > 12) return { error: wording.notReal, parts: ['month'] };
  if (!isRealDay(year, month, day)) return { error: wording.notReal, parts: ['day'] };
  return { value: `${given.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

/** Whether a calendar day exists: 31 February does not, though Date.UTC rolls it on to March. */
export function isRealDay(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  // setUTCFullYear, not Date.UTC, which reads the years 0 to 99 as 1900 to 1999.
  const lastOfMonth = new Date(0);
  lastOfMonth.setUTCFullYear(year, month, 0);
  return day <= lastOfMonth.getUTCDate();
}

/** A date input's three boxes from a posted form or query; a repeated field counts as its first value. */
export function readDateInput(form: Record<string, unknown>, name: string): DateInput {
  const text = (part: DatePart) => {
    const raw = form[`${name}-${part}`];
    const value = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
    return typeof value === 'string' ? value : '';
  };
  return { day: text('day'), month: text('month'), year: text('year') };
}

/** Copies `startsOn-day` and friends into `startsOn: { day, month, year }`, leaving the rest of the form as it was. */
export function gatherDateInputs(body: unknown, names: string[]): Record<string, unknown> {
  const form = { ...(body as Record<string, unknown>) };
  for (const name of names) form[name] = readDateInput(form, name);
  return form;
}

/** The boxes' values for a 'YYYY-MM-DD' date (or none), to fill them in again: 2026-03-05 → 5, 3, 2026. */
export function dateInputValues(name: string, value: string | null): Record<string, string> {
  const [year = '', month = '', day = ''] = value ? value.split('-') : [];
  return {
    [`${name}-day`]: day ? String(Number(day)) : '',
    [`${name}-month`]: month ? String(Number(month)) : '',
    [`${name}-year`]: year,
  };
}
