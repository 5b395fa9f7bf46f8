import type { ApplicationStatus } from '../../../db/schema.js';
import {
  answerName,
  equalityQuestions,
  PREFER_NOT_TO_SAY,
  type Characteristic,
  type EqualityAnswers,
} from './questions.js';

/** Groups smaller than this are never shown: a count of 1 to 4 could point to a person. */
export const SMALLEST_SHOWN = 5;
/** The four-fifths rule: a group whose pass rate is below 0.8 of the highest group's may be adversely affected. */
export const FOUR_FIFTHS = 0.8;

/**
 * The stages the reports count, each reached when the application's events show it moved there or
 * to any stage after it (an application at interview was shortlisted first).
 */
const afterOffer: ApplicationStatus[] = [
  'conditional_offer',
  'offer_accepted',
  'offer_declined',
  'pre_employment_checks',
  'appointed',
];
const afterInterview: ApplicationStatus[] = ['interviewed', ...afterOffer];
const afterShortlist: ApplicationStatus[] = ['shortlisted', 'interview_invited', 'interview_booked', ...afterInterview];

export const reportStages = [
  { key: 'submitted', name: 'Applied', reachedBy: ['submitted', ...afterShortlist, 'reserve', 'unsuccessful'] },
  { key: 'shortlisted', name: 'Shortlisted', reachedBy: afterShortlist },
  { key: 'interviewed', name: 'Interviewed', reachedBy: afterInterview },
  { key: 'conditional_offer', name: 'Offered a job', reachedBy: afterOffer },
  { key: 'appointed', name: 'Appointed', reachedBy: ['appointed'] },
] as const satisfies readonly { key: string; name: string; reachedBy: ApplicationStatus[] }[];
export type StageKey = (typeof reportStages)[number]['key'];

/** One application's equality answers and the stages it reached: all either report reads. */
export interface MonitoredApplication {
  answers: EqualityAnswers;
  reached: Record<StageKey, boolean>;
}

/**
 * A count as shown: the number; 'fewer' for a count of 1 to 4; 'withheld' for a count hidden only
 * so that a small one cannot be worked out from the total.
 */
export type ShownCount = number | 'fewer' | 'withheld';

/**
 * Hides the counts of one column that could identify someone: every count from 1 to 4, and, where
 * only one count is hidden, the next smallest too, since the total less the others would give it away.
 * A total below 5 hides the whole column.
 */
export function suppressColumn(counts: readonly number[], total: number): { cells: ShownCount[]; total: ShownCount } {
  if (total > 0 && total < SMALLEST_SHOWN) return { cells: counts.map(() => 'fewer'), total: 'fewer' };
  const cells: ShownCount[] = counts.map((count) => (count > 0 && count < SMALLEST_SHOWN ? 'fewer' : count));
  if (cells.filter((cell) => cell === 'fewer').length === 1) {
    const next = counts
      .map((count, index) => ({ count, index }))
      .filter(({ index }) => cells[index] !== 'fewer')
      .sort((a, b) => Number(b.count > 0) - Number(a.count > 0) || a.count - b.count)[0];
    if (next) cells[next.index] = 'withheld';
  }
  return { cells, total };
}

export interface CharacteristicTable {
  field: Characteristic;
  name: string;
  rows: { name: string; cells: ShownCount[] }[];
  totals: ShownCount[];
}

/** Every answer a question may have, with "Prefer not to say" and "Not answered", in the form's order. */
function categoriesOf(field: Characteristic): (string | null)[] {
  const question = equalityQuestions.find((item) => item.field === field)!;
  return [...question.options.map((option) => option.value), PREFER_NOT_TO_SAY, null];
}

/** Per characteristic, how many applications of each answer reached each stage, small groups hidden. */
export function stageTables(applications: readonly MonitoredApplication[]): CharacteristicTable[] {
  return equalityQuestions.map(({ field, name }) => {
    const categories = categoriesOf(field);
    const columns = reportStages.map((stage) => {
      const reached = applications.filter((application) => application.reached[stage.key]);
      return suppressColumn(
        categories.map((category) => reached.filter((application) => application.answers[field] === category).length),
        reached.length,
      );
    });
    return {
      field,
      name,
      rows: categories.map((category, index) => ({
        name: answerName(field, category),
        cells: columns.map((column) => column.cells[index]),
      })),
      totals: columns.map((column) => column.total),
    };
  });
}

/** The three points at which the adverse-impact report compares pass rates. */
export const decisionPoints = [
  { key: 'sift', name: 'Sift', from: 'submitted', to: 'shortlisted' },
  { key: 'interview', name: 'Interview', from: 'interviewed', to: 'conditional_offer' },
  { key: 'offer', name: 'Offer', from: 'conditional_offer', to: 'appointed' },
] as const satisfies readonly { key: string; name: string; from: StageKey; to: StageKey }[];

export interface GroupRate {
  name: string;
  /** Null when the group is smaller than 5, and so not shown. */
  entered: number | null;
  rate: number | null;
  /** The rate as a share of the highest group's rate. */
  ratio: number | null;
  /** Below the four-fifths rule's 0.8. */
  flagged: boolean;
}

export interface AdverseImpactTable {
  field: Characteristic;
  name: string;
  points: { key: string; name: string; groups: GroupRate[] }[];
}

/**
 * Pass rates by characteristic at sift, interview and offer: each group's share of those who
 * reached the point and went on past it, against the group with the highest rate. Only the
 * question's own answers are groups ("Prefer not to say" and unanswered are not compared), and a
 * group of fewer than 5 is neither shown nor used as the highest.
 */
export function adverseImpact(applications: readonly MonitoredApplication[]): AdverseImpactTable[] {
  return equalityQuestions.map(({ field, name, options }) => ({
    field,
    name,
    points: decisionPoints.map((point) => {
      const measured = options.map((option) => {
        const entered = applications.filter(
          (application) => application.answers[field] === option.value && application.reached[point.from],
        );
        const passed = entered.filter((application) => application.reached[point.to]).length;
        const shown = entered.length >= SMALLEST_SHOWN;
        return {
          name: option.text,
          entered: shown ? entered.length : null,
          rate: shown ? passed / entered.length : null,
        };
      });
      const highest = Math.max(0, ...measured.map((group) => group.rate ?? 0));
      return {
        key: point.key,
        name: point.name,
        groups: measured.map((group) => {
          const ratio = group.rate === null || highest === 0 ? null : group.rate / highest;
          return { ...group, ratio, flagged: ratio !== null && ratio < FOUR_FIFTHS };
        }),
      };
    }),
  }));
}
