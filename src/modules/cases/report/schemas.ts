import { z } from 'zod';
import { emailField } from '../../identity/schemas.js';
import { visibleName } from '../../../shared/names.js';
import { isUkPhoneNumber } from '../../../shared/phone.js';

export const DESCRIPTION_LIMIT = 2000;
export const LOCATION_DESCRIPTION_LIMIT = 500;

/** ?search= on the "what" page. */
export const kindSearchSchema = z.object({ search: z.string().trim().max(100).optional().default('') });

export const whatSchema = z.object({
  serviceCode: z
    .string({ error: 'Select what you want to report' })
    .trim()
    .min(1, 'Select what you want to report')
    .max(100, 'Select what you want to report'),
});

function coordinate(limit: number) {
  return z
    .string()
    .trim()
    .regex(/^-?\d{1,3}(\.\d{1,12})?$/)
    .transform(Number)
    .refine((value) => Math.abs(value) <= limit);
}

/** A pin set by the map: used only when both halves are there and make sense, otherwise the postcode is. */
export const pointSchema = z.object({ latitude: coordinate(90), longitude: coordinate(180) });

export const whereSchema = z.object({
  postcode: z.string().trim().max(16, 'Enter a real postcode, like DE4 3AG').optional().default(''),
  locationDescription: z
    .string()
    .trim()
    .max(LOCATION_DESCRIPTION_LIMIT, `Where exactly must be ${LOCATION_DESCRIPTION_LIMIT} characters or fewer`)
    .optional()
    .default(''),
  latitude: z.string().max(30).optional().default(''),
  longitude: z.string().max(30).optional().default(''),
});

export const descriptionSchema = z.object({
  description: z
    .string({ error: 'Describe the problem' })
    .trim()
    .min(1, 'Describe the problem')
    .max(DESCRIPTION_LIMIT, `The description must be ${DESCRIPTION_LIMIT} characters or fewer`),
});

const phoneField = z
  .string()
  .trim()
  .max(20, 'Enter a telephone number, like 01632 960 001 or 07700 900 982')
  .refine(
    (value) => value === '' || isUkPhoneNumber(value),
    'Enter a telephone number, like 01632 960 001 or 07700 900 982',
  )
  .optional()
  .transform((value) => (value ? value : null));

export const guestDetailsSchema = z.object({
  name: visibleName(
    z
      .string({ error: 'Enter your full name' })
      .trim()
      .min(1, 'Enter your full name')
      .max(200, 'Your name must be 200 characters or fewer'),
    'Your name',
  ),
  email: emailField,
  phone: phoneField,
});

/** Whether a guest gives their details or stays anonymous; asked only where the kind allows that. */
export const identifySchema = z.object({
  identify: z.enum(['details', 'anonymous'], { error: 'Select whether you want to give your details' }),
});
