import { describe, expect, it } from 'vitest';
import { consentLastsUntil } from './consent-terms.js';

describe('consentLastsUntil', () => {
  it('lasts a year unless the adviser chooses less', () => {
    expect(consentLastsUntil('2026-04-10', undefined)).toEqual({ expiresOn: '2027-04-10' });
    expect(consentLastsUntil('2026-04-10', '')).toEqual({ expiresOn: '2027-04-10' });
    expect(consentLastsUntil('2026-04-10', '3')).toEqual({ expiresOn: '2026-07-10' });
    expect(consentLastsUntil('2026-11-30', '6')).toEqual({ expiresOn: '2027-05-30' });
  });

  it('ends on the last day of a month too short for the day', () => {
    expect(consentLastsUntil('2026-08-31', '6')).toEqual({ expiresOn: '2027-02-28' });
    expect(consentLastsUntil('2027-08-31', '6')).toEqual({ expiresOn: '2028-02-29' });
    expect(consentLastsUntil('2028-02-29', '12')).toEqual({ expiresOn: '2029-02-28' });
  });

  it('refuses a term that is not on offer', () => {
    expect(consentLastsUntil('2026-04-10', '24')).toEqual({ error: 'Select how long the consent lasts' });
    expect(consentLastsUntil('2026-04-10', 'forever')).toEqual({ error: 'Select how long the consent lasts' });
  });
});
