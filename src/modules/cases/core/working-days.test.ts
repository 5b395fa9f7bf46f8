import { describe, expect, it } from 'vitest';
import { addWorkingDays, isWorkingDay } from './working-days.js';

const holidays = new Set(['2026-12-25', '2026-12-28', '2027-01-01', '2026-08-31']);

describe('addWorkingDays', () => {
  it('counts from the next day, skipping weekends', () => {
    expect(addWorkingDays('2026-11-26', 1, holidays)).toBe('2026-11-27'); // Thursday → Friday
    expect(addWorkingDays('2026-11-27', 1, holidays)).toBe('2026-11-30'); // Friday → Monday
    expect(addWorkingDays('2026-11-28', 1, holidays)).toBe('2026-11-30'); // Saturday → Monday
    expect(addWorkingDays('2026-11-26', 5, holidays)).toBe('2026-12-03');
  });

  it('skips bank holidays, including substitute days', () => {
    // Christmas Eve 2026 is a Thursday: Friday 25th and Monday 28th are holidays.
    expect(addWorkingDays('2026-12-24', 1, holidays)).toBe('2026-12-29');
    expect(addWorkingDays('2026-12-24', 3, holidays)).toBe('2026-12-31');
    expect(addWorkingDays('2026-12-24', 4, holidays)).toBe('2027-01-04');
    expect(addWorkingDays('2026-08-28', 1, holidays)).toBe('2026-09-01');
  });

  it('knows a working day', () => {
    expect(isWorkingDay('2026-11-26', holidays)).toBe(true);
    expect(isWorkingDay('2026-11-28', holidays)).toBe(false);
    expect(isWorkingDay('2026-12-25', holidays)).toBe(false);
  });
});
