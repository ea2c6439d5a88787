/**
 * When the hotline's agents are at work (Asia/Tehran). Outside these hours the IVR
 * sends callers to the voicebox, and callbacks wait for the next opening.
 */
import { hotlineError } from '../errors.js';
import { isHoliday, type Holiday } from './holidays.js';
import { jalaliOf } from './jalali.js';
import {
  addDays,
  isoDate,
  tehranInstant,
  tehranParts,
  weekdayOf,
  WEEKDAYS,
  type LocalDate,
  type Weekday,
} from './tehran-time.js';

/** Opening hours of one day, Tehran wall clock 'HH:MM'; `close` is exclusive and may be '24:00'. */
export type DayHours = { open: string; close: string } | null;
export type WeeklyHours = Record<Weekday, DayHours>;

export interface OfficeHoursConfig {
  weekly: WeeklyHours;
  holidays: readonly Holiday[];
  /** A district's calendar also keeps that district's own closures; absent: city-wide days only. */
  district?: number;
}

/** The seed of the hotline's hours (the settings row `hours.weekly` holds the live ones). */
export const DEFAULT_WEEKLY: Readonly<WeeklyHours> = Object.freeze({
  saturday: { open: '07:00', close: '19:00' },
  sunday: { open: '07:00', close: '19:00' },
  monday: { open: '07:00', close: '19:00' },
  tuesday: { open: '07:00', close: '19:00' },
  wednesday: { open: '07:00', close: '19:00' },
  thursday: { open: '07:00', close: '13:00' },
  friday: null,
});

/** Round the clock, every day: how the real 137 works. */
export const ROUND_THE_CLOCK: Readonly<WeeklyHours> = Object.freeze(
  Object.fromEntries(WEEKDAYS.map((day) => [day, { open: '00:00', close: '24:00' }])) as WeeklyHours,
);

/** Supervisor override: force the office open (an emergency) or closed, or follow the calendar. */
export const OVERRIDE_MODES = ['auto', 'open', 'closed'] as const;
export type OverrideMode = (typeof OVERRIDE_MODES)[number];

export function isOverrideMode(value: unknown): value is OverrideMode {
  return typeof value === 'string' && (OVERRIDE_MODES as readonly string[]).includes(value);
}

// A search for the next opening gives up after this long: only a config that never
// opens gets there, and that is an error rather than a reason to loop forever.
const SEARCH_DAYS = 400;

function minutes(hhmm: string, day: Weekday, field: 'open' | 'close'): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  if (field === 'close' && hhmm === '24:00') return 24 * 60;
  throw hotlineError('HOTLINE_ERR_CONFIG', `office hours: ${day}.${field} must be HH:MM, got ${JSON.stringify(hhmm)}`);
}

/** Opening and closing minute of the day, or null when closed all day. */
function dayWindow(weekly: WeeklyHours, day: Weekday): { open: number; close: number } | null {
  const hours = weekly[day];
  if (hours === null) return null;
  const open = minutes(hours.open, day, 'open');
  const close = minutes(hours.close, day, 'close');
  if (open >= close) {
    throw hotlineError('HOTLINE_ERR_CONFIG', `office hours: ${day} opens at ${hours.open} but closes at ${hours.close}`);
  }
  return { open, close };
}

/** Throws HOTLINE_ERR_CONFIG on a malformed week (so start-up fails, not the first call). */
export function validateWeekly(weekly: WeeklyHours): WeeklyHours {
  for (const day of WEEKDAYS) dayWindow(weekly, day);
  return weekly;
}

export function isHolidayOn(date: LocalDate, config: OfficeHoursConfig): boolean {
  return isHoliday(jalaliOf(date), config.holidays, config.district ?? null);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A week as sent to the API or stored as JSON: every weekday present, each `null`
 * (closed) or `{ open, close }`. Throws HOTLINE_ERR_VALIDATION naming the bad day.
 */
export function parseWeekly(json: unknown): WeeklyHours {
  const fail = (why: string): never => {
    throw hotlineError('HOTLINE_ERR_VALIDATION', `weekly hours: ${why}`);
  };
  if (!isRecord(json)) return fail('must be an object with one entry per weekday');
  for (const key of Object.keys(json)) if (!(WEEKDAYS as readonly string[]).includes(key)) fail(`unknown weekday "${key}"`);
  const weekly = {} as WeeklyHours;
  for (const day of WEEKDAYS) {
    const hours = json[day];
    if (hours === undefined) fail(`${day} is missing (null closes it)`);
    if (hours === null) {
      weekly[day] = null;
      continue;
    }
    if (!isRecord(hours) || typeof hours.open !== 'string' || typeof hours.close !== 'string' || Object.keys(hours).length !== 2) {
      return fail(`${day} must be null or { "open": "HH:MM", "close": "HH:MM" }`);
    }
    weekly[day] = { open: hours.open, close: hours.close };
  }
  try {
    return validateWeekly(weekly);
  } catch (err) {
    return fail((err as Error).message.replace(/^office hours: /, ''));
  }
}

/** The window of a date when the office works that day, else null (closed weekday or holiday). */
export function workingWindow(date: LocalDate, config: OfficeHoursConfig): { open: number; close: number } | null {
  const window = dayWindow(config.weekly, weekdayOf(date));
  if (window === null || isHolidayOn(date, config)) return null;
  return window;
}

export function isOpen(now: Date, config: OfficeHoursConfig, override: OverrideMode = 'auto'): boolean {
  if (override === 'open') return true;
  if (override === 'closed') return false;
  const p = tehranParts(now);
  const window = workingWindow(p, config);
  if (window === null) return false;
  const minute = p.hour * 60 + p.minute;
  return minute >= window.open && minute < window.close;
}

/**
 * The earliest instant at or after `now` when the office is open by its calendar
 * (`now` itself while open). Skips closed weekdays and holidays; used to deliver what
 * arrived at night in the morning.
 */
export function nextOpening(now: Date, config: OfficeHoursConfig): Date {
  const p = tehranParts(now);
  const minuteNow = p.hour * 60 + p.minute;
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const date = addDays(p, i);
    const window = workingWindow(date, config);
    if (window === null) continue;
    if (i === 0) {
      if (minuteNow >= window.close) continue;
      if (minuteNow >= window.open) return now;
    }
    return tehranInstant(date, Math.floor(window.open / 60), window.open % 60);
  }
  throw hotlineError('HOTLINE_ERR_CONFIG', `office hours: no opening in the next ${SEARCH_DAYS} days`);
}

/**
 * Gregorian dates ('YYYY-MM-DD', Tehran) of the holidays among the `days` days starting
 * with `from`'s Tehran date. The engine mirrors them into AstDB so the dialplan fallback
 * knows them while the engine is down.
 */
export function holidayGregorianDates(config: OfficeHoursConfig, from: Date, days: number): string[] {
  const start = tehranParts(from);
  const out: string[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(start, i);
    if (isHolidayOn(date, config)) out.push(isoDate(date));
  }
  return out;
}
