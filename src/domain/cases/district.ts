/**
 * Tehran's districts as the dispatcher sees them: where a case goes and when the
 * district's office is open to receive it. Pure: the rows live in the `districts` table.
 */
import type { Holiday } from '../calendar/holidays.js';
import { nextOpening, validateWeekly, type WeeklyHours } from '../calendar/office-hours.js';
import { DISTRICT_COUNT, type CaseCategory, type CaseChannel } from './case.js';
import type { Contact } from './unit.js';

export interface District {
  id: number;
  /** Persian name, e.g. «منطقه ۷». */
  name: string;
  /** Office hours (Asia/Tehran); null = DEFAULT_DISTRICT_HOURS. */
  officeHours: WeeklyHours | null;
  /** HTTP endpoints that receive each case; empty when the district only uses the inbox. */
  webhookUrls: string[];
  /** HMAC key of the webhooks' X-Hotline-Signature; null when there are no webhooks. */
  webhookSecret: string | null;
  /** Whether cases are put in the district's inbox in the hotline itself. */
  inboxEnabled: boolean;
  /** Whom to call or write to about its cases. */
  contacts?: Contact[];
  /** SLA hours of its own for some categories; null when the hotline's apply. */
  slaHours?: Partial<Record<CaseCategory, number>> | null;
  /** Whether an outline is loaded (npm run districts:import). */
  hasBoundary?: boolean;
}

/** A municipal district office: Saturday to Wednesday 07:30–14:30, Thursday until 12:30. */
export const DEFAULT_DISTRICT_HOURS: Readonly<WeeklyHours> = Object.freeze({
  saturday: { open: '07:30', close: '14:30' },
  sunday: { open: '07:30', close: '14:30' },
  monday: { open: '07:30', close: '14:30' },
  tuesday: { open: '07:30', close: '14:30' },
  wednesday: { open: '07:30', close: '14:30' },
  thursday: { open: '07:30', close: '12:30' },
  friday: null,
});

const FA_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

export function districtName(id: number): string {
  return `منطقه ${String(id).replace(/\d/g, (d) => FA_DIGITS[Number(d)]!)}`;
}

/** The 22 districts as first seeded: inbox only, default hours, no webhooks yet. */
export function defaultDistricts(): District[] {
  return Array.from({ length: DISTRICT_COUNT }, (_, i) => ({
    id: i + 1,
    name: districtName(i + 1),
    officeHours: null,
    webhookUrls: [],
    webhookSecret: null,
    inboxEnabled: true,
  }));
}

export function districtHours(district: Pick<District, 'officeHours'>): WeeklyHours {
  return validateWeekly(district.officeHours ?? { ...DEFAULT_DISTRICT_HOURS });
}

/**
 * When a case should reach the district. Voice messages recorded at night wait for the
 * office to open, as the original 137 forwarded them in the morning; everything else
 * goes at once (an agent routing a case has already judged it).
 */
export function deliveryTime(
  channel: CaseChannel,
  district: Pick<District, 'id' | 'officeHours'>,
  holidays: readonly Holiday[],
  now: Date,
): Date {
  if (channel !== 'voicebox') return now;
  // The district's own closures count as well as the city-wide holidays.
  return nextOpening(now, { weekly: districtHours(district), holidays, district: district.id });
}
