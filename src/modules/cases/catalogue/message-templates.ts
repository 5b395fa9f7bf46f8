import { placeholdersIn } from '../../../shared/message-text.js';

export { renderMessage, type MessageText } from '../../../shared/message-text.js';

/**
 * Every message a case sends, with its plain English default and the placeholders it may use, in the
 * GOV.UK Notify style: `((reference))` in a template is replaced by the case's reference when it is
 * sent. An organisation may rewrite any of them (message_templates); the defaults are used otherwise.
 */

/** Who a kind of message is for: the resident (and anyone following the case), or the staff working it. */
export type MessageAudience = 'resident' | 'staff';

interface MessageKindDefinition {
  audience: MessageAudience;
  /** What the message is, as the administrators' page lists it. */
  title: string;
  /** When it is sent, as the administrators' page says. */
  sentWhen: string;
  /** The placeholders this kind may use, besides the ones every kind of its audience has. */
  placeholders: readonly string[];
  subject: string;
  body: string;
}

/** Placeholders every message to a resident may use. */
const residentPlaceholders = ['name', 'reference', 'request_type', 'organisation', 'due_date', 'track_url'] as const;
/** Placeholders every message to staff may use. */
const staffPlaceholders = ['reference', 'request_type', 'organisation', 'due_date', 'case_url', 'location'] as const;

const followIt = 'Follow it at ((track_url))';

export const messageKinds = {
  received: {
    audience: 'resident',
    title: 'Report received',
    sentWhen: 'a request is made, by any channel',
    placeholders: [],
    subject: 'We have your report: ((request_type)) (((reference)))',
    body:
      'Dear ((name)),\n\nThank you. ((organisation)) has your report.\n\nYour reference is ((reference)). We aim to deal with it by ((due_date)).\n\n' +
      followIt +
      '\n',
  },
  acknowledged: {
    audience: 'resident',
    title: 'Report acknowledged',
    sentWhen: 'staff mark the case acknowledged',
    placeholders: ['message'],
    subject: 'We are looking at your report ((reference))',
    body:
      'Dear ((name)),\n\n((organisation)) has looked at your report about ((request_type)) and will deal with it. We aim to do so by ((due_date)).\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  'in-progress': {
    audience: 'resident',
    title: 'Work started',
    sentWhen: 'staff mark the case in progress',
    placeholders: ['message'],
    subject: 'Work has started on your report ((reference))',
    body:
      'Dear ((name)),\n\n((organisation)) has started work on your report about ((request_type)).\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  updated: {
    audience: 'resident',
    title: 'Update',
    sentWhen: 'staff or a back office add an update for the resident',
    placeholders: ['message'],
    subject: 'Update on your report ((reference))',
    body:
      'Dear ((name)),\n\nThere is an update on your report about ((request_type)):\n\n((message))\n\n' +
      followIt +
      '\n',
  },
  transferred: {
    audience: 'resident',
    title: 'Passed to another organisation',
    sentWhen: 'the case is transferred to another partner',
    placeholders: ['from_organisation', 'reason'],
    subject: 'Your report ((reference)) is now with ((organisation))',
    body:
      'Dear ((name)),\n\n((from_organisation)) has passed your report about ((request_type)) to ((organisation)), who will deal with it.\n\nTheir reason: ((reason))\n\nYour reference is still ((reference)). We still aim to deal with it by ((due_date)).\n\n' +
      followIt +
      '\n',
  },
  resolved: {
    audience: 'resident',
    title: 'Resolved',
    sentWhen: 'the case is resolved',
    placeholders: ['message', 'survey_url'],
    subject: 'Your report ((reference)) has been resolved',
    body: 'Dear ((name)),\n\nYour report about ((request_type)) has been resolved.\n\n((message))\n\nHow satisfied are you with how we dealt with it? Tell us in one click: ((survey_url))\n\nIf it is not fixed, you can reopen it within 28 days at ((track_url))\n',
  },
  closed: {
    audience: 'resident',
    title: 'Closed',
    sentWhen: 'the case is closed for no further action or as not the council’s responsibility',
    placeholders: ['message', 'closure_reason'],
    subject: 'Your report ((reference)) has been closed',
    body: 'Dear ((name)),\n\n((organisation)) has closed your report about ((request_type)).\n\nWhy: ((closure_reason)).\n\n((message))\n\nIf you think this is wrong, you can reopen it within 28 days at ((track_url))\n',
  },
  'closed-duplicate': {
    audience: 'resident',
    title: 'Closed as already reported',
    sentWhen: 'the case is closed because someone else reported the same problem',
    placeholders: ['message', 'original_reference', 'original_url'],
    subject: 'Your report ((reference)) was already reported',
    body: 'Dear ((name)),\n\nSomeone else has already reported this problem, as ((original_reference)), so we have closed your report ((reference)) and will deal with theirs.\n\n((message))\n\nYou are now following ((original_reference)): we will tell you when it changes. See it at ((original_url))\n',
  },
  reopened: {
    audience: 'resident',
    title: 'Reopened',
    sentWhen: 'the case is reopened',
    placeholders: ['reason'],
    subject: 'Your report ((reference)) has been reopened',
    body:
      'Dear ((name)),\n\nYour report about ((request_type)) has been reopened and ((organisation)) will look at it again.\n\nThe reason: ((reason))\n\nWe aim to deal with it by ((due_date)).\n\n' +
      followIt +
      '\n',
  },
  following: {
    audience: 'resident',
    title: 'News of a report they follow',
    sentWhen: 'a report someone follows changes (their own was closed as a duplicate of it)',
    placeholders: ['your_reference', 'news'],
    subject: 'News of report ((reference)), which you are following',
    body:
      'Dear ((name)),\n\nYou are following report ((reference)) about ((request_type)), as your report ((your_reference)) was about the same problem.\n\n((news))\n\n' +
      followIt +
      '\n',
  },
  'staff-new': {
    audience: 'staff',
    title: 'New case for the team',
    sentWhen: 'a new case comes to a team',
    placeholders: [],
    subject: 'New case: ((reference)) (((request_type)))',
    body: 'A new ((request_type)) case, ((reference)), has come to your team.\n\nWhere: ((location))\n\nDue by ((due_date)).\n\nOpen it at ((case_url))\n',
  },
  'staff-transferred': {
    audience: 'staff',
    title: 'Case transferred in',
    sentWhen: 'another partner transfers a case to the organisation',
    placeholders: ['from_organisation', 'reason'],
    subject: 'Case transferred to you: ((reference))',
    body: '((from_organisation)) has transferred case ((reference)) (((request_type))) to your organisation.\n\nTheir reason: ((reason))\n\nYour target: ((due_date)).\n\nOpen it at ((case_url))\n',
  },
  'staff-reopened': {
    audience: 'staff',
    title: 'Case reopened',
    sentWhen: 'a resolved or closed case is reopened',
    placeholders: ['reason'],
    subject: 'Case reopened: ((reference))',
    body: 'Case ((reference)) (((request_type))) has been reopened.\n\nThe reason: ((reason))\n\nDue by ((due_date)).\n\nOpen it at ((case_url))\n',
  },
  'staff-assigned': {
    audience: 'staff',
    title: 'Case assigned',
    sentWhen: 'a case is assigned to someone',
    placeholders: [],
    subject: 'Case assigned to you: ((reference))',
    body: 'Case ((reference)) (((request_type))) has been assigned to you.\n\nDue by ((due_date)).\n\nOpen it at ((case_url))\n',
  },
} as const satisfies Record<string, MessageKindDefinition>;

export type MessageKind = keyof typeof messageKinds;
export const messageKindNames = Object.keys(messageKinds) as MessageKind[];

export function isMessageKind(value: string): value is MessageKind {
  return Object.hasOwn(messageKinds, value);
}

/** Every placeholder a kind of message may use. */
export function placeholdersOf(kind: MessageKind): string[] {
  const definition: MessageKindDefinition = messageKinds[kind];
  const common = definition.audience === 'resident' ? residentPlaceholders : staffPlaceholders;
  return [...common, ...definition.placeholders];
}

/** The placeholders a text names that its kind does not have, each once, in the order they appear. */
export function unknownPlaceholders(kind: MessageKind, text: string): string[] {
  const allowed = new Set(placeholdersOf(kind));
  return placeholdersIn(text).filter((name) => !allowed.has(name));
}
