import { z } from 'zod';
import { dayInEngland } from '../../shared/dates.js';

/**
 * GOV.UK date inputs post three fields: `<name>-day`, `<name>-month`, `<name>-year`. These helpers
 * gather them into one value per date and check it the way the Design System's pattern asks.
 */
export interface DateParts {
  day: string;
  month: string;
  year: string;
}

const parts = ['day', 'month', 'year'] as const;

/** Copies `startsOn-day` and friends into `startsOn: { day, month, year }`, leaving the rest of the form as it was. */
export function gatherDateParts(body: unknown, names: string[]): Record<string, unknown> {
  const form = { ...(body as Record<string, unknown>) };
  for (const name of names) {
    const text = (part: string) => {
      const value = form[`${name}-${part}`];
      return typeof value === 'string' ? value : '';
    };
    form[name] = { day: text('day'), month: text('month'), year: text('year') };
  }
  return form;
}

/** The form's values for a 'YYYY-MM-DD' date, to fill in its three boxes again. */
export function datePartsOf(name: string, value: string | null): Record<string, string> {
  const [year = '', month = '', day = ''] = value ? value.split('-') : [];
  return { [`${name}-day`]: day ? String(Number(day)) : '', [`${name}-month`]: month ? String(Number(month)) : '', [`${name}-year`]: year };
}

/** A GOV.UK date field that may be left empty: 'YYYY-MM-DD' or null. `name` starts each message ("End date must be a real date"). */
export function optionalDateField(name: string) {
  return dateField(name, null);
}

/** A GOV.UK date field that must be filled in; `missing` is the message when it is left empty. */
export function requiredDateField(name: string, missing: string) {
  // An empty date has already failed the parse here, so what passes is always a date.
  return dateField(name, missing).transform((value) => value as string);
}

function dateField(name: string, missing: string | null) {
  return z
    .object({ day: z.string(), month: z.string(), year: z.string() })
    .transform((raw, context): string | null => {
      const value = { day: raw.day.trim(), month: raw.month.trim(), year: raw.year.trim() };
      const empty = parts.filter((part) => value[part] === '');
      if (empty.length === 3) {
        if (missing) context.addIssue({ code: 'custom', message: missing });
        return null;
      }
      if (empty.length > 0) {
        context.addIssue({ code: 'custom', message: `${name} must include a ${empty.join(' and ')}` });
        return null;
      }
      if (!parts.every((part) => /^\d+$/.test(value[part]))) {
        context.addIssue({ code: 'custom', message: `${name} must be a real date` });
        return null;
      }
      if (value.year.length !== 4) {
        context.addIssue({ code: 'custom', message: 'Year must include 4 numbers' });
        return null;
      }
      const [day, month, year] = [Number(value.day), Number(value.month), Number(value.year)];
      const date = new Date(Date.UTC(year, month - 1, day));
      if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
        context.addIssue({ code: 'custom', message: `${name} must be a real date` });
        return null;
      }
      return `${value.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    });
}

/** Today's date in the UK, 'YYYY-MM-DD': agreements run from and to UK calendar days. */
export const ukDate = dayInEngland;
