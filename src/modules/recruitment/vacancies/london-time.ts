import { dayInEngland, formatTime } from '../../../shared/dates.js';

/**
 * Closing and publishing times are written as people in England read a clock: "5pm on 14 January"
 * means 17:00 GMT in winter and 17:00 BST (16:00 UTC) in summer.
 */
const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** How far ahead of UTC the clock in England is at an instant, in milliseconds (0 or an hour). */
function londonOffsetMs(instant: number): number {
  const parts = Object.fromEntries(londonParts.formatToParts(instant).map((part) => [part.type, part.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
  );
  return asUtc - Math.floor(instant / 60_000) * 60_000;
}

/** The instant a day ('YYYY-MM-DD') and a time ('HH:MM') name on a clock in England. */
export function londonInstant(day: string, time: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  const wall = Date.UTC(year, month - 1, date, hour, minute);
  // The offset at the wall-clock time read as UTC is right except within an hour of a change; asking again settles it.
  const first = wall - londonOffsetMs(wall);
  return new Date(wall - londonOffsetMs(first));
}

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
