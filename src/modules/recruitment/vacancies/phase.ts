import type { VacancyStatus } from '../../../db/schema.js';

/**
 * Where a vacancy is in its life. Staff decide the stored status; a published vacancy is scheduled
 * before its publish time, live until its closing time and closed after it, read from its times so
 * nothing has to run at the deadline.
 */
export type VacancyPhase =
  'draft' | 'awaiting_approval' | 'scheduled' | 'live' | 'closed' | 'appointed' | 'not_filled' | 'cancelled';

export interface VacancyTimes {
  status: VacancyStatus;
  publish_at: Date | null;
  closes_at: Date;
}

export function vacancyPhase(vacancy: VacancyTimes, now: Date): VacancyPhase {
  if (vacancy.status !== 'published') return vacancy.status;
  if (vacancy.publish_at && vacancy.publish_at > now) return 'scheduled';
  return vacancy.closes_at > now ? 'live' : 'closed';
}

/** Applicants may start, change and submit applications only while a vacancy is live. */
export function isOpenForApplications(vacancy: VacancyTimes, now: Date): boolean {
  return vacancyPhase(vacancy, now) === 'live';
}

export const vacancyPhaseNames: Record<VacancyPhase, string> = {
  draft: 'Draft',
  awaiting_approval: 'Awaiting approval',
  scheduled: 'Scheduled',
  live: 'Live',
  closed: 'Closed',
  appointed: 'Appointed',
  not_filled: 'Not filled',
  cancelled: 'Cancelled',
};
