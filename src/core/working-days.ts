/**
 * Swedish working days, for when a contact point has promised to answer ("responseDays" in the
 * directory). Public holidays come from date-holidays (maintained, with Sweden's rules for the moving
 * days such as Easter and Midsummer), not from a list of our own that would go stale. Midsommarafton,
 * julafton and nyårsafton are not holidays by law but are days off in public-sector agreements, and
 * date-holidays marks them as "bank" days: they count as non-working too.
 */
import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';
import { swedishDate } from './swedish-time.js';

// date-holidays (with its rules for every country and moment-timezone) is loaded when a due date is
// first needed, not at start-up: it cost a quarter of a second of the start's CPU. Its CommonJS
// build, so that loading it stays synchronous.
let sweden: HolidaysClass | undefined;
function swedishHolidays(): HolidaysClass {
  sweden ??= new (createRequire(import.meta.url)('date-holidays') as typeof HolidaysClass)('SE');
  return sweden;
}
const NON_WORKING = new Set(['public', 'bank']);
const byYear = new Map<number, Set<string>>();

function holidaysOf(year: number): Set<string> {
  let days = byYear.get(year);
  if (!days) {
    days = new Set(swedishHolidays().getHolidays(year).filter((h) => NON_WORKING.has(h.type)).map((h) => h.date.slice(0, 10)));
    byYear.set(year, days);
  }
  return days;
}

/** Whether a calendar date (YYYY-MM-DD) is a working day in Sweden. */
export function isWorkingDay(date: string): boolean {
  const day = new Date(`${date}T12:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6 && !holidaysOf(Number(date.slice(0, 4))).has(date);
}

function nextDate(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The last day to answer a case that came in at `createdAt`: `days` Swedish working days later (a
 * case in on a Friday with 1 day is due on Monday, or Tuesday after Easter); with 0 days, the day it
 * came in, or the next working day if it came in on a day off. Urgent cases are due the day they
 * came in, whatever the day.
 */
export function dueDate(createdAt: string, days: number, urgent: boolean): string {
  let date = swedishDate(createdAt);
  if (urgent) return date;
  if (days <= 0) {
    while (!isWorkingDay(date)) date = nextDate(date);
    return date;
  }
  for (let left = days; left > 0; ) {
    date = nextDate(date);
    if (isWorkingDay(date)) left -= 1;
  }
  return date;
}
