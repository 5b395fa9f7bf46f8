import type { StaffRole } from './roles.js';

/**
 * The words of a data-sharing agreement, as information-sharing agreements are written: which
 * categories of a record's data it shares, and the test a member of staff of the receiving body
 * passes for each record. Used by the partnership module (which keeps agreements) and by the
 * modules that show one body's records to another (cases first).
 */

/** The categories of a case's data, from the least personal to the most. */
export const dataCategories = [
  'status_reference',
  'location_description',
  'contact_details',
  'special_category',
] as const;
export type DataCategory = (typeof dataCategories)[number];

/** Every agreement shares at least this: what a resident sees when following their request. */
export const minimumCategory: DataCategory = 'status_reference';

/**
 * How a member of staff shows they have a reason to see this person's record:
 * - client_consent: the person consented to the viewer's organisation seeing it (a partner adviser's client);
 * - caller_verified: the person is on the line and gave the reference with the postcode or email on it;
 * - figures_only: no one's record is shown at all, only counts (insight).
 */
export const sharingRelationships = ['client_consent', 'caller_verified', 'figures_only'] as const;
export type SharingRelationship = (typeof sharingRelationships)[number];

/** An agreement that applies between two bodies, for a viewer with one of its roles, on a day. */
export interface ApplicableAgreement {
  id: number;
  title: string;
  purposeStatement: string;
  categories: DataCategory[];
  receivingRoles: StaffRole[];
  relationship: SharingRelationship;
}

/** Nothing is shared that is not named: the categories an agreement lists, in their order. */
export function sharesCategory(categories: readonly DataCategory[], category: DataCategory): boolean {
  return categories.includes(category);
}
