import type { CaseStatus } from '../../../db/schema.js';

/**
 * The one vocabulary of a case's status: the words and GOV.UK tag colour residents read on their
 * tracking pages, and those staff read on the worklist, the case page and in CSV files. The two
 * differ on purpose: a resident's new request has been "Received"; to staff it is "Open" work.
 */
const vocabulary: Record<CaseStatus, { public: string; publicTag: string; staff: string; staffTag: string }> = {
  // Public colours: grey for waiting, blue for being dealt with, green for done.
  // Staff colours: work waiting is blue, work moving yellow, work done green, work ended grey.
  open: { public: 'Received', publicTag: 'govuk-tag--grey', staff: 'Open', staffTag: 'govuk-tag--blue' },
  acknowledged: {
    public: 'Acknowledged',
    publicTag: 'govuk-tag--light-blue',
    staff: 'Acknowledged',
    staffTag: 'govuk-tag--light-blue',
  },
  in_progress: {
    public: 'In progress',
    publicTag: 'govuk-tag--blue',
    staff: 'In progress',
    staffTag: 'govuk-tag--yellow',
  },
  resolved: { public: 'Resolved', publicTag: 'govuk-tag--green', staff: 'Resolved', staffTag: 'govuk-tag--green' },
  closed: { public: 'Closed', publicTag: 'govuk-tag--green', staff: 'Closed', staffTag: 'govuk-tag--grey' },
};

type Wording = Record<CaseStatus, string>;
const pick = (key: keyof (typeof vocabulary)[CaseStatus]) =>
  Object.fromEntries(Object.entries(vocabulary).map(([status, words]) => [status, words[key]])) as Wording;

/** What a resident reads: "Received", "Acknowledged", "In progress", "Resolved", "Closed". */
export const publicStatusNames = pick('public');
export const publicStatusTags = pick('publicTag');
/** What staff read: "Open", "Acknowledged", "In progress", "Resolved", "Closed". */
export const staffStatusNames = pick('staff');
export const staffStatusTags = pick('staffTag');
