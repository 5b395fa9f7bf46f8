import { route } from '../../shared/paths.js';

export const peoplePaths = {
  search: '/staff/people',
  person: route('/staff/people/:id'),
  edit: route('/staff/people/:id/edit'),
  merge: route('/staff/people/:id/merge'),
  mergeWith: route('/staff/people/:id/merge/:otherId'),
};
