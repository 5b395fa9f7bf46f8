import type { EmploymentEntry, EmploymentGap } from '../applications/application-content.js';

/** A gap longer than this many months between jobs (or since the last one ended) needs explaining. */
export const GAP_MONTHS = 3;

/** Months since year 0 of a 'YYYY-MM' month, so that two months can be subtracted. */
export function monthNumber(month: string): number {
  const [year, number] = month.split('-').map(Number);
  return year * 12 + (number - 1);
}

/** 'YYYY-MM' of an instant, as the calendar in England reads it. */
export function monthOf(instant: Date): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' })
    .format(instant)
    .slice(0, 7);
  return day;
}

/**
 * The gaps in a working history that need an explanation: where the jobs, taken in order of their
 * start, leave more than three months uncovered, and the time since the latest ended when none is
 * current. A gap is named by the month the earlier job ended and the month the next began ('' for now),
 * so that an explanation stays with its gap when other jobs are added.
 */
export function gapsIn(jobs: readonly EmploymentEntry[], now: Date): { from: string; to: string }[] {
  const dated = jobs.filter((job) => job.from).sort((a, b) => monthNumber(a.from) - monthNumber(b.from));
  if (dated.length === 0) return [];
  const gaps: { from: string; to: string }[] = [];
  const thisMonth = monthNumber(monthOf(now));
  // The last month covered so far, and how it is written (a current job covers up to now).
  let coveredUntil = -Infinity;
  let coveredLabel = '';
  for (const job of dated) {
    if (coveredUntil !== -Infinity && monthNumber(job.from) - coveredUntil > GAP_MONTHS)
      gaps.push({ from: coveredLabel, to: job.from });
    const end = job.to ? monthNumber(job.to) : thisMonth;
    if (end > coveredUntil) {
      coveredUntil = end;
      coveredLabel = job.to;
    }
  }
  if (coveredLabel !== '' && thisMonth - coveredUntil > GAP_MONTHS) gaps.push({ from: coveredLabel, to: '' });
  return gaps;
}

/** The gaps needing explanation, each with what the applicant has written for it so far. */
export function gapsWithExplanations(
  jobs: readonly EmploymentEntry[],
  explained: readonly EmploymentGap[],
  now: Date,
): EmploymentGap[] {
  return gapsIn(jobs, now).map((gap) => ({
    ...gap,
    explanation: explained.find((given) => given.from === gap.from && given.to === gap.to)?.explanation ?? '',
  }));
}

/** The stored list: the jobs, then the explained gaps marked `kind: 'gap'` (application-content.ts). */
export function employmentList(jobs: readonly EmploymentEntry[], gaps: readonly EmploymentGap[]): unknown[] {
  return [...jobs, ...gaps.map((gap) => ({ kind: 'gap', ...gap }))];
}

const monthNames = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "April 2019" of '2019-04'; '' reads "now". */
export function monthName(month: string): string {
  if (!month) return 'now';
  const [year, number] = month.split('-').map(Number);
  return monthNames.format(new Date(Date.UTC(year, number - 1, 1)));
}
