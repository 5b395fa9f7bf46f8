import { z } from 'zod';

export const lgslParamSchema = z.object({
  lgsl: z.string().regex(/^\d{1,6}$/, 'The LGSL code must be a whole number').transform(Number),
});

export const aToZQuerySchema = z.object({
  q: z.string().trim().max(100, 'Search for 100 characters or fewer').optional().default(''),
  all: z.literal('yes').optional(),
});
