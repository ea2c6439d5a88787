/**
 * The per-agent report: for each agent and each Jalali day, week or month, what they
 * handled and how. Storage hands in sums per agent and Tehran day; the periods and the
 * ratios are decided here, once, so the page, the JSON and the CSV cannot disagree.
 *
 * - answered: queue calls the agent answered (by the call's start).
 * - AHT = (talk + wrap-up, 0 when none was recorded) ÷ calls with a recorded talk time; talk includes any hold, as
 *   app_queue's TalkTime does. Mean talk, wrap-up and hold per call beside it.
 * - missed rings: calls app_queue offered the agent that rang out (AgentRingNoAnswer).
 * - pause time by reason: the agent's pauses (break, lunch, …, and `missed`, the engine's
 *   pause after missed rings), written when they end and counted on the day they began; the engine's own `wrapup`
 *   pause is the call and its wrap-up, already in AHT.
 * - cases created: cases registered from the agent's calls.
 * - reopened share = the agent's cases whose survey answers reopened them ÷ their
 *   surveys answered (by the survey's end); CSAT = ratings 4–5 ÷ ratings given.
 * - QA score: mean score of the agent's evaluated calls (by the call's start).
 */
import { PAUSE_REASONS, type PauseReason } from '../agents/agent.js';
import { periodOfDay, type Period } from '../../quality/domain/periods.js';
import type { CsvCell } from './csv.js';
import { addDays } from '../calendar/tehran-time.js';
import { gregorianOf } from '../calendar/jalali.js';
import { parseJalaliDate, type ReportRange } from './date-range.js';
import type { Table } from './definitions.js';

export const AGENT_ACTIVITY_KINDS = ['pause', 'missed_ring', 'hold'] as const;
export type AgentActivityKind = (typeof AGENT_ACTIVITY_KINDS)[number];

/** Pause reasons the report shows: all but the engine's wrap-up pause (see above). */
export const REPORTED_PAUSE_REASONS = PAUSE_REASONS.filter((r): r is Exclude<PauseReason, 'wrapup'> => r !== 'wrapup');
export type ReportedPauseReason = (typeof REPORTED_PAUSE_REASONS)[number];

export interface AgentSums {
  answered: number;
  /** Answered calls with a recorded talk time, and the sums over them. */
  handled: number;
  talkSec: number;
  wrapUpSec: number;
  holds: number;
  holdSec: number;
  missedRings: number;
  pauseSec: Record<ReportedPauseReason, number>;
  casesCreated: number;
  surveysAnswered: number;
  reopened: number;
  rated: number;
  satisfied: number;
  qaEvaluations: number;
  qaScoreSum: number;
}

/** One agent's sums over one period (see periodsOfRange); absent figures are 0. */
export interface AgentPeriodAggregate extends Partial<Omit<AgentSums, 'pauseSec'>> {
  agentId: string;
  /** The agent's display name, when known. */
  name?: string | null | undefined;
  period: string;
  pauseSec?: Partial<Record<string, number>>;
}

/**
 * Longest range the per-agent report is given by day: a Jalali season. A year by day is
 * 44,000 lines for 120 agents, more than anyone reads and over a second to send; week
 * and month cover up to the whole report range.
 */
export const MAX_AGENT_REPORT_DAYS = 93;

/** A Tehran day of the range (days since 1970-01-01, as the database counts them) and the period it falls in. */
export interface DayPeriod {
  day: number;
  period: string;
}

/**
 * Each day of the range and its Jalali day, week or month: the repository groups its
 * rows by these, so only one row per agent and period leaves the database.
 */
export function periodsOfRange(range: Pick<ReportRange, 'fromDate' | 'days'>, by: Period): DayPeriod[] {
  const first = gregorianOf(parseJalaliDate(range.fromDate)!);
  return Array.from({ length: range.days }, (_, i) => {
    const date = addDays(first, i);
    return { day: Date.UTC(date.year, date.month - 1, date.day) / 86_400_000, period: periodOfDay(date, by) };
  });
}

export interface AgentFigures {
  answered: number;
  ahtSec: number | null;
  meanTalkSec: number | null;
  meanWrapUpSec: number | null;
  holds: number;
  holdSec: number;
  meanHoldSec: number | null;
  missedRings: number;
  pauseSec: Record<ReportedPauseReason, number>;
  pauseTotalSec: number;
  casesCreated: number;
  surveysAnswered: number;
  reopened: number;
  reopenedShare: number | null;
  rated: number;
  csat: number | null;
  qaEvaluations: number;
  qaScore: number | null;
}

export interface AgentRow {
  agentId: string;
  name: string;
  total: AgentFigures;
  /** The agent's periods with any activity, oldest first. */
  periods: { period: string; figures: AgentFigures }[];
}

export interface AgentReport {
  kind: 'agents';
  by: Period;
  range: ReportRange;
  agents: AgentRow[];
  total: AgentFigures;
}

/** A literal, not built from REPORTED_PAUSE_REASONS: one per agent-day, and the type still requires every reason. */
const zeroPauses = (): Record<ReportedPauseReason, number> => ({ break: 0, lunch: 0, training: 0, meeting: 0, after_call_work: 0, missed: 0 });

export function zeroSums(): AgentSums {
  return {
    answered: 0,
    handled: 0,
    talkSec: 0,
    wrapUpSec: 0,
    holds: 0,
    holdSec: 0,
    missedRings: 0,
    pauseSec: zeroPauses(),
    casesCreated: 0,
    surveysAnswered: 0,
    reopened: 0,
    rated: 0,
    satisfied: 0,
    qaEvaluations: 0,
    qaScoreSum: 0,
  };
}

/**
 * Spelled out field by field rather than a loop over their names: a year by day adds some
 * 44,000 agent-days three times each, and the computed keys made this the report's slowest
 * step (docs/benchmarks.md).
 */
function addInto(into: AgentSums, given: AgentPeriodAggregate | AgentSums): void {
  into.answered += given.answered ?? 0;
  into.handled += given.handled ?? 0;
  into.talkSec += given.talkSec ?? 0;
  into.wrapUpSec += given.wrapUpSec ?? 0;
  into.holds += given.holds ?? 0;
  into.holdSec += given.holdSec ?? 0;
  into.missedRings += given.missedRings ?? 0;
  into.casesCreated += given.casesCreated ?? 0;
  into.surveysAnswered += given.surveysAnswered ?? 0;
  into.reopened += given.reopened ?? 0;
  into.rated += given.rated ?? 0;
  into.satisfied += given.satisfied ?? 0;
  into.qaEvaluations += given.qaEvaluations ?? 0;
  into.qaScoreSum += given.qaScoreSum ?? 0;
  const pauses = given.pauseSec;
  if (pauses) for (const r of REPORTED_PAUSE_REASONS) into.pauseSec[r] += pauses[r] ?? 0;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const round1 = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);

export function agentFigures(s: AgentSums): AgentFigures {
  return {
    answered: s.answered,
    ahtSec: round1(ratio(s.talkSec + s.wrapUpSec, s.handled)),
    meanTalkSec: round1(ratio(s.talkSec, s.handled)),
    meanWrapUpSec: round1(ratio(s.wrapUpSec, s.handled)),
    holds: s.holds,
    holdSec: s.holdSec,
    meanHoldSec: round1(ratio(s.holdSec, s.handled)),
    missedRings: s.missedRings,
    pauseSec: { ...s.pauseSec },
    pauseTotalSec: REPORTED_PAUSE_REASONS.reduce((sum, r) => sum + s.pauseSec[r], 0),
    casesCreated: s.casesCreated,
    surveysAnswered: s.surveysAnswered,
    reopened: s.reopened,
    reopenedShare: ratio(s.reopened, s.surveysAnswered),
    rated: s.rated,
    csat: ratio(s.satisfied, s.rated),
    qaEvaluations: s.qaEvaluations,
    qaScore: round1(ratio(s.qaScoreSum, s.qaEvaluations)),
  };
}

/** Adds up each agent's periods and the whole range; agents by name. */
export function agentReport(aggregates: readonly AgentPeriodAggregate[], by: Period, range: ReportRange): AgentReport {
  const agents = new Map<string, { name: string | null; total: AgentSums; periods: Map<string, AgentSums> }>();
  const total = zeroSums();
  for (const a of aggregates) {
    const agent = agents.get(a.agentId) ?? { name: null, total: zeroSums(), periods: new Map<string, AgentSums>() };
    if (a.name) agent.name = a.name;
    const period = agent.periods.get(a.period) ?? zeroSums();
    addInto(period, a);
    addInto(agent.total, a);
    addInto(total, a);
    agent.periods.set(a.period, period);
    agents.set(a.agentId, agent);
  }
  const rows = [...agents.entries()].map(([agentId, a]) => ({
    agentId,
    name: a.name ?? agentId,
    total: agentFigures(a.total),
    periods: [...a.periods.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([period, sums]) => ({ period, figures: agentFigures(sums) })),
  }));
  rows.sort((x, y) => x.name.localeCompare(y.name, 'fa') || x.agentId.localeCompare(y.agentId));
  return { kind: 'agents', by, range, agents: rows, total: agentFigures(total) };
}

export const PAUSE_REASON_HEADERS: Record<ReportedPauseReason, string> = {
  break: 'استراحت',
  lunch: 'ناهار',
  training: 'آموزش',
  meeting: 'جلسه',
  after_call_work: 'کار پس از تماس',
  missed: 'توقف پس از زنگ بی‌پاسخ',
};

export const WHOLE_RANGE_LABEL = 'کل بازه';

const percent = (n: number | null): number | null => (n === null ? null : Math.round(n * 1000) / 10);

function cells(f: AgentFigures): CsvCell[] {
  return [
    f.answered,
    f.ahtSec,
    f.meanTalkSec,
    f.meanWrapUpSec,
    f.meanHoldSec,
    f.missedRings,
    ...REPORTED_PAUSE_REASONS.map((r) => f.pauseSec[r]),
    f.pauseTotalSec,
    f.casesCreated,
    f.surveysAnswered,
    percent(f.reopenedShare),
    percent(f.csat),
    f.qaEvaluations,
    f.qaScore,
  ];
}

/** One line per agent and period, then the agent's whole range, for the CSV. */
export function agentTable(report: AgentReport): Table {
  const header = [
    'شناسه کارشناس',
    'کارشناس',
    'دوره',
    'تماس‌های پاسخ داده',
    'میانگین زمان رسیدگی AHT (ثانیه)',
    'میانگین مکالمه (ثانیه)',
    'میانگین کار پس از تماس (ثانیه)',
    'میانگین انتظار روی خط (ثانیه)',
    'زنگ‌های بی‌پاسخ',
    ...REPORTED_PAUSE_REASONS.map((r) => `توقف: ${PAUSE_REASON_HEADERS[r]} (ثانیه)`),
    'کل توقف (ثانیه)',
    'پرونده‌های ثبت شده',
    'نظرسنجی‌های پاسخ داده',
    'بازگشایی با نظرسنجی (٪)',
    'رضایت CSAT (٪)',
    'ارزیابی‌های کیفیت',
    'نمره کیفیت',
  ];
  const rows: CsvCell[][] = [];
  for (const a of report.agents) {
    for (const p of a.periods) rows.push([a.agentId, a.name, p.period, ...cells(p.figures)]);
    rows.push([a.agentId, a.name, WHOLE_RANGE_LABEL, ...cells(a.total)]);
  }
  return { header, rows };
}
