import type { Grouping, CallAggregate, CaseAggregate } from './definitions.js';
import type { ReportRange } from './date-range.js';
import type { SatisfactionAggregate, SatisfactionGrouping } from './satisfaction.js';
import type { SlaHours } from './sla.js';
import type { AgentPeriodAggregate, DayPeriod } from './agents.js';
import type { LoyaltyAggregate, LoyaltyGrouping, LoyaltySums } from './loyalty.js';

export interface CallThresholds {
  answerWithinSec: number;
  abandonAfterSec: number;
}

/** Raw sums per group, computed where the rows are. Implemented in adapters/db. */
export interface ReportRepo {
  /** Queued calls that started in the range, per group and queue. */
  callAggregates(range: ReportRange, by: Grouping, thresholds: CallThresholds): Promise<CallAggregate[]>;
  /**
   * Cases opened in the range, per group and category (`by: 'queue'` groups by category;
   * the domain maps categories to queues). Overdue is judged at `now` against `sla`.
   */
  caseAggregates(range: ReportRange, by: Grouping, now: Date, sla: SlaHours): Promise<CaseAggregate[]>;
  /** Surveys that ended in the range (by `ended_at`), counted per group. */
  satisfactionAggregates(range: ReportRange, by: SatisfactionGrouping): Promise<SatisfactionAggregate[]>;
  /** Citizens' contacts in the range, per group, with the total (see loyalty.ts for the definitions). */
  loyaltyAggregates(range: ReportRange, by: LoyaltyGrouping): Promise<{ groups: LoyaltyAggregate[]; total: LoyaltySums }>;
  /** Per agent and period (each Tehran day of the range mapped to its period): calls, pauses, rings, holds, cases, surveys and QA scores (see agents.ts). */
  agentAggregates(range: ReportRange, periods: readonly DayPeriod[]): Promise<AgentPeriodAggregate[]>;
}
