/**
 * How far the holiday table reaches. Lunar holidays are entered a year at a time (the
 * official calendar is published about a year ahead); a year without them would open
 * the office on Ashura, so the operator is warned well before it begins.
 */
import { kindOf, type Holiday } from './holidays.js';
import { gregorianOf } from './jalali.js';
import { tehranDate, type LocalDate } from './tehran-time.js';

/** Days of warning before the first year without lunar holidays begins. */
export const COVERAGE_WARNING_DAYS = 60;

export interface LunarCoverage {
  /** The last Jalali year with lunar holidays entered; null when none are. */
  lastYear: number | null;
  /** 1 Farvardin of the first year without them (a Gregorian date, Tehran). */
  runsOut: LocalDate | null;
  /** Days from today (Tehran) to `runsOut`; 0 or less once it has begun. */
  daysLeft: number | null;
  /** True within COVERAGE_WARNING_DAYS of `runsOut`, or when no lunar holiday is entered at all. */
  warn: boolean;
}

const DAY_MS = 86_400_000;

function dayNumber(d: LocalDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

export function lunarCoverage(holidays: readonly Holiday[], now: Date): LunarCoverage {
  const years = holidays.filter((h) => kindOf(h) === 'lunar' && h.jy !== null).map((h) => h.jy as number);
  if (years.length === 0) return { lastYear: null, runsOut: null, daysLeft: null, warn: true };
  const lastYear = Math.max(...years);
  const runsOut = gregorianOf({ jy: lastYear + 1, jm: 1, jd: 1 });
  const daysLeft = dayNumber(runsOut) - dayNumber(tehranDate(now));
  return { lastYear, runsOut, daysLeft, warn: daysLeft <= COVERAGE_WARNING_DAYS };
}

/** The warning for /api/health and the page, or null while the table reaches far enough. */
export function coverageWarning(coverage: LunarCoverage): string | null {
  if (!coverage.warn) return null;
  if (coverage.lastYear === null) return 'calendar: no lunar holidays are entered; enter the official ones on /hours';
  const next = coverage.lastYear + 1;
  const { year, month, day } = coverage.runsOut!;
  const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return coverage.daysLeft! > 0
    ? `calendar: lunar holidays end with ${coverage.lastYear}; enter ${next}'s official holidays on /hours before ${date} (${coverage.daysLeft} days)`
    : `calendar: no lunar holidays are entered for ${next}; the office opens on them until they are entered on /hours`;
}
