import { hotlineError } from '../domain/errors.js';
import { reportRange, ReportRangeError, type ReportRange } from '../domain/reports/date-range.js';
import { callReport, caseReport, type CallReport, type CaseReport, type Grouping } from '../domain/reports/definitions.js';
import type { ReportRepo } from '../domain/reports/ports.js';
import { satisfactionReport, type SatisfactionGrouping, type SatisfactionReport } from '../domain/reports/satisfaction.js';
import { loyaltyReport, type LoyaltyGrouping, type LoyaltyReport } from '../domain/reports/loyalty.js';
import { DEFAULT_SLA_HOURS, type SlaHours } from '../domain/reports/sla.js';
import { defaultConfig, type StatsConfig } from '../domain/queues/live-stats.js';
import { agentReport, MAX_AGENT_REPORT_DAYS, periodsOfRange, type AgentReport } from '../domain/reports/agents.js';
import type { Period } from '../quality/domain/periods.js';

export interface ReportQuery {
  /** Jalali dates, both days included. */
  from: string;
  to: string;
  by: Grouping;
}

export interface ReportService {
  calls(query: ReportQuery): Promise<CallReport>;
  cases(query: ReportQuery): Promise<CaseReport>;
  satisfaction(query: SatisfactionQuery): Promise<SatisfactionReport>;
  citizens(query: CitizenReportQuery): Promise<LoyaltyReport>;
  agents(query: AgentReportQuery): Promise<AgentReport>;
}

export interface AgentReportQuery {
  from: string;
  to: string;
  period: Period;
}

export interface CitizenReportQuery {
  from: string;
  to: string;
  by: LoyaltyGrouping;
}

export interface SatisfactionQuery {
  from: string;
  to: string;
  by: SatisfactionGrouping;
}

export interface ReportServiceOptions {
  now: () => Date;
  /** The same thresholds and wrap-up times as the live statistics. */
  stats?: StatsConfig;
  sla?: SlaHours;
}

function rangeOf(query: { from: string; to: string }): ReportRange {
  try {
    return reportRange(query.from, query.to);
  } catch (err) {
    if (err instanceof ReportRangeError) {
      throw hotlineError('HOTLINE_ERR_VALIDATION', err.message, { in: 'querystring', field: err.field });
    }
    throw err;
  }
}

export function createReportService(repo: ReportRepo, opts: ReportServiceOptions): ReportService {
  const stats = opts.stats ?? defaultConfig();
  const sla = opts.sla ?? DEFAULT_SLA_HOURS;
  return {
    async calls(query) {
      const range = rangeOf(query);
      const aggregates = await repo.callAggregates(range, query.by, stats);
      return callReport(aggregates, query.by, range, stats);
    },
    async cases(query) {
      const range = rangeOf(query);
      const aggregates = await repo.caseAggregates(range, query.by, opts.now(), sla);
      return caseReport(aggregates, query.by, range);
    },
    async satisfaction(query) {
      const range = rangeOf(query);
      return satisfactionReport(await repo.satisfactionAggregates(range, query.by), query.by, range);
    },
    async citizens(query) {
      const range = rangeOf(query);
      const { groups, total } = await repo.loyaltyAggregates(range, query.by);
      return loyaltyReport(groups, total, query.by, range);
    },
    async agents(query) {
      const range = rangeOf(query);
      if (query.period === 'day' && range.days > MAX_AGENT_REPORT_DAYS) {
        throw hotlineError('HOTLINE_ERR_VALIDATION', `by day the per-agent report covers at most ${MAX_AGENT_REPORT_DAYS} days; ask by week or month`, {
          in: 'querystring',
          field: 'period',
        });
      }
      return agentReport(await repo.agentAggregates(range, periodsOfRange(range, query.period)), query.period, range);
    },
  };
}
