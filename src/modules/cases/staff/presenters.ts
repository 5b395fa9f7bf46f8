import { DAY_MS } from '../../../shared/dates.js';
import type { CaseEventKind, CaseStatus, Channel, ClosureReason } from '../../../db/schema.js';
import { staffStatusNames } from '../core/status.js';

/** The words staff read for each stored value, in one place for pages, CSV files and tests (the statuses' are in core/status.ts). */
export const channelNames: Record<Channel, string> = {
  web: 'Online',
  phone: 'Phone',
  face_to_face: 'Face to face',
  email: 'Email',
  outreach: 'Outreach or mobile visit',
  partner_agency: 'Partner agency',
  open311: 'Another system (Open311)',
};

export const closureReasonNames: Record<ClosureReason, string> = {
  no_further_action: 'No further action',
  not_our_responsibility: 'Not our responsibility',
  duplicate: 'Duplicate of another case',
};

/** The channels through which staff record a contact for someone, as the issue lists them. */
export const recordingChannels = [
  'phone',
  'face_to_face',
  'email',
  'outreach',
  'partner_agency',
] as const satisfies readonly Channel[];

/** The channels of a contact noted on an existing case: someone rang, called in or wrote. */
export const contactNoteChannels = ['phone', 'face_to_face', 'email'] as const satisfies readonly Channel[];

/** A case still waits for work until it is resolved or closed; only then is it never overdue. */
export function isOverdue(record: { status: CaseStatus; due_on: string }, today: string): boolean {
  return record.status !== 'resolved' && record.status !== 'closed' && record.due_on < today;
}

/** Unfinished work due within this many days (after today) is at risk of missing its target. */
export const AT_RISK_DAYS = 2;

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
const days = (count: number) => `${count} day${count === 1 ? '' : 's'}`;

export type TimingFlag = 'overdue' | 'due-today' | 'at-risk';

/**
 * How an unfinished case stands against its due date, in words for the worklist ("2 days left",
 * "Overdue by 3 days") and with a flag for what needs doing first. Nothing for finished work.
 */
export function caseTiming(
  record: { status: CaseStatus; due_on: string },
  today: string,
): { text: string; flag: TimingFlag | null } | null {
  if (record.status === 'resolved' || record.status === 'closed') return null;
  const left = daysBetween(today, record.due_on);
  if (left < 0) return { text: `Overdue by ${days(-left)}`, flag: 'overdue' };
  if (left === 0) return { text: 'Due today', flag: 'due-today' };
  return { text: `${days(left)} left`, flag: left <= AT_RISK_DAYS ? 'at-risk' : null };
}

export interface TimelineEvent {
  kind: CaseEventKind;
  is_public: boolean;
}

/**
 * What of the timeline a member of staff sees. The owning organisation sees everything; staff of
 * another partner (reading under an agreement, or because they recorded it) see what the resident
 * sees and the contacts noted on it, but not the owner's internal notes and assignments.
 */
export function visibleTimeline<T extends TimelineEvent>(events: T[], ofOwningOrganisation: boolean): T[] {
  if (ofOwningOrganisation) return events;
  return events.filter((event) => event.is_public || event.kind === 'contact_recorded');
}

/** The heading of a timeline entry, by what happened. */
export function eventTitle(event: {
  kind: CaseEventKind;
  from_status: CaseStatus | null;
  to_status: CaseStatus | null;
  channel: Channel;
  from_organisation_name: string | null;
  to_organisation_name: string | null;
}): string {
  switch (event.kind) {
    case 'created':
      return `Received (${channelNames[event.channel].toLowerCase()})`;
    case 'status_changed':
      return `Status changed from ${staffStatusNames[event.from_status ?? 'open'].toLowerCase()} to ${staffStatusNames[event.to_status ?? 'open'].toLowerCase()}`;
    case 'public_update':
      return 'Update to the resident';
    case 'internal_note':
      return 'Internal note';
    case 'assigned':
      return 'Team or person changed';
    case 'transferred':
      return `Transferred from ${event.from_organisation_name ?? 'another organisation'} to ${event.to_organisation_name ?? 'another organisation'}`;
    case 'reopened':
      return 'Reopened by the resident';
    case 'contact_recorded':
      return `Contact by ${channelNames[event.channel].toLowerCase()}`;
    case 'satisfaction':
      return 'Satisfaction survey answered';
  }
}
