import { route } from '../../shared/paths.js';

export const identityPaths = {
  staff: {
    home: '/staff',
    signIn: '/staff/sign-in',
    signOut: '/staff/sign-out',
    forgotPassword: '/staff/forgot-password',
    resetPassword: '/staff/reset-password',
    accounts: '/staff/accounts',
    newAccount: '/staff/accounts/new',
    account: route('/staff/accounts/:id'),
    accountRoles: route('/staff/accounts/:id/roles'),
    accountStatus: route('/staff/accounts/:id/status'),
    accountSessions: route('/staff/accounts/:id/sessions'),
  },
  citizen: {
    home: '/account',
    register: '/account/register',
    registered: '/account/register/check-your-email',
    verify: '/account/verify',
    signIn: '/account/sign-in',
    signOut: '/account/sign-out',
    details: '/account/details',
    forgotPassword: '/account/forgot-password',
    resetPassword: '/account/reset-password',
  },
} as const;
