/**
 * How long each kind of case may stay open before it counts as overdue in reports.
 * A stand-in until the case SLA module lands (due dates on cases); the integrator
 * reconciles the two so that reports and case screens agree on what "overdue" means.
 */
import type { CaseCategory, CaseStatus } from '../cases/case.js';

export type SlaHours = Record<CaseCategory, number>;

/** Hours from registration; 72 h (three working days) unless the work is quicker or slower by nature. */
export const DEFAULT_SLA_HOURS: SlaHours = {
  cleaning_waste: 48,
  streets_lighting: 72,
  parks_trees: 120,
  building_violations: 240,
  traffic_transport: 120,
  other: 72,
  staff_complaint: 168,
};

/** For cases registered without a category (a voice message not yet triaged). */
export const UNCATEGORISED_SLA_HOURS = 72;

/** Statuses in which the municipality's work on a case is over, so it cannot be late. */
export const FINISHED_STATUSES: readonly CaseStatus[] = ['closed', 'resolved', 'rejected', 'duplicate'];

export function slaHours(category: CaseCategory | null, table: SlaHours = DEFAULT_SLA_HOURS): number {
  return category ? table[category] : UNCATEGORISED_SLA_HOURS;
}

export function isOverdue(
  c: { status: CaseStatus; category: CaseCategory | null; createdAt: Date },
  now: Date,
  table: SlaHours = DEFAULT_SLA_HOURS,
): boolean {
  if (FINISHED_STATUSES.includes(c.status)) return false;
  return now.getTime() - c.createdAt.getTime() > slaHours(c.category, table) * 3_600_000;
}
