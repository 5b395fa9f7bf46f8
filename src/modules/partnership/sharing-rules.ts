import { sql, type Kysely } from 'kysely';
import type { AgreementPurpose, Database } from '../../db/schema.js';
import {
  dataCategories,
  sharingRelationships,
  type DataCategory,
  type SharingRelationship,
} from '../../shared/sharing.js';
import { roleNames } from '../identity/schemas.js';
import { receivingRoles } from '../identity/policy.js';

/**
 * The agreements in force between two bodies for a purpose and a service on a UK day: active, in
 * date, naming both as parties (in either direction), covering all services or this one. What each
 * shares and with whom is in its columns; the caller narrows by role.
 */
export function applicableAgreementsQuery(
  db: Kysely<Database>,
  input: { from: number; to: number; purpose: AgreementPurpose; lgsl: number | null; day: string },
) {
  const party = (organisationId: number) =>
    sql<boolean>`exists (select 1 from agreement_parties p where p.agreement_id = data_sharing_agreements.id and p.organisation_id = ${organisationId})`;
  const coversService =
    input.lgsl === null
      ? sql<boolean>`data_sharing_agreements.covers_all_services`
      : sql<boolean>`(data_sharing_agreements.covers_all_services or exists (select 1 from agreement_services s where s.agreement_id = data_sharing_agreements.id and s.lgsl = ${input.lgsl}))`;
  return db
    .selectFrom('data_sharing_agreements')
    .where('status', '=', 'active')
    .where('purpose', '=', input.purpose)
    .where('valid_from', '<=', input.day)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', input.day)]))
    .where(party(input.from))
    .where(party(input.to))
    .where(coversService);
}

/** The words for each category of data, as the agreement pages and the case page say them. */
export const dataCategoryNames: Record<DataCategory, string> = {
  status_reference: 'Status and reference',
  location_description: 'Location and description',
  contact_details: 'Contact details',
  special_category: 'Special category',
};

export const dataCategoryHints: Record<DataCategory, string> = {
  status_reference:
    'The reference, kind of request, who deals with it, its status and dates, and the updates the resident sees. Always shared.',
  location_description:
    'Where it is (postcode, place, map), what it is about, and the answers to the request’s questions.',
  contact_details: 'The person’s name, email address and telephone number, and notes of contacts with them.',
  special_category: 'Answers marked special category, such as about health. Share only where the law allows it.',
};

export const relationshipNames: Record<SharingRelationship, string> = {
  client_consent: 'The client’s consent',
  caller_verified: 'A caller who verifies the reference',
  figures_only: 'Figures only',
};

export const relationshipHints: Record<SharingRelationship, string> = {
  client_consent:
    'Staff see the case of a client who consented to their organisation seeing it, until the consent ends or is withdrawn.',
  caller_verified:
    'Staff see one case for 30 minutes after the caller gives its reference and the postcode or email address on it. They cannot browse.',
  figures_only: 'No one’s record is shown: only counts and figures. For insight agreements.',
};

/** What the agreement pages need to name an agreement's scope. */
export const agreementScopeWords = {
  dataCategories,
  dataCategoryNames,
  dataCategoryHints,
  sharingRelationships,
  relationshipNames,
  relationshipHints,
  receivingRoles,
  roleNames,
};
