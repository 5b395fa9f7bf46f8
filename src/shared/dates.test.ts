import { describe, expect, it } from 'vitest';
import { dayInEngland, formatDateTime, formatDay } from './dates.js';

describe('dayInEngland', () => {
  it('uses UK time, not UTC', () => {
    expect(dayInEngland(new Date('2026-05-31T23:30:00Z'))).toBe('2026-06-01'); // 00:30 BST
    expect(dayInEngland(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31'); // GMT in winter
  });
});

describe('formatDay and formatDateTime', () => {
  it('write dates as the GOV.UK style guide does, in UK time', () => {
    expect(formatDay('2026-11-26')).toBe('26 November 2026');
    expect(formatDateTime(new Date('2026-11-26T09:41:00Z'))).toBe('26 November 2026 at 9:41am');
    expect(formatDateTime(new Date('2026-07-01T12:05:00Z'))).toBe('1 July 2026 at 1:05pm'); // BST
  });
});
