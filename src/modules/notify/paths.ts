import { route } from '../../shared/paths.js';

export const notifyPaths = {
  outbox: '/staff/outbox',
  email: route('/staff/outbox/:id'),
} as const;
