/**
 * Holidays as Jalali dates. They live in the database (edited on /hours); the file
 * config/holidays.json only seeds an empty table at first start.
 * Solar holidays recur every year (year written as `*`, e.g. Nowruz on `*` / 01 / 01);
 * lunar ones move ~11 days a year and are listed per year (`1405/03/06`), as the
 * official calendar publishes them; closures are one-off days (a pollution day), for
 * the whole city or one district.
 */
import { isValidJalaaliDate } from 'jalaali-js';
import { hotlineError } from '../errors.js';
import type { JalaliDate } from './jalali.js';

export const HOLIDAY_KINDS = ['solar', 'lunar', 'closure'] as const;
export type HolidayKind = (typeof HOLIDAY_KINDS)[number];

export interface Holiday {
  /** null: every year. */
  jy: number | null;
  jm: number;
  jd: number;
  name: string;
  /** What the file gives is solar (every year) or lunar (one year); absent: read from `jy`. */
  kind?: HolidayKind;
  /** Closed in this district only; null or absent: everywhere. */
  district?: number | null;
}

/** A solar holiday recurs; lunar ones and closures are dated. */
export function kindOf(h: Pick<Holiday, 'jy' | 'kind'>): HolidayKind {
  return h.kind ?? (h.jy === null ? 'solar' : 'lunar');
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

/**
 * A holiday date as written in the file and the API: "1405/03/06" (Jalali) or "* / 01 / 01"
 * without the spaces (every year). Returns why it is not one instead of throwing, so the file and the API
 * can each word the error their own way.
 */
export function parseHolidayDate(date: unknown): Pick<Holiday, 'jy' | 'jm' | 'jd'> | { error: string } {
  if (typeof date !== 'string') return { error: '"date" must be a string like "1405/01/01" or "*/01/01"' };
  const m = DATE.exec(date);
  if (!m) return { error: '"date" must look like "1405/01/01" (Jalali) or "*/01/01" (every year)' };
  const jy = m[1] === '*' ? null : Number(m[1]);
  const jm = Number(m[2]);
  const jd = Number(m[3]);
  if (jy !== null && (jy < MIN_YEAR || jy > MAX_YEAR)) {
    return { error: `year ${jy} is not a Jalali year in ${MIN_YEAR}-${MAX_YEAR} (dates are Jalali, e.g. 1405/01/01)` };
  }
  if (jm < 1 || jm > 12) return { error: `month must be 01-12` };
  if (jd < 1 || jd > maxDay(jm)) return { error: `day must be 01-${maxDay(jm)} in month ${jm}` };
  if (jy !== null && !isValidJalaaliDate(jy, jm, jd)) return { error: `${jy} has no day ${jd} in month ${jm}` };
  return { jy, jm, jd };
}

function parseEntry(entry: unknown, index: number): Holiday {
  const fail = (why: string): never => {
    throw hotlineError('HOTLINE_ERR_CONFIG', `holidays[${index}] ${JSON.stringify(entry)}: ${why}`, { index });
  };
  if (!isRecord(entry)) return fail('must be an object { "date": "1405/01/01", "name": "..." }');
  for (const key of Object.keys(entry)) if (!ENTRY_KEYS.has(key)) fail(`unknown key "${key}"`);

  const { date, name } = entry;
  if (typeof name !== 'string' || name.trim() === '') fail('"name" must be a non-empty string');
  const parsed = parseHolidayDate(date);
  if ('error' in parsed) return fail(parsed.error);
  return { ...parsed, name: (name as string).trim() };
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

function falls(h: Holiday, date: JalaliDate, district: number | null): boolean {
  const here = h.district === undefined || h.district === null || h.district === district;
  return here && h.jm === date.jm && h.jd === date.jd && (h.jy === null || h.jy === date.jy);
}

/**
 * All holidays on a Jalali date (a lunar one can fall on a solar one: both are listed).
 * `district`: also that district's own closures; without it, only the city-wide days.
 */
export function holidaysOn(date: JalaliDate, holidays: readonly Holiday[], district: number | null = null): Holiday[] {
  return holidays.filter((h) => falls(h, date, district));
}

export function isHoliday(date: JalaliDate, holidays: readonly Holiday[], district: number | null = null): boolean {
  return holidays.some((h) => falls(h, date, district));
}
