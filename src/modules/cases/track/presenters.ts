import type { CaseEventKind, CaseStatus } from '../../../db/schema.js';
import type { CaseRecord } from '../core/case-repository.js';
import { closureNames } from '../report/presenters.js';
import { publicStatusNames, publicStatusTags } from '../core/status.js';

interface PublicEvent {
  occurred_at: Date;
  kind: CaseEventKind;
  body: string;
  to_status: CaseStatus | null;
  organisation_name: string | null;
  to_organisation_name: string | null;
}

export interface TimelineEntry {
  title: string;
  at: Date;
  body: string;
}

/**
 * The public timeline, newest first. `forReporter` shows the resident's own words (their reason for
 * reopening); the public page leaves them out, as it shows nothing a resident wrote.
 */
export function timelineEntries(events: PublicEvent[], forReporter: boolean): TimelineEntry[] {
  const entries = events.map((event): TimelineEntry => {
    switch (event.kind) {
      case 'created':
        return { title: 'Report received', at: event.occurred_at, body: event.body };
      case 'status_changed':
        return {
          title: event.to_status ? `Status: ${publicStatusNames[event.to_status].toLowerCase()}` : 'Status changed',
          at: event.occurred_at,
          body: event.body,
        };
      case 'public_update':
        return {
          title: event.organisation_name ? `Update from ${event.organisation_name}` : 'Update',
          at: event.occurred_at,
          body: event.body,
        };
      case 'transferred':
        return {
          title: `Passed to ${event.to_organisation_name ?? 'another organisation'}`,
          at: event.occurred_at,
          body: event.body,
        };
      case 'reopened':
        return {
          title: 'Reopened by the person who reported it',
          at: event.occurred_at,
          body: forReporter ? event.body : '',
        };
      default:
        return { title: 'Update', at: event.occurred_at, body: event.body };
    }
  });
  return entries.reverse();
}

/** A case's facts as a tracking page shows them: never the contact details. */
export function trackingSummary(record: CaseRecord) {
  const ended = record.status === 'resolved' || record.status === 'closed';
  return {
    reference: record.reference,
    typeName: record.type_name,
    status: publicStatusNames[record.status],
    statusColour: publicStatusTags[record.status],
    closure: record.closure_reason ? closureNames[record.closure_reason] : undefined,
    reportedAt: record.created_at,
    organisationName: record.organisation_name,
    // The day the resident was given, even after a transfer gave the new owner a target of its own.
    dueOn: ended ? undefined : (record.resident_due_on ?? record.due_on),
    endedAt: record.resolved_at ?? record.closed_at ?? undefined,
  };
}
