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
