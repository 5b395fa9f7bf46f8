import { z } from 'zod';
import { dateInputWording, parseDateInput, readDateInput } from '../../../shared/date-input.js';
import type { FormErrors } from '../../../web/form-errors.js';
import { emailField } from '../../identity/schemas.js';
import { requiredText } from './case-page-schemas.js';
import { recordingChannels } from './presenters.js';
import { visibleName } from '../../../shared/names.js';
import { consentLastsUntil } from '../core/consent-terms.js';
import { isUkPhoneNumber } from '../../../shared/phone.js';
import { single } from '../../../shared/form-values.js';

/** Step 1: how the person got in touch, what about, and where. Sent as a GET form, so it works without JavaScript. */
export const contactStartSchema = z.object({
  channel: z.preprocess(single, z.enum(recordingChannels, { error: 'Select how the person got in touch' })),
  kind: z.preprocess(
    single,
    z.string({ error: 'Select the kind of request' }).regex(/^[a-z0-9-]{1,100}$/, 'Select the kind of request'),
  ),
  postcode: requiredText('Enter the postcode of the place', 'The postcode', 16),
});

export type ContactStart = z.output<typeof contactStartSchema>;

const optionalText = (label: string, max: number) =>
  z.preprocess(
    (value) => single(value) ?? '',
    z
      .string()
      .trim()
      .max(max, `${label} must be ${max} characters or fewer`)
      .transform((value) => value || null),
  );

// The same rule as a citizen's account: a UK number, written as people write them.
const phoneField = z.preprocess(
  (value) => single(value) ?? '',
  z
    .string()
    .trim()
    .max(20, 'Enter a telephone number, like 01632 960 001 or 07700 900 982')
    .refine(
      (value) => value === '' || isUkPhoneNumber(value),
      'Enter a telephone number, like 01632 960 001 or 07700 900 982',
    )
    .transform((value) => value || null),
);

/** Step 2: the details. The type's own questions are checked by checkAnswers, after this. */
export const contactDetailsSchema = z.object({
  locationDescription: requiredText('Describe where exactly, like outside number 12', 'Where exactly', 500),
  description: requiredText('Enter what the request is about', 'What it is about', 2000),
  contactName: visibleName(optionalText('Name', 200), 'Name'),
  contactEmail: z.preprocess(
    (value) => {
      const text = single(value);
      return typeof text === 'string' && text.trim() !== '' ? text : undefined;
    },
    emailField.optional().transform((value) => value ?? null),
  ),
  contactPhone: phoneField,
});

export type ContactDetails = z.output<typeof contactDetailsSchema>;

export interface Consent {
  givenBy: string;
  givenOn: string;
  purpose: string;
  /** The last day it holds: consentLastsUntil (a year unless the adviser chose less). */
  expiresOn: string;
}

/**
 * A partner adviser's record of the client's consent: who gave it, on which day (not a future
 * one), and for what. Read from the form by hand, as the date is three boxes.
 */
export function parseConsent(
  body: Record<string, unknown>,
  today: string,
): { consent: Consent; errors: null } | { consent: null; errors: FormErrors; dateParts: string[] } {
  const errors: FormErrors = { summary: [], fields: {} };
  const add = (field: string, message: string, href = field) => {
    errors.fields[field] = { text: message };
    errors.summary.push({ text: message, href: `#${href}` });
  };
  const text = (name: string) => {
    const value = single(body[name]);
    return typeof value === 'string' ? value.trim() : '';
  };
  const givenBy = text('consentGivenBy');
  const purpose = text('consentPurpose');
  let dateParts: string[] = [];

  if (!givenBy) add('consentGivenBy', 'Enter the name of the person who gave consent');
  else if (givenBy.length > 200) add('consentGivenBy', 'Name must be 200 characters or fewer');

  const date = parseDateInput(readDateInput(body, 'consentGivenOn'), dateInputWording('The date consent was given'));
  let givenOn = '';
  if ('error' in date) {
    add('consentGivenOn', date.error, `consentGivenOn-${date.parts[0]}`);
    dateParts = date.parts;
  } else if (!date.value) {
    add('consentGivenOn', 'Enter the date consent was given', 'consentGivenOn-day');
    dateParts = ['day', 'month', 'year'];
  } else if (date.value > today) {
    add('consentGivenOn', 'The date consent was given must be today or in the past', 'consentGivenOn-day');
    dateParts = ['day', 'month', 'year'];
  } else givenOn = date.value;

  if (!purpose) add('consentPurpose', 'Enter what the client agreed to');
  else if (purpose.length > 500) add('consentPurpose', 'What the client agreed to must be 500 characters or fewer');

  const lasts = consentLastsUntil(givenOn, single(body.consentLasts));
  if ('error' in lasts) add('consentLasts', lasts.error, 'consentLasts');

  return errors.summary.length > 0 || 'error' in lasts
    ? { consent: null, errors, dateParts }
    : { consent: { givenBy, givenOn, purpose, expiresOn: lasts.expiresOn }, errors: null };
}

/** The answers to the type's questions arrive as q_<code>, so they never clash with the form's own fields. */
export function answersFrom(body: Record<string, unknown>): Record<string, string | string[] | undefined> {
  const answers: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(body)) {
    if (!name.startsWith('q_')) continue;
    const values = [value].flat().filter((item): item is string => typeof item === 'string');
    answers[name.slice(2)] = values.length === 1 ? values[0] : values;
  }
  return answers;
}
