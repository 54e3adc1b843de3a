/** Dates and times as staff in Sweden read them: Europe/Stockholm, "2026-11-03 22:40", whatever the server's zone. */
const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
const dayTime = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** The calendar date in Sweden, YYYY-MM-DD (a case at 00:30 Swedish time is that day's, not the UTC day before). */
export function swedishDate(at: string | Date): string {
  return day.format(typeof at === 'string' ? new Date(at) : at);
}

/** "2026-11-03 22:40" in Swedish time. */
export function swedishDateTime(at: string | Date): string {
  return dayTime.format(typeof at === 'string' ? new Date(at) : at);
}
