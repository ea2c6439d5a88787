/**
 * SLA clocks that run in working hours only: a case due "in 24 hours" that arrives on
 * Thursday afternoon is not late on Saturday morning. Holidays and closed hours are not
 * counted; the calendar is the district's (its hours and closures) or the hotline's.
 */
import { hotlineError } from '../errors.js';
import { workingWindow, type OfficeHoursConfig } from './office-hours.js';
import { addDays, tehranInstant, tehranParts } from './tehran-time.js';

const HOUR_MS = 3_600_000;
// Only a calendar that never opens gets this far (the same bound as nextOpening's search).
const SEARCH_DAYS = 800;

/** How an SLA's hours are counted: on the wall clock, or in working hours only. */
export const SLA_CLOCKS = ['calendar', 'working'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

/** SLA_CLOCK parsed: the clock of every category not named, and the named ones'. */
export interface SlaClockConfig {
  default: SlaClock;
  perCategory: Record<string, SlaClock>;
}

/** The clock a category's SLA runs on (an uncategorised case: the default). */
export function slaClockFor(category: string | null, config: SlaClockConfig): SlaClock {
  return (category !== null ? config.perCategory[category] : undefined) ?? config.default;
}

/** The instant `hours` working hours after `from` (from itself for 0). */
export function addWorkingHours(from: Date, hours: number, config: OfficeHoursConfig): Date {
  if (!(hours >= 0)) throw hotlineError('HOTLINE_ERR_CONFIG', `working hours: ${hours} is not a duration`);
  let remaining = hours * HOUR_MS;
  const start = tehranParts(from);
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const date = addDays(start, i);
    const window = workingWindow(date, config);
    if (window === null) continue;
    const openAt = tehranInstant(date, Math.floor(window.open / 60), window.open % 60).getTime();
    // A day open until 24:00 ends at the next day's midnight.
    const closeAt =
      window.close === 24 * 60
        ? tehranInstant(addDays(date, 1), 0, 0).getTime()
        : tehranInstant(date, Math.floor(window.close / 60), window.close % 60).getTime();
    const segmentStart = Math.max(openAt, from.getTime());
    if (segmentStart >= closeAt) continue;
    if (remaining <= closeAt - segmentStart) return new Date(segmentStart + remaining);
    remaining -= closeAt - segmentStart;
  }
  throw hotlineError('HOTLINE_ERR_CONFIG', `working hours: the calendar does not open in ${SEARCH_DAYS} days`);
}

/**
 * `SLA_CLOCK`: `working` or `calendar` for every category, or per category
 * (`working,staff_complaint=calendar`: a bare word is the default). Unknown words fail
 * start-up, as SLA_HOURS does.
 */
export function parseSlaClock(spec: string | undefined, categories: readonly string[]): SlaClockConfig {
  const out: SlaClockConfig = { default: 'working', perCategory: {} };
  if (!spec?.trim()) return out;
  const isClock = (v: string): v is SlaClock => (SLA_CLOCKS as readonly string[]).includes(v);
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    const [key, value, ...rest] = part.split('=').map((p) => p.trim());
    if (value === undefined) {
      if (!isClock(key!)) throw hotlineError('HOTLINE_ERR_CONFIG', `SLA_CLOCK: "${part}" is not ${SLA_CLOCKS.join(' or ')}`);
      out.default = key;
      continue;
    }
    if (rest.length > 0 || !categories.includes(key!)) {
      throw hotlineError('HOTLINE_ERR_CONFIG', `SLA_CLOCK: "${part}" is not category=${SLA_CLOCKS.join('|')}`);
    }
    if (!isClock(value)) throw hotlineError('HOTLINE_ERR_CONFIG', `SLA_CLOCK: "${part}": ${value} is not ${SLA_CLOCKS.join(' or ')}`);
    out.perCategory[key!] = value;
  }
  return out;
}
