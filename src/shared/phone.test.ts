import { describe, expect, it } from 'vitest';
import { phoneDigits } from './phone.js';

describe('phoneDigits', () => {
  it('gives one form of a number however it was typed', () => {
    for (const typed of ['07700 900982', '+44 7700 900982', '+44 (0)7700 900982', '0044 7700 900 982', '07700-900-982'])
      expect(phoneDigits(typed), typed).toBe('07700900982');
    expect(phoneDigits('01632 960001')).toBe('01632960001');
  });

  it('gives nothing for no digits', () => {
    expect(phoneDigits('')).toBeNull();
    expect(phoneDigits(null)).toBeNull();
    expect(phoneDigits('none')).toBeNull();
  });
});
