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

const coordinateNames = { lat: 'Latitude', lng: 'Longitude' } as const;

function coordinate(name: keyof typeof coordinateNames, limit: number) {
  return z
    .string({ error: `${name} is required` })
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, `${name} must be a decimal number`)
    .transform(Number)
    .refine((value) => Math.abs(value) <= limit, `${name} must be between -${limit} and ${limit}`)
    .meta({ description: `${coordinateNames[name]} in WGS84 degrees, a decimal number from -${limit} to ${limit}` });
}

/** A point given as query parameters, in WGS84 degrees. */
export const pointQuerySchema = z.object({
  lat: coordinate('lat', 90),
  lng: coordinate('lng', 180),
});

/** The postcode in the API's address: any string, since a malformed one has its own answer (invalid_postcode). */
export const postcodeParamsSchema = z.object({
  postcode: z.string().meta({ description: 'Any common form: "DE4 3AG", "de43ag", " DE4 3AG "' }),
});

export const councilTierSchema = z.enum(['county', 'district', 'unitary']);

export const councilSchema = z
  .object({
    gss: z.string().meta({ description: 'ONS GSS code of the council', examples: ['E07000035'] }),
    name: z.string().meta({ examples: ['Derbyshire Dales District Council'] }),
  })
  .meta({ id: 'Council' });

/** The API's answer for a point: the councils of both tiers there. */
export const placeSchema = z
  .object({
    latitude: z.number(),
    longitude: z.number(),
    structure: z
      .enum(['two-tier', 'unitary'])
      .meta({ description: 'two-tier: a district and a county council; unitary: one council for both tiers' }),
    lowerTier: councilSchema,
    upperTier: councilSchema,
    inPartnership: z
      .boolean()
      .meta({ description: 'A member of this partnership serves the place for at least one tier' }),
  })
  .meta({ id: 'Place' });

/** The API's answer for a postcode: the postcode in its standard form, then the place. */
export const postcodePlaceSchema = z
  .object({
    postcode: z.string().meta({ examples: ['DE4 3AG'] }),
    ...placeSchema.shape,
  })
  .meta({ id: 'PostcodePlace' });

export type PlaceBody = z.infer<typeof placeSchema>;
export type PostcodePlaceBody = z.infer<typeof postcodePlaceSchema>;

/**
 * Said beside the postcode field when a well-formed postcode is not in our list. The list is the
 * partnership's own area, from 2017, so a real postcode may be missing: say so, rather than that the
 * postcode is wrong, and say what else to do (`otherwise`).
 */
export function unknownPostcodeMessage(postcode: string, otherwise = 'try a postcode nearby'): string {
  return `${postcode} is not in our list of postcodes. Check it is right; if it is, ${otherwise}`;
}
