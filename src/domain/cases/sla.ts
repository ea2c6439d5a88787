/**
 * Service-level agreement: how long a district has to resolve a case, per category.
 * Pure: the due time is computed once at creation and stored on the case.
 */
import type { Holiday } from '../calendar/holidays.js';
import { addWorkingHours, slaClockFor, type SlaClockConfig } from '../calendar/working-hours.js';
import { hotlineError } from '../errors.js';
import { CASE_CATEGORIES, type CaseCategory } from './case.js';
import { DEFAULT_DISTRICT_HOURS } from './district.js';

export type SlaHours = Readonly<Record<CaseCategory, number>>;

/** A case with no category yet (a voice message not yet listened to) gets this. */
export const UNCATEGORISED_SLA_HOURS = 72;

export const DEFAULT_SLA_HOURS: SlaHours = Object.freeze({
  cleaning_waste: 24,
  streets_lighting: 72,
  parks_trees: 72,
  building_violations: 120,
  traffic_transport: 72,
  other: 96,
  staff_complaint: 168,
});

const HOUR_MS = 3_600_000;

export function slaHoursFor(category: CaseCategory | null, hours: SlaHours = DEFAULT_SLA_HOURS): number {
  return category === null ? UNCATEGORISED_SLA_HOURS : hours[category];
}

export function dueAt(category: CaseCategory | null, from: Date, hours: SlaHours = DEFAULT_SLA_HOURS): Date {
  return new Date(from.getTime() + slaHoursFor(category, hours) * HOUR_MS);
}

/** How due times are set: hours per category, the clock they run on, the holidays. */
export interface SlaPolicy {
  hours: SlaHours;
  clock: SlaClockConfig;
  /** The live calendar (read at every call: a holiday added today counts at once). */
  holidays: () => readonly Holiday[];
}

/**
 * When a case's SLA runs out. On the working clock the hours are a district office's
 * (DEFAULT_DISTRICT_HOURS): nights, Fridays, holidays and the district's own closures do
 * not count, since nobody in the district can work the case then. On the calendar clock
 * every hour counts.
 */
export function slaDueAt(c: { category: CaseCategory | null; district: number | null }, from: Date, policy: SlaPolicy): Date {
  const hours = slaHoursFor(c.category, policy.hours);
  if (slaClockFor(c.category, policy.clock) === 'calendar') return dueAt(c.category, from, policy.hours);
  return addWorkingHours(from, hours, {
    weekly: DEFAULT_DISTRICT_HOURS,
    holidays: policy.holidays(),
    ...(c.district !== null ? { district: c.district } : {}),
  });
}

/**
 * Overrides in the form `cleaning_waste=24,streets_lighting=48` (SLA_HOURS); categories
 * not named keep their default. A typo must fail start-up, not silently keep a default.
 */
export function parseSlaHours(spec: string | undefined, base: SlaHours = DEFAULT_SLA_HOURS): SlaHours {
  const out: Record<CaseCategory, number> = { ...base };
  if (!spec?.trim()) return Object.freeze(out);
  for (const part of spec.split(',')) {
    const m = /^\s*([a-z_]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw hotlineError('HOTLINE_ERR_CONFIG', `SLA_HOURS: "${part.trim()}" is not category=hours`);
    const category = m[1] as CaseCategory;
    const hours = Number(m[2]);
    if (!CASE_CATEGORIES.includes(category)) {
      throw hotlineError('HOTLINE_ERR_CONFIG', `SLA_HOURS: unknown category "${category}" (one of ${CASE_CATEGORIES.join(', ')})`);
    }
    if (!(hours > 0)) throw hotlineError('HOTLINE_ERR_CONFIG', `SLA_HOURS: ${category} must be more than 0 hours`);
    out[category] = hours;
  }
  return Object.freeze(out);
}
