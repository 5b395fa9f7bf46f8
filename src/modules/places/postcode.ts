// Outward code (area, district, optional sub-district letter) then inward code (sector digit, unit).
// Covers every shape Royal Mail issues: A9, A99, AA9, AA99, A9A, AA9A.
const POSTCODE_PATTERN = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/;

/**
 * Turns a postcode as people type it (`de43ag`, ` DE4 3AG `, `de4  3ag`) into its standard form
 * (`DE4 3AG`), or null when it is not shaped like a UK postcode.
 */
export function normalisePostcode(input: string): string | null {
  const compact = input.replace(/\s+/g, '').toUpperCase();
  const match = POSTCODE_PATTERN.exec(compact);
  return match ? `${match[1]} ${match[2]}` : null;
}

/**
 * The outward code of a postcode (`DE4 3AG` → `DE4`): the district, a few thousand addresses, where
 * the whole postcode narrows to a handful. Null for none; text that is not a postcode gives null too.
 */
export function postcodeDistrict(postcode: string | null): string | null {
  if (!postcode) return null;
  const standard = normalisePostcode(postcode);
  return standard ? standard.split(' ')[0] : null;
}
