import { z } from 'zod';
import { councilTierSchema } from '../places/schemas.js';

export const lgslParamSchema = z.object({
  lgsl: z
    .string()
    .regex(/^\d{1,6}$/, 'The LGSL code must be a whole number')
    .transform(Number)
    .meta({ description: 'LGSL code: a whole number, such as 524' }),
});

/**
 * Where a provider is asked for: `postcode`, or `lat` and `lng`. They are given here as the strings
 * they arrive as: which of them is read depends on the others, so the handler parses them in its own
 * order (a postcode wins; a point is read by the places API's own pointQuerySchema).
 */
export const providerQuerySchema = z.object({
  postcode: z
    .string()
    .optional()
    .meta({ description: 'Any common form of a UK postcode; when given, lat and lng are not read' }),
  lat: z.string().optional().meta({ description: 'Latitude in WGS84 degrees, a decimal number from -90 to 90' }),
  lng: z.string().optional().meta({ description: 'Longitude in WGS84 degrees, a decimal number from -180 to 180' }),
});

export type ProviderQuery = z.infer<typeof providerQuerySchema>;

const serviceTierSchema = z.enum(['district/unitary', 'county/unitary', 'all']);

export const serviceSchema = z
  .object({
    lgsl: z.int().meta({ examples: [524] }),
    name: z.string(),
    tier: serviceTierSchema,
    slug: z.string().meta({ description: 'The service page is /services/{slug}' }),
  })
  .meta({ id: 'Service' });

export const serviceProviderSchema = z
  .object({
    service: z.object({ lgsl: z.int(), name: z.string(), tier: serviceTierSchema }),
    provider: z.object({ gss: z.string(), name: z.string(), tier: councilTierSchema, inPartnership: z.boolean() }),
    url: z.string().nullable().meta({
      description:
        "The council's page for this service, or its homepage when we know no page; null if neither is known",
    }),
  })
  .meta({ id: 'ServiceProvider' });

export const aToZQuerySchema = z.object({
  q: z.string().trim().max(100, 'Search for 100 characters or fewer').optional().default(''),
  all: z.literal('yes').optional(),
});
