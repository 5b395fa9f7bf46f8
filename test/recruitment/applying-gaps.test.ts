import { describe, expect, it } from 'vitest';
import type { EmploymentEntry } from '../../src/modules/recruitment/applications/application-content.js';
import { gapsIn, gapsWithExplanations, monthOf } from '../../src/modules/recruitment/applying/employment-gaps.js';

const job = (from: string, to: string): EmploymentEntry => ({
  employer: 'E',
  job_title: 'J',
  from,
  to,
  duties: '',
  reason_for_leaving: '',
});
const now = new Date('2026-12-01T10:00:00Z');

describe('gaps in a working history', () => {
  it('finds gaps of more than 3 months between jobs, in order of their start', () => {
    expect(gapsIn([job('2019-09', ''), job('2015-01', '2018-01'), job('2018-03', '2019-01')], now)).toEqual([
      { from: '2019-01', to: '2019-09' },
    ]);
    // Exactly 3 months is not a gap to explain; 4 is.
    expect(gapsIn([job('2020-01', '2020-06'), job('2020-09', '')], now)).toEqual([]);
    expect(gapsIn([job('2020-01', '2020-06'), job('2020-10', '')], now)).toEqual([{ from: '2020-06', to: '2020-10' }]);
  });

  it('counts overlapping jobs as covering the time, and asks about the time since the latest ended', () => {
    expect(gapsIn([job('2010-01', '2020-01'), job('2012-01', '2013-01'), job('2020-02', '2026-10')], now)).toEqual([]);
    expect(gapsIn([job('2010-01', '2020-01'), job('2012-01', '2013-01')], now)).toEqual([{ from: '2020-01', to: '' }]);
    expect(gapsIn([job('2024-01', '2026-09')], now)).toEqual([]); // ended 3 months ago
    expect(gapsIn([job('2024-01', '2026-08')], now)).toEqual([{ from: '2026-08', to: '' }]);
    expect(gapsIn([], now)).toEqual([]);
  });

  it('keeps an explanation with its gap when another job is added', () => {
    const explained = [{ from: '2019-01', to: '2019-09', explanation: 'Caring' }];
    const jobs = [job('2015-01', '2019-01'), job('2019-09', ''), job('2010-01', '2014-01')];
    expect(gapsWithExplanations(jobs, explained, now)).toEqual([
      { from: '2014-01', to: '2015-01', explanation: '' },
      { from: '2019-01', to: '2019-09', explanation: 'Caring' },
    ]);
  });

  it('reads this month as the calendar in England does', () => {
    expect(monthOf(new Date('2026-04-30T23:30:00Z'))).toBe('2026-05'); // 00:30 on 1 May, BST
    expect(monthOf(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12'); // GMT
  });
});
