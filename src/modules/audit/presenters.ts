import { formatDay } from '../../shared/dates.js';
import type { AnchorCheck } from './anchor.js';
import type { ChainCheck } from './check.js';
/** The query-string fields of the filter form, kept on page links and the CSV link. */
export const filterFields = [
  'actor',
  'action',
  'recordType',
  'recordId',
  'organisation',
  'from-day',
  'from-month',
  'from-year',
  'to-day',
  'to-month',
  'to-year',
] as const;

/** What the person typed into the filters, as text, to show again and to carry onto links. */
export function filterValues(query: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of filterFields) {
    const value = [query[field]].flat()[0];
    if (typeof value === 'string' && value.trim() !== '') values[field] = value.trim();
  }
  return values;
}

/** The sentence naming what broke, for the verify page's warning. */
export function describeBreak(check: Extract<ChainCheck, { intact: false }>): string {
  const entry = `The first broken entry is entry ${check.brokenEntryId}`;
  const seal = `seal ${check.brokenSealId}`;
  switch (check.reason) {
    case 'hash-mismatch':
      return `${entry}, with a hash mismatch: its content no longer matches the hash recorded when it was written, so it has been changed.`;
    case 'rehashed':
      return `${entry}, with a hash that differs from the one ${seal} recorded: it has been changed and given a fresh hash.`;
    case 'unlisted':
      return `${entry}, which ${seal} does not list although it covers it: it was added after the log was sealed.`;
    case 'missing':
      return `${entry}, which is missing: ${seal} lists it, so it has been deleted.`;
    case 'seal-mismatch':
      return `The first broken seal is ${seal}, with a hash mismatch: its content no longer matches its hash, so it has been changed.`;
    case 'broken-link':
      return `The first broken seal is ${seal}, with a broken link: it does not follow the seal before it, so a seal has been removed, or changed and given a fresh hash.`;
  }
}

/** The sentence naming what an anchor shows, for the verify page's warning. */
export function describeAnchorProblem({ anchor, status, currentHash }: AnchorCheck): string {
  const published = `Anchor ${anchor.id}, published on ${formatDay(anchor.published_at)}, names seal ${anchor.seal_id} with hash ${anchor.seal_hash}`;
  if (status === 'missing') return `${published}: that seal is gone, so seals have been deleted.`;
  return `${published}: that seal now has the hash ${currentHash}, so the seals have been rewritten.`;
}
