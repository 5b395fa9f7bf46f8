import { route } from '../../shared/paths.js';

/** The addresses of sharing by purpose: a verified caller's case, and withdrawing a client's consent. */
export const sharingPaths = {
  withdrawConsent: route('/staff/cases/:id/consent/withdraw'),
  consentWithdrawn: route('/staff/cases/:id/consent/withdrawn'),
  residentWithdrawConsent: route('/track/:reference/consent/withdraw'),
} as const;
