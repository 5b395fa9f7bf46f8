/** Dates here are 'YYYY-MM-DD' strings: a due date is a day in England, not an instant. */

function addDays(day: string, count: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + count);
  return date.toISOString().slice(0, 10);
}

export function isWorkingDay(day: string, bankHolidays: ReadonlySet<string>): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !bankHolidays.has(day);
}

/**
 * The day a target of `count` working days falls on, counting from the day after `start`:
 * a request made on Friday with a 1-day target is due on Monday (or Tuesday after a bank holiday).
 */
export function addWorkingDays(start: string, count: number, bankHolidays: ReadonlySet<string>): string {
  let day = start;
  let remaining = count;
  while (remaining > 0) {
    day = addDays(day, 1);
    if (isWorkingDay(day, bankHolidays)) remaining -= 1;
  }
  return day;
}

/** The calendar day in England of an instant: a report at 00:30 BST on 1 June is made on 1 June. */
export function dayInEngland(instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
