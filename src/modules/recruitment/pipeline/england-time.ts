/**
 * Interview times are given and read in England's local time, whichever side of the clock change.
 * The offset at the wanted moment is read from Intl once a guess is made; near the change the second
 * reading settles it.
 */
const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function londonOffsetMs(instant: Date): number {
  const parts = Object.fromEntries(londonParts.formatToParts(instant).map((part) => [part.type, part.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
  );
  return asUtc - Math.floor(instant.getTime() / 60_000) * 60_000;
}

/** The instant of a day ('YYYY-MM-DD') and time ('HH:MM') on England's clocks. */
export function instantInEngland(day: string, time: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  const wall = Date.UTC(year, month - 1, date, hour, minute);
  let instant = new Date(wall - londonOffsetMs(new Date(wall)));
  instant = new Date(wall - londonOffsetMs(instant));
  return instant;
}
