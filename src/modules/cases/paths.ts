import { route, type Route } from '../../shared/paths.js';
import { sharingPaths } from './sharing-paths.js';

/** What staff do to a case from its page, each a small form posted to its own address. */
export type StaffCaseAction = 'public-update' | 'internal-note' | 'contact' | 'status' | 'assign' | 'transfer';

const staffCaseActions: StaffCaseAction[] = [
  'public-update',
  'internal-note',
  'contact',
  'status',
  'assign',
  'transfer',
];

/** Each action's own address: `casePaths.staff.caseAction.status({ id })`, and its `.pattern` for Fastify. */
function caseActionRoutes() {
  return Object.fromEntries(staffCaseActions.map((action) => [action, route(`/staff/cases/:id/${action}`)])) as Record<
    StaffCaseAction,
    Route<`/staff/cases/:id/${StaffCaseAction}`>
  >;
}

export const casePaths = {
  report: '/report',
  // The /report journey's steps after "what", in order, then its end.
  reportStep: {
    where: '/report/where',
    elsewhere: '/report/somewhere-else',
    nearby: '/report/nearby',
    questions: '/report/questions',
    aboutYou: '/report/about-you',
    check: '/report/check',
    confirmation: '/report/confirmation',
  },
  // Following a nearby request instead of reporting it again: the choice, then the emailed links.
  followNearby: '/report/nearby/follow',
  followConfirm: '/report/follow/confirm',
  followStop: '/report/follow/stop',
  track: '/track',
  // Following without an email address: the reference and the telephone number given.
  trackByPhone: '/track/phone',
  // A request's own tracking page: public (status and public updates) or, once proven, the resident's.
  trackCase: route('/track/:reference'),
  reopen: route('/track/:reference/reopen'),
  yourRequests: '/account/requests',
  satisfaction: '/satisfaction',
  satisfactionThanks: '/satisfaction/thank-you',
  map: '/map',
  // A photo of a case, and its thumbnail, served only to whoever may see it (photos/routes.ts).
  photo: route('/photos/:id'),
  photoThumbnail: route('/photos/:id/thumbnail'),
  // A photo on a report not yet sent: seen and removed only by the browser making the report.
  reportPhotoThumbnail: route('/report/photos/:id/thumbnail'),
  removeReportPhoto: route('/report/photos/:id/remove'),
  staff: {
    worklist: '/staff/cases',
    export: '/staff/cases.csv',
    case: route('/staff/cases/:id'),
    // Sharing by purpose's form on the case page, where a partner adviser withdraws a client's consent.
    withdrawConsent: sharingPaths.withdrawConsent,
    recordContact: '/staff/record-a-contact',
    overview: '/staff/cases/overview',
    // The staff side's forms: finding a case by reference, each action on a case, recording a contact.
    find: '/staff/cases/find',
    // One change to the cases ticked on the worklist.
    bulk: '/staff/cases/bulk',
    // Named worklist filters: save the current ones, remove one.
    saveFilters: '/staff/cases/saved-filters',
    removeSavedFilters: route('/staff/cases/saved-filters/:id/remove'),
    caseAction: caseActionRoutes(),
    recordContactDetails: '/staff/record-a-contact/details',
    recordContactDone: route('/staff/record-a-contact/recorded/:id'),
    catalogue: '/staff/request-types',
    // Administering the catalogue: each request type, its questions, and the teams that receive them.
    catalogueAdmin: {
      newType: '/staff/request-types/new',
      type: route('/staff/request-types/:id'),
      questions: route('/staff/request-types/:id/questions'),
      newQuestion: route('/staff/request-types/:id/questions/new'),
      question: route('/staff/request-types/:id/questions/:questionId'),
      moveQuestion: route('/staff/request-types/:id/questions/:questionId/move'),
      removeQuestion: route('/staff/request-types/:id/questions/:questionId/remove'),
      optionalQuestion: route('/staff/request-types/:id/questions/:questionId/not-required'),
      teams: '/staff/teams',
      newTeam: '/staff/teams/new',
      team: route('/staff/teams/:id'),
      addMember: route('/staff/teams/:id/members'),
      removeMember: route('/staff/teams/:id/members/remove'),
    },
    // The wording of each message an organisation's cases send, and a letter kept for a resident with no email.
    messages: '/staff/messages',
    message: route('/staff/messages/:kind'),
    resetMessage: route('/staff/messages/:kind/reset'),
    letter: route('/staff/cases/:id/letters/:letterId'),
    apiKeys: '/staff/api-keys',
    // Open311 API keys: issue one (shown once), revoke one.
    newApiKey: '/staff/api-keys/new',
    revokeApiKey: route('/staff/api-keys/:id/revoke'),
  },
  open311: '/open311/v2',
} as const;
