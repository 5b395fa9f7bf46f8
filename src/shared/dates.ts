/**
 * Dates and times as people in England read them. Each Intl.DateTimeFormat is built once: building
 * one per call (which toLocaleDateString does) cost a sixth of a worklist page's CPU.
 */
const londonDay = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const londonTime = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});
const london24HourTime = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'Europe/London',
});
// en-CA writes dates as YYYY-MM-DD.
const londonIsoDay = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  timeZone: 'Europe/London',
});

const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** How far ahead of UTC the clock in England is at an instant, in milliseconds (0 or an hour). */
function englandOffsetMs(instant: number): number {
  const parts = Object.fromEntries(londonClock.formatToParts(instant).map((part) => [part.type, part.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
  );
  return asUtc - Math.floor(instant / 60_000) * 60_000;
}

/**
 * The instant a day ('YYYY-MM-DD') and a time ('HH:MM') name on a clock in England: "5pm on 14
 * January" is 17:00 UTC, "5pm on 14 July" 16:00 UTC.
 */
export function instantInEngland(day: string, time: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  const wall = Date.UTC(year, month - 1, date, hour, minute);
  // The offset at the wall-clock time read as UTC is right except within an hour of a change; asking again settles it.
  const first = wall - englandOffsetMs(wall);
  return new Date(wall - englandOffsetMs(first));
}

/** The calendar day in England of an instant, 'YYYY-MM-DD': a report at 00:30 BST on 1 June is made on 1 June. */
export function dayInEngland(instant: Date): string {
  return londonIsoDay.format(instant);
}

/** "26 November 2026". */
export function formatDay(value: Date | string): string {
  return londonDay.format(new Date(value));
}

/** "26 November 2026 at 9:41am", in UK time, as the GOV.UK style guide writes dates and times. */
export function formatDateTime(value: Date | string): string {
  const date = new Date(value);
  return `${londonDay.format(date)} at ${londonTime.format(date).replace(' ', '').toLowerCase()}`;
}

/** "09:41", in UK time. */
export function formatTime(date: Date): string {
  return london24HourTime.format(date);
}

/** A day's milliseconds, for durations counted in whole days (targets, link lifetimes). */
export const DAY_MS = 86_400_000;
