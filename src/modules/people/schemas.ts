import { z } from 'zod';
import { preferredChannels } from '../../db/schema.js';
import { NotFoundError } from '../../shared/errors.js';
import { visibleName } from '../../shared/names.js';
import { isUkPhoneNumber, phoneNumberMessage } from '../../shared/phone.js';
import { normalisePostcode } from '../places/postcode.js';
import { emailField } from '../identity/schemas.js';
import { single } from '../../shared/form-values.js';

const text = (max: number, tooLong: string) =>
  z.preprocess((value) => single(value) ?? '', z.string().trim().max(max, tooLong));

export const searchSchema = z.object({
  q: text(100, 'Search for 100 characters or fewer'),
});

export const preferredChannelNames: Record<(typeof preferredChannels)[number], string> = {
  email: 'Email',
  phone: 'Phone call',
  letter: 'Letter',
  text_message: 'Text message',
  face_to_face: 'Face to face',
};

/** A person's details as staff correct them. Every field but the name may be left empty. */
export const detailsSchema = z.object({
  name: visibleName(
    text(200, 'Name must be 200 characters or fewer').pipe(z.string().min(1, 'Enter the person’s name')),
    'Name',
  ),
  email: z.preprocess(
    (value) => (typeof single(value) === 'string' && String(single(value)).trim() !== '' ? single(value) : undefined),
    emailField.optional().transform((value) => value ?? null),
  ),
  phone: text(20, phoneNumberMessage)
    .refine((value) => value === '' || isUkPhoneNumber(value), phoneNumberMessage)
    .transform((value) => value || null),
  address: text(500, 'Address must be 500 characters or fewer'),
  postcode: text(16, 'Enter a real postcode, like DE4 3AG')
    .refine((value) => value === '' || normalisePostcode(value) !== null, 'Enter a real postcode, like DE4 3AG')
    .transform((value) => (value ? normalisePostcode(value) : null)),
  preferredChannel: z.preprocess(
    (value) => single(value) || undefined,
    z
      .enum(preferredChannels, { error: 'Select how they would like us to contact them' })
      .optional()
      .transform((value) => value ?? null),
  ),
  needs: text(500, 'Needs must be 500 characters or fewer'),
});

export const mergeChoiceSchema = z.object({
  otherId: z.preprocess(
    single,
    z.coerce.number({ error: 'Select the record to merge' }).int().positive().max(2_147_483_647),
  ),
});

const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

/** A person's id from the address; anything else is a page that does not exist. */
export function parsePersonId(value: unknown): number {
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}
