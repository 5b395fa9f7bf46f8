import { describe, expect, it } from 'vitest';
import { normaliseUkPhone } from './phone.js';

describe('normaliseUkPhone', () => {
  it('reads a number however people write it', () => {
    for (const written of [
      '01629 580000',
      '(01629) 580 000',
      '+44 1629 580000',
      '+44 (0)1629 580000',
      '0044-1629-580.000',
    ])
      expect(normaliseUkPhone(written)).toBe('01629580000');
    expect(normaliseUkPhone('07700 900 982')).toBe('07700900982');
  });

  it('refuses what is not a UK number', () => {
    for (const written of ['', '12345', '+33 1 23 45 67 89', '01629 58000O', '016295800001234'])
      expect(normaliseUkPhone(written)).toBeNull();
  });
});
