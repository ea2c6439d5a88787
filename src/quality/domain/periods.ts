import { jalaliOf } from '../../domain/calendar/jalali.js';
import { addDays, tehranDate, weekdayOf, WEEKDAYS, type LocalDate } from '../../domain/calendar/tehran-time.js';
import { formatJalaliDate } from '../../domain/reports/date-range.js';

/** Report periods of the quality and per-agent reports: Jalali days, weeks (Saturday first) and months, Tehran time. */
export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/**
 * The period an instant falls in, as a sortable key: `1405-09-11` for a day, the
 * Saturday that starts its week for a week (`1405-09-07`), `1405-09` for a month.
 */
export function periodKey(at: Date, period: Period): string {
  return periodOfDay(tehranDate(at), period);
}

/** The same for a Tehran calendar day (what the reports group their rows by in the database). */
export function periodOfDay(day: LocalDate, period: Period): string {
  if (period === 'week') return formatJalaliDate(jalaliOf(addDays(day, -WEEKDAYS.indexOf(weekdayOf(day)))));
  const key = formatJalaliDate(jalaliOf(day));
  return period === 'month' ? key.slice(0, 7) : key;
}
