import { z } from 'zod';
import { pageNumberField } from '../../shared/pagination.js';

export const emailStatuses = ['waiting', 'retrying', 'sent', 'failed'] as const;
export type EmailStatus = (typeof emailStatuses)[number];

export const emailStatusNames: Record<EmailStatus, string> = {
  waiting: 'Waiting',
  retrying: 'Retrying',
  sent: 'Sent',
  failed: 'Failed',
};

/**
 * The outbox page's filter and page number, from its address. A value no one could have chosen
 * (an unknown status, page 0) falls back to the default rather than failing the page.
 */
export const outboxQuerySchema = z.object({
  status: z.enum(emailStatuses).optional().catch(undefined),
  page: pageNumberField(100_000),
});
export type OutboxQuery = z.infer<typeof outboxQuerySchema>;

const emailIdSchema = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** An email's id from the address, or undefined for anything that is not one (the page answers 404). */
export function parseEmailId(params: unknown): number | undefined {
  const parsed = emailIdSchema.safeParse(params);
  return parsed.success ? parsed.data.id : undefined;
}
