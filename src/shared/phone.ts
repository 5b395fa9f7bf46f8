/**
 * A UK telephone number as one string of digits starting 0, however it was written: spaces,
 * brackets, dashes and dots dropped, +44 or 0044 (with or without "(0)") read as the leading 0.
 * So "+44 (0)1629 580000", "01629 580 000" and "0044-1629-580000" are the same number. Null for
 * anything that is not 10 or 11 digits once written so.
 */
export function normaliseUkPhone(written: string): string | null {
  let digits = written
    .trim()
    .replace(/\(0\)/g, '')
    .replace(/[\s().-]/g, '');
  if (digits.startsWith('+44')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('0044')) digits = `0${digits.slice(4)}`;
  return /^0\d{9,10}$/.test(digits) ? digits : null;
}

/** A UK number as people write them: 01632 960 001, 07700 900982, +44 7700 900982. */
export function isUkPhoneNumber(value: string): boolean {
  return /^(\+44\s?|0)[\d\s()-]{9,15}$/.test(value);
}

export const phoneNumberMessage = 'Enter a telephone number, like 01632 960 001 or 07700 900 982';
