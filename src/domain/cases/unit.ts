/**
 * Who besides the 22 districts receives cases: units inside a district (a district's
 * area office, its own contractor) and city-wide bodies (the water company, the traffic
 * organisation) that belong to no district. Pure: the rows live in the `units` table.
 */
import type { CaseCategory } from './case.js';

export const UNIT_KINDS = ['unit', 'body'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Someone to call or write to about the unit's cases. */
export interface Contact {
  name: string;
  role?: string;
  phone?: string;
  email?: string;
}

export interface Unit {
  /** Short lowercase id (`d7-bazaar`, `water`). */
  id: string;
  kind: UnitKind;
  /** The district a unit belongs to; null for a city-wide body. */
  district: number | null;
  /** Persian name. */
  name: string;
  webhookUrls: string[];
  webhookSecret: string | null;
  contacts: Contact[];
  /** SLA hours of its own for some categories; null when the hotline's apply. */
  slaHours: Partial<Record<CaseCategory, number>> | null;
  hasBoundary: boolean;
}
