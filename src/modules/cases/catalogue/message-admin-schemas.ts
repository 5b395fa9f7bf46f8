import { z } from 'zod';
import { single } from '../../../shared/form-values.js';

/** An organisation's wording of one message: a subject line and a plain-text body. */
export const messageTemplateSchema = z.object({
  subject: z.preprocess(
    single,
    z
      .string({ error: 'Enter the subject' })
      .trim()
      .min(1, 'Enter the subject')
      .max(200, 'The subject must be 200 characters or fewer')
      .refine((value) => !/[\r\n]/.test(value), 'The subject must be one line'),
  ),
  body: z.preprocess(
    single,
    z
      .string({ error: 'Enter the message' })
      .transform((value) => value.replace(/\r\n/g, '\n').trim())
      .pipe(z.string().min(1, 'Enter the message').max(5000, 'The message must be 5,000 characters or fewer')),
  ),
});
