import { z } from 'zod';

/** The one error shape of the JSON API: `{"errors":[{"code":"...","message":"..."}]}`. */
export const apiErrorsSchema = z
  .object({
    errors: z.array(
      z.object({
        code: z.string().meta({ description: 'What went wrong, for programs', examples: ['invalid_postcode'] }),
        message: z.string().meta({ description: 'What went wrong, for people' }),
      }),
    ),
  })
  .meta({ id: 'Errors' });

export type ApiErrorBody = z.infer<typeof apiErrorsSchema>;

export function apiError(code: string, message: string): ApiErrorBody {
  return { errors: [{ code, message }] };
}

/**
 * The first problem Fastify's validation found in a request (a route with `attachValidation`): the
 * field it is about, and the zod schema's message for it, the same as `schema.safeParse` would give.
 */
export function firstProblem(error: Error & { validation?: readonly { instancePath: string; message?: string }[] }): {
  field: string;
  message: string;
} {
  const problem = error.validation?.[0];
  return { field: problem?.instancePath.split('/')[1] ?? '', message: problem?.message ?? error.message };
}
