import type { z } from 'zod';

export interface FormErrors {
  /** For govukErrorSummary: one entry per field, linking to it. */
  summary: { text: string; href: string }[];
  /** For each component's errorMessage option, by field name. */
  fields: Record<string, { text: string }>;
}

/** Turns a zod failure into the GOV.UK error summary and the messages shown beside each field. */
export function formErrorsFrom(error: z.ZodError, fieldIds: Record<string, string> = {}): FormErrors {
  const errors: FormErrors = { summary: [], fields: {} };
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (errors.fields[field]) continue;
    errors.fields[field] = { text: issue.message };
    errors.summary.push({ text: issue.message, href: `#${fieldIds[field] ?? field}` });
  }
  return errors;
}

/** One error on one field, for rules that are checked after the schema (an unknown postcode, say). */
export function fieldError(field: string, message: string, fieldId = field): FormErrors {
  return { summary: [{ text: message, href: `#${fieldId}` }], fields: { [field]: { text: message } } };
}
