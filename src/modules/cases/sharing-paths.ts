/** The addresses of sharing by purpose: a verified caller's case, and withdrawing a client's consent. */
export const sharingPaths = {
  withdrawConsent: (id: number | string) => `/staff/cases/${id}/consent/withdraw`,
  withdrawConsentRoute: '/staff/cases/:id/consent/withdraw',
  consentWithdrawn: (id: number | string) => `/staff/cases/${id}/consent/withdrawn`,
  consentWithdrawnRoute: '/staff/cases/:id/consent/withdrawn',
  residentWithdrawConsent: (reference: string) => `/track/${encodeURIComponent(reference)}/consent/withdraw`,
  residentWithdrawConsentRoute: '/track/:reference/consent/withdraw',
} as const;
