/**
 * Turns numbers, dates and statuses into lists of prompt ids from sounds/fa/manifest.json.
 * The manifest only has digits, the numbers 1..31, 1400 and the month names, so every
 * function here stays inside that vocabulary.
 */
import type { CaseStatus } from '../cases/case.js';
import type { JalaliDate } from '../calendar/jalali.js';

const PERSIAN_ZERO = 0x06f0;
const ARABIC_INDIC_ZERO = 0x0660;

function digitValue(ch: string): number | null {
  const code = ch.codePointAt(0) ?? -1;
  if (ch >= '0' && ch <= '9') return code - 48;
  // A number typed on a Persian keyboard (e.g. into the agent desktop) uses these digits.
  if (code >= PERSIAN_ZERO && code <= PERSIAN_ZERO + 9) return code - PERSIAN_ZERO;
  if (code >= ARABIC_INDIC_ZERO && code <= ARABIC_INDIC_ZERO + 9) return code - ARABIC_INDIC_ZERO;
  return null;
}

/**
 * '0912' → ['digit-0', 'digit-9', 'digit-1', 'digit-2']. Anything that is not a digit is
 * skipped rather than thrown on: a malformed tracking number must not crash a live call.
 */
export function sayDigits(text: string): string[] {
  const ids: string[] = [];
  for (const ch of text) {
    const d = digitValue(ch);
    if (d !== null) ids.push(`digit-${d}`);
  }
  return ids;
}

/** The manifest speaks whole numbers 1..31 (days of a month, districts 1..22). */
export const MAX_SPOKEN_NUMBER = 31;

export function sayNumber(n: number): string[] {
  if (Number.isInteger(n) && n >= 1 && n <= MAX_SPOKEN_NUMBER) return [`num-${n}`];
  return sayDigits(String(Math.trunc(Math.abs(n))));
}

const YEAR_BASE = 1400;

/**
 * Day, month name, year: 1403/9/5 → ['num-5', 'month-9', 'num-1400', 'and', 'num-3'].
 * Years the manifest cannot say as words (before 1400, after 1431) are read digit by digit.
 */
export function sayJalaliDate({ jy, jm, jd }: JalaliDate): string[] {
  const month = Number.isInteger(jm) && jm >= 1 && jm <= 12 ? [`month-${jm}`] : [];
  return [...sayNumber(jd), ...month, ...sayYear(jy)];
}

function sayYear(jy: number): string[] {
  if (jy === YEAR_BASE) return [`num-${YEAR_BASE}`];
  const rest = jy - YEAR_BASE;
  if (Number.isInteger(rest) && rest >= 1 && rest <= MAX_SPOKEN_NUMBER) {
    return [`num-${YEAR_BASE}`, 'and', `num-${rest}`];
  }
  return sayDigits(String(Math.trunc(Math.abs(jy))));
}

/** 'in_progress' → 'status-in-progress' (prompt ids are kebab-case). */
export function statusPrompt(status: CaseStatus): string {
  return `status-${status.replaceAll('_', '-')}`;
}
