/** How long a client's consent may last, in months, as the adviser chooses it; a year unless they choose less. */
export const consentTerms = [3, 6, 12] as const;
const defaultTerm = 12;

/**
 * The last day a consent given on `givenOn` holds, for the term chosen (months, as the form sends
 * it). Nothing chosen is a year; a month too short for the day ends on its last day (31 August and
 * six months is 28 or 29 February).
 */
export function consentLastsUntil(givenOn: string, chosen: unknown): { expiresOn: string } | { error: string } {
  const months = chosen === undefined || chosen === '' ? defaultTerm : Number(chosen);
  if (!(consentTerms as readonly number[]).includes(months)) return { error: 'Select how long the consent lasts' };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(givenOn)) return { expiresOn: givenOn };
  const [year, month, day] = givenOn.split('-').map(Number);
  const lastOfMonth = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
  const end = new Date(Date.UTC(year, month - 1 + months, Math.min(day, lastOfMonth)));
  return { expiresOn: end.toISOString().slice(0, 10) };
}
