import type { CaseRecord } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import { sharingPaths } from '../sharing-paths.js';

/** The consent a partner's adviser recorded for the resident, as their tracking page shows it, with how to withdraw it. */
export async function consentOnTrackingPage(cases: CaseService, record: CaseRecord) {
  const consent = await cases.sharing.consentOf(record.id);
  if (!consent) return {};
  return {
    consent: {
      organisationName: consent.organisation_name,
      givenOn: consent.given_on,
      expiresOn: consent.expires_on,
      withdrawn: consent.withdrawn_at !== null,
      purpose: consent.purpose,
    },
    withdrawConsentAction: sharingPaths.residentWithdrawConsent({ reference: record.reference }),
  };
}
