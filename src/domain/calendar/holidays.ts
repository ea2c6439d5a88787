/**
 * Official holidays as Jalali dates, from config/holidays.json (read by the caller).
 * Solar holidays recur every year (year written as `*`, e.g. Nowruz on `*` / 01 / 01);
 * lunar ones move ~11 days a year and are listed per year (`1405/03/06`), as the
 * official calendar publishes them.
 */
import { isValidJalaaliDate } from 'jalaali-js';
import { hotlineError } from '../errors.js';
import type { JalaliDate } from './jalali.js';

export interface Holiday {
  /** null: every year. */
  jy: number | null;
  jm: number;
  jd: number;
  name: string;
}

const DATE = /^(\*|\d{4})\/(\d{2})\/(\d{2})$/;
// A 4-digit year outside this range is almost surely a Gregorian date typed by mistake.
const MIN_YEAR = 1300;
const MAX_YEAR = 1499;
const TOP_LEVEL_KEYS = new Set(['holidays', 'note']);
const ENTRY_KEYS = new Set(['date', 'name']);

export function holidayDateString(h: Pick<Holiday, 'jy' | 'jm' | 'jd'>): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${h.jy ?? '*'}/${pad(h.jm)}/${pad(h.jd)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Months 1-6 have 31 days, 7-11 have 30, Esfand 29 (30 in leap years). */
function maxDay(jm: number): number {
  return jm <= 6 ? 31 : 30;
}

function parseEntry(entry: unknown, index: number): Holiday {
  const fail = (why: string): never => {
    throw hotlineError('HOTLINE_ERR_CONFIG', `holidays[${index}] ${JSON.stringify(entry)}: ${why}`, { index });
  };
  if (!isRecord(entry)) return fail('must be an object { "date": "1405/01/01", "name": "..." }');
  for (const key of Object.keys(entry)) if (!ENTRY_KEYS.has(key)) fail(`unknown key "${key}"`);

  const { date, name } = entry;
  if (typeof name !== 'string' || name.trim() === '') fail('"name" must be a non-empty string');
  if (typeof date !== 'string') return fail('"date" must be a string like "1405/01/01" or "*/01/01"');
  const m = DATE.exec(date);
  if (!m) return fail('"date" must look like "1405/01/01" (Jalali) or "*/01/01" (every year)');

  const jy = m[1] === '*' ? null : Number(m[1]);
  const jm = Number(m[2]);
  const jd = Number(m[3]);
  if (jy !== null && (jy < MIN_YEAR || jy > MAX_YEAR)) {
    fail(`year ${jy} is not a Jalali year in ${MIN_YEAR}-${MAX_YEAR} (dates are Jalali, e.g. 1405/01/01)`);
  }
  if (jm < 1 || jm > 12) fail(`month must be 01-12`);
  if (jd < 1 || jd > maxDay(jm)) fail(`day must be 01-${maxDay(jm)} in month ${jm}`);
  if (jy !== null && !isValidJalaaliDate(jy, jm, jd)) fail(`${jy} has no day ${jd} in month ${jm}`);
  return { jy, jm, jd, name: (name as string).trim() };
}

/**
 * Validates the holidays file's parsed JSON: `{ "holidays": [{ "date", "name" }], "note"? }`.
 * Throws HOTLINE_ERR_CONFIG naming the first bad entry, so a typo stops the start-up
 * instead of silently opening the office on a holiday.
 */
export function parseHolidays(json: unknown): Holiday[] {
  if (!isRecord(json)) {
    throw hotlineError('HOTLINE_ERR_CONFIG', 'holidays file must be an object { "holidays": [...] }');
  }
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw hotlineError('HOTLINE_ERR_CONFIG', `holidays file: unknown key "${key}"`);
  }
  if (json.note !== undefined && typeof json.note !== 'string') {
    throw hotlineError('HOTLINE_ERR_CONFIG', 'holidays file: "note" must be a string');
  }
  if (!Array.isArray(json.holidays)) {
    throw hotlineError('HOTLINE_ERR_CONFIG', 'holidays file: "holidays" must be an array');
  }
  const seen = new Set<string>();
  return json.holidays.map((entry, index) => {
    const h = parseEntry(entry, index);
    const key = `${holidayDateString(h)} ${h.name}`;
    if (seen.has(key)) {
      throw hotlineError('HOTLINE_ERR_CONFIG', `holidays[${index}] ${JSON.stringify(entry)}: listed twice`, { index });
    }
    seen.add(key);
    return h;
  });
}

/** All holidays on a Jalali date (a lunar one can fall on a solar one: both are listed). */
export function holidaysOn(date: JalaliDate, holidays: readonly Holiday[]): Holiday[] {
  return holidays.filter((h) => h.jm === date.jm && h.jd === date.jd && (h.jy === null || h.jy === date.jy));
}

export function isHoliday(date: JalaliDate, holidays: readonly Holiday[]): boolean {
  return holidays.some((h) => h.jm === date.jm && h.jd === date.jd && (h.jy === null || h.jy === date.jy));
}
