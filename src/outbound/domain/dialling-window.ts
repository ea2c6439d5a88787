/**
 * When the hotline may call citizens (surveys, queue callbacks): a weekly window in
 * Tehran wall-clock time, never on a holiday. It is the office-hours calendar with its
 * own hours, so the Tehran-time and Jalali-holiday rules live in one place
 * (domain/calendar) and cannot drift apart.
 */
import { hotlineError } from '../../domain/errors.js';
import type { Holiday } from '../../domain/calendar/holidays.js';
import { isOpen, nextOpening, validateWeekly, type WeeklyHours } from '../../domain/calendar/office-hours.js';
import { WEEKDAYS, type Weekday } from '../../domain/calendar/tehran-time.js';

export interface DiallingWindowConfig {
  /** Calling hours per weekday (Tehran, 'HH:MM', close exclusive); null: no calls that day. */
  weekly: WeeklyHours;
  /** A case closed at T gets its first survey call no sooner than T + this. */
  firstAttemptDelayMs: number;
}

const HOUR_MS = 3_600_000;

/**
 * Builds a week from "these days, these hours" (the shape the env gives), validating it
 * so a typo stops start-up rather than silencing the dialler.
 */
export function diallingWeekly(days: readonly Weekday[], open: string, close: string): WeeklyHours {
  if (days.length === 0) throw hotlineError('HOTLINE_ERR_CONFIG', 'dialling window: no calling days');
  const weekly = Object.fromEntries(
    WEEKDAYS.map((day) => [day, days.includes(day) ? { open, close } : null]),
  ) as WeeklyHours;
  return validateWeekly(weekly);
}

/** Saturday–Thursday 09:00–20:00 Tehran; the first call at least 2 h after closing. */
export const DEFAULT_DIALLING_WINDOW: Readonly<DiallingWindowConfig> = Object.freeze({
  weekly: Object.freeze(
    diallingWeekly(['saturday', 'sunday', 'monday', 'tuesday', 'wednesday', 'thursday'], '09:00', '20:00'),
  ),
  firstAttemptDelayMs: 2 * HOUR_MS,
});

function isWeekday(value: string): value is Weekday {
  return (WEEKDAYS as readonly string[]).includes(value);
}

/**
 * Parses a list of calling days from config: names separated by commas, or a range in
 * Iranian week order ('saturday-thursday'), or a mix ('saturday-tuesday,thursday').
 */
export function parseCallingDays(text: string): Weekday[] {
  const days = new Set<Weekday>();
  for (const part of text.split(',').map((p) => p.trim().toLowerCase())) {
    if (part === '') continue;
    const [from, to, ...rest] = part.split('-').map((p) => p.trim());
    const bad = (why: string): never => {
      throw hotlineError('HOTLINE_ERR_CONFIG', `calling days: "${part}" ${why}`);
    };
    if (rest.length > 0 || !from || !isWeekday(from)) bad('is not a weekday name or range');
    if (to === undefined) {
      days.add(from as Weekday);
      continue;
    }
    if (!isWeekday(to)) bad('is not a weekday range');
    const start = WEEKDAYS.indexOf(from as Weekday);
    const end = WEEKDAYS.indexOf(to as Weekday);
    // The week starts on Saturday; a range wrapping past Friday is almost surely a mistake.
    if (end < start) bad('runs backwards (the week starts on Saturday)');
    for (let i = start; i <= end; i++) days.add(WEEKDAYS[i]!);
  }
  if (days.size === 0) throw hotlineError('HOTLINE_ERR_CONFIG', 'calling days: none given');
  return WEEKDAYS.filter((d) => days.has(d));
}

export function isInsideWindow(at: Date, config: DiallingWindowConfig, holidays: readonly Holiday[]): boolean {
  return isOpen(at, { weekly: config.weekly, holidays });
}

/**
 * The earliest instant at or after `earliest` inside the window (`earliest` itself when
 * it already is). A job scheduled for this instant never has to wait in a busy loop.
 */
export function nextCallTime(earliest: Date, config: DiallingWindowConfig, holidays: readonly Holiday[]): Date {
  return nextOpening(earliest, { weekly: config.weekly, holidays });
}

/** When the first call about a case closed at `closedAt` may be placed. */
export function firstCallTime(closedAt: Date, config: DiallingWindowConfig, holidays: readonly Holiday[]): Date {
  return nextCallTime(new Date(closedAt.getTime() + config.firstAttemptDelayMs), config, holidays);
}
