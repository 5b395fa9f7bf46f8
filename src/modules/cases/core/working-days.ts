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
