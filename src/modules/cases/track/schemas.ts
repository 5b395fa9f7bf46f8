import { z } from 'zod';
import { emailField } from '../../identity/schemas.js';
import { normaliseUkPhone } from '../../../shared/phone.js';

export const REOPEN_REASON_LIMIT = 1000;

/** References read like DBY-2026-000123; typed in any case, with or without spaces around. */
const referenceField = z
  .string({ error: 'Enter your reference' })
  .trim()
  .min(1, 'Enter your reference')
  .max(40, 'Enter a reference like DBY-2026-000123')
  .transform((value) => value.toUpperCase().replace(/\s+/g, ''))
  .refine((value) => /^[A-Z]{2,10}-\d{4}-\d{1,9}$/.test(value), 'Enter a reference like DBY-2026-000123');

export const trackSchema = z.object({ reference: referenceField, email: emailField });

/** A UK number as people write it; whether it is the case's is checked after, with the reference. */
const phoneField = z
  .string({ error: 'Enter the phone number you gave us' })
  .trim()
  .min(1, 'Enter the phone number you gave us')
  .max(30, 'Enter a phone number, like 01632 960 001 or 07700 900 982')
  .refine((value) => normaliseUkPhone(value) !== null, 'Enter a phone number, like 01632 960 001 or 07700 900 982');

export const trackByPhoneSchema = z.object({ reference: referenceField, phone: phoneField });

export const reopenSchema = z.object({
  reason: z
    .string({ error: 'Tell us why you are reopening it' })
    .trim()
    .min(1, 'Tell us why you are reopening it')
    .max(REOPEN_REASON_LIMIT, `Your reason must be ${REOPEN_REASON_LIMIT} characters or fewer`),
});

export const satisfactionScores = ['5', '4', '3', '2', '1'] as const;

export const satisfactionSchema = z.object({
  token: z.string().trim().min(1).max(100),
  score: z.enum(satisfactionScores, { error: 'Select how satisfied you are' }).transform(Number),
});

export const satisfactionNames: Record<(typeof satisfactionScores)[number], string> = {
  '5': 'Very satisfied',
  '4': 'Satisfied',
  '3': 'Neither satisfied nor dissatisfied',
  '2': 'Dissatisfied',
  '1': 'Very dissatisfied',
};
