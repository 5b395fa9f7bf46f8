/**
 * A UK phone number's digits in national form, for comparing numbers however they were typed:
 * "+44 (0)7700 900982", "0044 7700 900982" and "07700 900 982" are all 07700900982. Null when no
 * digits are left.
 */
export function phoneDigits(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\(0\)/g, '').replace(/\D/g, '').replace(/^00/, '');
  if (!digits) return null;
  return digits.startsWith('44') && digits.length > 10 ? `0${digits.slice(2)}` : digits;
}

/** A UK number as people write them: 01632 960 001, 07700 900982, +44 7700 900982. */
export function isUkPhoneNumber(value: string): boolean {
  return /^(\+44\s?|0)[\d\s()-]{9,15}$/.test(value);
}

export const phoneNumberMessage = 'Enter a telephone number, like 01632 960 001 or 07700 900 982';
