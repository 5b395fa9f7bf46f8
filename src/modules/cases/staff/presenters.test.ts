import { describe, expect, it } from 'vitest';
import { caseTiming } from './presenters.js';

describe('caseTiming', () => {
  const today = '2026-11-26';
  const due = (due_on: string, status: 'open' | 'in_progress' | 'resolved' = 'open') =>
    caseTiming({ status, due_on }, today);

  it('says how long is left, and flags what is overdue, due today or at risk', () => {
    expect(due('2026-11-23')).toEqual({ text: 'Overdue by 3 days', flag: 'overdue' });
    expect(due('2026-11-25')).toEqual({ text: 'Overdue by 1 day', flag: 'overdue' });
    expect(due('2026-11-26')).toEqual({ text: 'Due today', flag: 'due-today' });
    expect(due('2026-11-27')).toEqual({ text: '1 day left', flag: 'at-risk' });
    expect(due('2026-11-28', 'in_progress')).toEqual({ text: '2 days left', flag: 'at-risk' });
    expect(due('2026-11-29')).toEqual({ text: '3 days left', flag: null });
    // Across the change from summer time, a day is still a day.
    expect(caseTiming({ status: 'open', due_on: '2026-11-02' }, '2026-10-20')).toEqual({
      text: '13 days left',
      flag: null,
    });
  });

  it('says nothing of finished work', () => {
    expect(due('2026-11-01', 'resolved')).toBeNull();
  });
});
