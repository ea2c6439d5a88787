/**
 * A report's period as people give it (Jalali dates, both ends included) and as the
 * database needs it: the half-open instant range [from, to) between Tehran midnights.
 * The end is the midnight after the last day, so a call at 23:59:59 on it is counted.
 */
import { isValidJalaaliDate } from 'jalaali-js';
import { addDays, tehranInstant } from '../calendar/tehran-time.js';
import { gregorianOf, jalaliOf, type JalaliDate } from '../calendar/jalali.js';

/** Long enough for a whole year (and a little), short enough that no one scans a decade by accident. */
export const MAX_RANGE_DAYS = 400;

export const JALALI_DATE_PATTERN = '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$';
const JALALI_DATE = new RegExp(JALALI_DATE_PATTERN);

export interface ReportRange {
  /** Jalali dates as given, normalised to YYYY-MM-DD. */
  fromDate: string;
  toDate: string;
  /** Tehran midnight starting the first day. */
  from: Date;
  /** Tehran midnight after the last day (exclusive). */
  to: Date;
  days: number;
}

export class ReportRangeError extends Error {
  override readonly name = 'ReportRangeError';
  constructor(
    message: string,
    readonly field: 'from' | 'to',
  ) {
    super(message);
  }
}

export function formatJalaliDate(d: JalaliDate): string {
  return `${String(d.jy).padStart(4, '0')}-${String(d.jm).padStart(2, '0')}-${String(d.jd).padStart(2, '0')}`;
}

/** '1405-01-01' → { jy: 1405, jm: 1, jd: 1 }, or null when not a real Jalali date. */
export function parseJalaliDate(text: string): JalaliDate | null {
  if (!JALALI_DATE.test(text)) return null;
  const [jy, jm, jd] = text.split('-').map(Number) as [number, number, number];
  return isValidJalaaliDate(jy, jm, jd) ? { jy, jm, jd } : null;
}

/** Tehran midnight at the start of a Jalali day. */
export function startOfJalaliDay(date: JalaliDate): Date {
  return tehranInstant(gregorianOf(date), 0, 0);
}

export function nextJalaliDay(date: JalaliDate, days = 1): JalaliDate {
  return jalaliOf(addDays(gregorianOf(date), days));
}

/** Every Jalali day of the range in order, as YYYY-MM-DD. */
export function daysOf(range: Pick<ReportRange, 'fromDate' | 'days'>): string[] {
  const first = parseJalaliDate(range.fromDate)!;
  return Array.from({ length: range.days }, (_, i) => formatJalaliDate(nextJalaliDay(first, i)));
}

/** Jalali years a report may name: a four-digit year outside is most likely Gregorian (2026). */
export const JALALI_YEAR_MIN = 1300;
export const JALALI_YEAR_MAX = 1499;

function checkYear(text: string, field: 'from' | 'to'): void {
  const year = Number(text.slice(0, 4));
  if (JALALI_DATE.test(text) && (year < JALALI_YEAR_MIN || year > JALALI_YEAR_MAX)) {
    throw new ReportRangeError(`${field}: ${year} is not a Jalali year (${JALALI_YEAR_MIN}-${JALALI_YEAR_MAX}); a Gregorian date?`, field);
  }
}

export function reportRange(fromText: string, toText: string): ReportRange {
  checkYear(fromText, 'from');
  checkYear(toText, 'to');
  const first = parseJalaliDate(fromText);
  if (!first) throw new ReportRangeError(`from is not a Jalali date (YYYY-MM-DD): ${fromText}`, 'from');
  const last = parseJalaliDate(toText);
  if (!last) throw new ReportRangeError(`to is not a Jalali date (YYYY-MM-DD): ${toText}`, 'to');
  const g1 = gregorianOf(first);
  const g2 = gregorianOf(last);
  const days = Math.round((Date.UTC(g2.year, g2.month - 1, g2.day) - Date.UTC(g1.year, g1.month - 1, g1.day)) / 86_400_000) + 1;
  if (days < 1) throw new ReportRangeError('to is before from', 'to');
  if (days > MAX_RANGE_DAYS) throw new ReportRangeError(`a report covers at most ${MAX_RANGE_DAYS} days`, 'to');
  return {
    fromDate: formatJalaliDate(first),
    toDate: formatJalaliDate(last),
    from: startOfJalaliDay(first),
    to: startOfJalaliDay(nextJalaliDay(last)),
    days,
  };
}
