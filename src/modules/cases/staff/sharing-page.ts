import type { CaseEventKind } from '../../../db/schema.js';
import type { StaffActor } from '../../../shared/actor.js';
import type { CaseView } from '../core/case-service.js';
import type { Question } from '../catalogue/repository.js';

interface Consent {
  organisation_id: number;
  withdrawn_at: Date | null;
}

/**
 * What of a case its page shows to this member of staff, by the categories of data they may see
 * (case-sharing.ts): where and what only with "location and description"; who, and the notes of
 * contacts with them (but those its own organisation noted), only with "contact details"; answers marked special category only with
 * "special category". The owning organisation, and one that recorded the case itself, see it all.
 * The client's consent is shown to the owner and to the organisation it was given to.
 */
export function shownOnCasePage<E extends { kind: CaseEventKind; organisation_id: number | null }, C extends Consent>(
  record: CaseView,
  viewer: StaffActor,
  parts: { questions: Question[]; events: E[]; consent: C | undefined },
) {
  const categories = record.sharing.categories;
  const shares = {
    location: categories.includes('location_description'),
    contact: categories.includes('contact_details'),
    special: categories.includes('special_category'),
  };
  const ofOwner = viewer.organisationId === record.organisation_id;
  const consentShown =
    parts.consent && (ofOwner || parts.consent.organisation_id === viewer.organisationId) ? parts.consent : undefined;
  return {
    shares,
    questions: shares.location ? parts.questions.filter((question) => shares.special || !question.specialCategory) : [],
    // Notes of contacts with the person are theirs, like contact details, except the viewer's own organisation's notes.
    events: shares.contact
      ? parts.events
      : parts.events.filter(
          (event) => event.kind !== 'contact_recorded' || event.organisation_id === viewer.organisationId,
        ),
    consent: consentShown,
    mayWithdrawConsent:
      consentShown !== undefined &&
      consentShown.withdrawn_at === null &&
      (parts.consent?.organisation_id === viewer.organisationId || record.access === 'act'),
  };
}
