import { dayInEngland, formatTime } from '../../../shared/dates.js';

/** A day and time as the form shows them again: 'YYYY-MM-DD' and 'HH:MM', in England. */
export function londonDayAndTime(instant: Date): { day: string; time: string } {
  return { day: dayInEngland(instant), time: formatTime(instant) };
}

/**
 * A time as people type it: "17:00", "17.00", "5pm", "5:30pm", "9am", "12 noon" → 'HH:MM', or null.
 * Midnight is refused as ambiguous (the GOV.UK style guide says to use 11:59pm or 12:01am).
 */
export function parseClockTime(input: string): string | null {
  const text = input.trim().toLowerCase().replace(/\s+/g, '');
  if (text === 'midday' || text === 'noon' || text === '12noon') return '12:00';
  const match = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$/.exec(text);
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  const suffix = match[3];
  if (minute > 59) return null;
  if (suffix) {
    if (hour < 1 || hour > 12) return null;
    if (suffix === 'am' && hour === 12) hour = 0;
    if (suffix === 'pm' && hour !== 12) hour += 12;
  } else if (match[2] === undefined || hour > 23) return null;
  if (hour === 0 && minute === 0) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}
