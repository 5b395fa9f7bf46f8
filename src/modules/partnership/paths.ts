import { route } from '../../shared/paths.js';

/** Every address of the partnership module, defined once for routes, redirects, templates and tests. */
export const partnershipPaths = {
  organisations: '/staff/organisations',
  newOrganisation: '/staff/organisations/new',
  editOrganisation: route('/staff/organisations/:id/edit'),

  partnerships: '/staff/partnerships',
  newPartnership: '/staff/partnerships/new',
  partnership: route('/staff/partnerships/:id'),
  members: route('/staff/partnerships/:id/members'),
  removeMember: route('/staff/partnerships/:id/members/remove'),

  newProject: route('/staff/partnerships/:id/projects/new'),
  project: route('/staff/projects/:id'),
  editProject: route('/staff/projects/:id/edit'),
  newLesson: route('/staff/projects/:id/lessons/new'),
  lessons: '/staff/lessons',

  agreements: '/staff/agreements',
  newAgreement: '/staff/agreements/new',
  agreement: route('/staff/agreements/:id'),
  editAgreement: route('/staff/agreements/:id/edit'),
  activateAgreement: route('/staff/agreements/:id/activate'),
  endAgreement: route('/staff/agreements/:id/end'),
} as const;
