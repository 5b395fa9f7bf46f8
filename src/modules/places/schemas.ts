import { z } from 'zod';
import { normalisePostcode } from './postcode.js';

/** A postcode typed into a form: required, and shaped like a UK postcode. Yields the standard form. */
export const postcodeField = z
  .string({ error: 'Enter a postcode' })
  .trim()
  .min(1, 'Enter a postcode')
  .max(16, 'Enter a real postcode, like DE4 3AG')
  .transform((value, context) => {
    const postcode = normalisePostcode(value);
    if (!postcode) {
      context.addIssue({ code: 'custom', message: 'Enter a real postcode, like DE4 3AG' });
      return z.NEVER;
    }
    return postcode;
  });

export const postcodeFormSchema = z.object({ postcode: postcodeField });

function coordinate(name: string, limit: number) {
  return z
    .string({ error: `${name} is required` })
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, `${name} must be a decimal number`)
    .transform(Number)
    .refine((value) => Math.abs(value) <= limit, `${name} must be between -${limit} and ${limit}`);
}

/** A point given as query parameters, in WGS84 degrees. */
export const pointQuerySchema = z.object({
  lat: coordinate('lat', 90),
  lng: coordinate('lng', 180),
});

/** Said beside the postcode field when a well-formed postcode is not in our list. */
export function unknownPostcodeMessage(postcode: string): string {
  return `We cannot find ${postcode}. Check the postcode is right`;
}
