import { normalisePostcode } from '../places/postcode.js';
import { normaliseUkPhone } from '../../shared/phone.js';

export type PersonSearchKind = 'email' | 'reference' | 'postcode' | 'phone' | 'name';

/** What one search box was given, and how it is searched: a name loosely, everything else exactly. */
export type PersonQuery = { kind: PersonSearchKind; value: string };

const referencePattern = /^[A-Z]{2,8}-\d{4}-\d{1,8}$/i;

/** Reads what an agent typed: an email address, a case reference, a postcode, a phone number or a name. */
export function readPersonQuery(typed: string): PersonQuery {
  const text = typed.trim().replace(/\s+/g, ' ');
  if (text.includes('@')) return { kind: 'email', value: text.toLowerCase() };
  if (referencePattern.test(text)) return { kind: 'reference', value: text.toUpperCase() };
  const postcode = normalisePostcode(text);
  if (postcode) return { kind: 'postcode', value: postcode };
  const phone = normaliseUkPhone(text);
  if (phone) return { kind: 'phone', value: phone };
  return { kind: 'name', value: text };
}
