import type { ApplicationStatus } from '../../../db/schema.js';

/**
 * The pipeline: which stage may follow which, and who moves an application there. The applicant
 * submits, books an interview, answers an offer and may withdraw; the employer's staff do the rest.
 * An application leaves it at a final stage; withdrawn and vacancy-cancelled are reachable from any
 * stage that is not final.
 */
export type StageMover = 'applicant' | 'employer';

const next: Record<ApplicationStatus, Partial<Record<ApplicationStatus, StageMover>>> = {
  draft: { submitted: 'applicant' },
  submitted: { shortlisted: 'employer', reserve: 'employer', unsuccessful: 'employer' },
  reserve: { shortlisted: 'employer', unsuccessful: 'employer' },
  shortlisted: { interview_invited: 'employer', reserve: 'employer', unsuccessful: 'employer' },
  interview_invited: { interview_booked: 'applicant', unsuccessful: 'employer' },
  // Staff may also book a slot for an applicant who phoned, or free it for them to choose again.
  interview_booked: { interviewed: 'employer', interview_invited: 'employer' },
  interviewed: { conditional_offer: 'employer', reserve: 'employer', unsuccessful: 'employer' },
  conditional_offer: { offer_accepted: 'applicant', offer_declined: 'applicant' },
  offer_accepted: { pre_employment_checks: 'employer' },
  // Checks that fail end the application as unsuccessful.
  pre_employment_checks: { appointed: 'employer', unsuccessful: 'employer' },
  unsuccessful: {},
  offer_declined: {},
  appointed: {},
  withdrawn: {},
  vacancy_cancelled: {},
};

export const finalStages: readonly ApplicationStatus[] = [
  'unsuccessful',
  'offer_declined',
  'appointed',
  'withdrawn',
  'vacancy_cancelled',
];

export function isFinalStage(stage: ApplicationStatus): boolean {
  return finalStages.includes(stage);
}

/** Who may move an application from one stage to another, or null if the move is not allowed. */
export function moverOf(from: ApplicationStatus, to: ApplicationStatus): StageMover | null {
  if (isFinalStage(from)) return null;
  if (to === 'withdrawn') return 'applicant';
  if (to === 'vacancy_cancelled') return 'employer';
  return next[from][to] ?? null;
}

/** The stages staff may move an application to from where it is. */
export function employerMovesFrom(from: ApplicationStatus): ApplicationStatus[] {
  const moves = (Object.keys(next[from]) as ApplicationStatus[]).filter((to) => next[from][to] === 'employer');
  return isFinalStage(from) || from === 'draft' ? moves : [...moves, 'vacancy_cancelled'];
}

/** Each stage as staff and the applicant read it. */
export const stageNames: Record<ApplicationStatus, string> = {
  draft: 'Not submitted',
  submitted: 'Submitted',
  shortlisted: 'Shortlisted',
  reserve: 'Reserve',
  unsuccessful: 'Unsuccessful',
  interview_invited: 'Invited to interview',
  interview_booked: 'Interview booked',
  interviewed: 'Interviewed',
  conditional_offer: 'Conditional offer',
  offer_accepted: 'Offer accepted',
  offer_declined: 'Offer declined',
  pre_employment_checks: 'Pre-employment checks',
  appointed: 'Appointed',
  withdrawn: 'Withdrawn',
  vacancy_cancelled: 'Vacancy cancelled',
};
