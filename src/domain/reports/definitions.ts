/**
 * The report tables: what each grouping lists, the figures of each row, and the same
 * table as CSV columns with Persian headers. Storage hands in raw sums per group; the
 * ratios come from the same `figures()` the live wallboard uses, so a day in the report
 * and that day on the wallboard can never disagree about what service level means.
 */
import { CATEGORIES, COMPLAINT_CATEGORY, DISTRICT_COUNT, QUEUES, CASE_CATEGORIES, CATEGORY_IDS } from '../cases/case.js';
import type { CaseCategory, QueueName } from '../cases/case.js';
import { jalaliOf } from '../calendar/jalali.js';
import { DEFAULT_WRAP_UP_SEC, ZERO_TALLY, type StatsConfig, type Tally } from '../queues/live-stats.js';
import { figures } from '../queues/snapshot.js';
import type { CsvCell } from './csv.js';
import { daysOf, formatJalaliDate, type ReportRange } from './date-range.js';

export const REPORT_KINDS = ['calls', 'cases'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const GROUPINGS = ['day', 'hour', 'queue', 'district', 'category'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/**
 * Raw sums for the calls of one group that waited in one queue. The queue is kept apart
 * because a call without a recorded wrap-up is charged its queue's configured wrap-up,
 * as the live statistics do.
 * `key`: day → Tehran date 'YYYY-MM-DD' (Gregorian, as the database gives it); hour →
 * '0'..'23' (Tehran); queue, category → the id; district → '1'..'22'; null = not recorded.
 */
export interface CallAggregate extends Tally {
  key: string | null;
  queue: QueueName | null;
  /** Of `handled`: calls with no recorded wrap-up (their handleSec holds the talk only). */
  handledWithoutWrapUp: number;
}

/**
 * Raw sums for the cases of one group opened in the range, per category (by queue,
 * cases are listed under the queue that serves their category).
 * `resolved`: of those cases, how many reached `resolved` (by now); `resolveSec` sums
 * the seconds from registration to their first `resolved`.
 */
export interface CaseAggregate {
  key: string | null;
  category: CaseCategory | null;
  opened: number;
  resolved: number;
  overdue: number;
  resolveSec: number;
}

export interface CallFigures {
  offered: number;
  answered: number;
  abandoned: number;
  /** Abandoned after the threshold: these count against the service level. */
  abandonedLate: number;
  answeredInTime: number;
  /** Answered within the threshold ÷ (answered + abandoned late); null without either. */
  serviceLevel: number | null;
  /** Mean seconds answered calls waited. */
  asaSec: number | null;
  abandonmentRate: number | null;
  /** Mean talk + wrap-up seconds of completed calls. */
  ahtSec: number | null;
}

export interface CaseFigures {
  opened: number;
  resolved: number;
  overdue: number;
  /** Mean hours from registration to the first `resolved`, over the resolved ones. */
  meanTimeToResolveHours: number | null;
  // Citizen satisfaction is its own report (satisfaction.ts): it is judged by when the
  // survey ended, not when the case was opened.
}

export interface Row<F> {
  /** Stable key: day → Jalali YYYY-MM-DD, hour → '0'..'23', ids, district number; null = not recorded. */
  key: string | null;
  /** What people read (Persian). */
  label: string;
  figures: F;
}

export interface Report<F> {
  kind: ReportKind;
  by: Grouping;
  range: ReportRange;
  rows: Row<F>[];
  total: F;
}

export type CallReport = Report<CallFigures> & { kind: 'calls'; thresholds: { answerWithinSec: number; abandonAfterSec: number } };
export type CaseReport = Report<CaseFigures> & { kind: 'cases' };

const QUEUE_LABELS: Record<QueueName, string> = {
  general: 'عمومی (کارشناس)',
  complaints: 'شکایات',
  ...(Object.fromEntries(CATEGORIES.map((c) => [c.id, c.fa])) as Record<(typeof CATEGORY_IDS)[number], string>),
};

const CATEGORY_LABELS: Record<CaseCategory, string> = {
  ...(Object.fromEntries(CATEGORIES.map((c) => [c.id, c.fa])) as Record<(typeof CATEGORY_IDS)[number], string>),
  [COMPLAINT_CATEGORY]: 'شکایت از کارکنان',
};

export const UNKNOWN_LABEL = 'نامشخص';

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
export function persianDigits(text: string | number): string {
  return String(text).replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)]!);
}

export function label(by: Grouping, key: string | null): string {
  if (key === null) return UNKNOWN_LABEL;
  switch (by) {
    case 'day':
      return persianDigits(key.replace(/-/g, '/'));
    case 'hour': {
      const h = Number(key);
      return persianDigits(`${String(h).padStart(2, '0')}:۰۰–${String((h + 1) % 24).padStart(2, '0')}:۰۰`);
    }
    case 'queue':
      return QUEUE_LABELS[key as QueueName] ?? key;
    case 'district':
      return `منطقه ${persianDigits(key)}`;
    case 'category':
      return CATEGORY_LABELS[key as CaseCategory] ?? key;
  }
}

/** Every key a grouping lists, even with nothing in it: a quiet hour is a finding too. */
export function keysOf(by: Grouping, range: ReportRange): string[] {
  switch (by) {
    case 'day':
      return daysOf(range);
    case 'hour':
      return Array.from({ length: 24 }, (_, h) => String(h));
    case 'queue':
      return [...QUEUES];
    case 'district':
      return Array.from({ length: DISTRICT_COUNT }, (_, i) => String(i + 1));
    case 'category':
      return [...CASE_CATEGORIES];
  }
}

/** The storage key of a day ('YYYY-MM-DD' Gregorian, Tehran) as the report's Jalali key. */
function reportKey(by: Grouping, key: string | null): string | null {
  if (key === null || by !== 'day') return key;
  const [year, month, day] = key.split('-').map(Number) as [number, number, number];
  return formatJalaliDate(jalaliOf({ year, month, day }));
}

/** Each category has its own queue, staff complaints go to `complaints`, the rest to the operators. */
export function queueOfCategory(category: CaseCategory | null): QueueName {
  if (category === COMPLAINT_CATEGORY) return 'complaints';
  return CATEGORY_IDS.find((id) => id === category) ?? 'general';
}

function addTally(a: Tally, b: Tally): Tally {
  const out = { ...a };
  for (const k of Object.keys(ZERO_TALLY) as (keyof Tally)[]) out[k] += b[k];
  return out;
}

function fill<A, F>(
  by: Grouping,
  range: ReportRange,
  groups: Map<string | null, A>,
  zero: A,
  toFigures: (a: A) => F,
): Row<F>[] {
  const keys: (string | null)[] = keysOf(by, range);
  // Keys the database holds outside the known set (null, a retired queue) still show.
  for (const k of groups.keys()) if (!keys.includes(k)) keys.push(k);
  return keys.map((key) => ({ key, label: label(by, key), figures: toFigures(groups.get(key) ?? zero) }));
}

function callFigures(t: Tally): CallFigures {
  const f = figures(t);
  return {
    offered: f.offered,
    answered: f.answered,
    abandoned: f.abandoned,
    abandonedLate: f.abandonedLate,
    answeredInTime: t.answeredInTime,
    serviceLevel: f.serviceLevel,
    asaSec: f.asaSec,
    abandonmentRate: f.abandonmentRate,
    ahtSec: f.ahtSec,
  };
}

export function callReport(
  aggregates: readonly CallAggregate[],
  by: Grouping,
  range: ReportRange,
  config: Pick<StatsConfig, 'answerWithinSec' | 'abandonAfterSec' | 'wrapUpSec'>,
): CallReport {
  const groups = new Map<string | null, Tally>();
  let total = ZERO_TALLY;
  for (const a of aggregates) {
    const wrap = a.queue ? (config.wrapUpSec[a.queue] ?? DEFAULT_WRAP_UP_SEC) : DEFAULT_WRAP_UP_SEC;
    const t: Tally = {
      offered: a.offered,
      answered: a.answered,
      answeredInTime: a.answeredInTime,
      abandoned: a.abandoned,
      abandonedLate: a.abandonedLate,
      holdSecAnswered: a.holdSecAnswered,
      handled: a.handled,
      handleSec: a.handleSec + a.handledWithoutWrapUp * wrap,
    };
    const key = reportKey(by, a.key);
    groups.set(key, addTally(groups.get(key) ?? ZERO_TALLY, t));
    total = addTally(total, t);
  }
  return {
    kind: 'calls',
    by,
    range,
    thresholds: { answerWithinSec: config.answerWithinSec, abandonAfterSec: config.abandonAfterSec },
    rows: fill(by, range, groups, ZERO_TALLY, callFigures),
    total: callFigures(total),
  };
}

type CaseSums = Omit<CaseAggregate, 'key' | 'category'>;
const ZERO_CASES: CaseSums = { opened: 0, resolved: 0, overdue: 0, resolveSec: 0 };

function addCases(a: CaseSums, b: CaseSums): CaseSums {
  return {
    opened: a.opened + b.opened,
    resolved: a.resolved + b.resolved,
    overdue: a.overdue + b.overdue,
    resolveSec: a.resolveSec + b.resolveSec,
  };
}

function caseFigures(s: CaseSums): CaseFigures {
  return {
    opened: s.opened,
    resolved: s.resolved,
    overdue: s.overdue,
    meanTimeToResolveHours: s.resolved > 0 ? s.resolveSec / s.resolved / 3600 : null,
  };
}

/** For `by: 'queue'` the aggregates come keyed by category and are regrouped here. */
export function caseReport(aggregates: readonly CaseAggregate[], by: Grouping, range: ReportRange): CaseReport {
  const groups = new Map<string | null, CaseSums>();
  let total = ZERO_CASES;
  for (const a of aggregates) {
    const key = by === 'queue' ? queueOfCategory(a.category) : reportKey(by, a.key);
    groups.set(key, addCases(groups.get(key) ?? ZERO_CASES, a));
    total = addCases(total, a);
  }
  return { kind: 'cases', by, range, rows: fill(by, range, groups, ZERO_CASES, caseFigures), total: caseFigures(total) };
}

// ─── the same tables as CSV ─────────────────────────────────────────────────────────

const GROUP_HEADERS: Record<Grouping, string> = {
  day: 'روز',
  hour: 'ساعت',
  queue: 'صف',
  district: 'منطقه',
  category: 'موضوع',
};

const TOTAL_LABEL = 'جمع کل';

const round = (n: number | null, digits: number): number | null =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;
const percent = (n: number | null): number | null => (n === null ? null : round(n * 100, 1));

export interface Table {
  header: string[];
  rows: CsvCell[][];
}

export function callTable(report: CallReport): Table {
  const { answerWithinSec, abandonAfterSec } = report.thresholds;
  const header = [
    'کلید',
    GROUP_HEADERS[report.by],
    'تماس‌های ورودی به صف',
    'پاسخ داده شده',
    `پاسخ در ${answerWithinSec} ثانیه`,
    'رهاشده',
    `رهاشده پس از ${abandonAfterSec} ثانیه`,
    'سطح خدمت (٪)',
    'میانگین زمان انتظار تا پاسخ (ثانیه)',
    'نرخ رهاشدگی (٪)',
    'میانگین زمان رسیدگی (ثانیه)',
  ];
  const cells = (key: string | null, text: string, f: CallFigures): CsvCell[] => [
    key,
    text,
    f.offered,
    f.answered,
    f.answeredInTime,
    f.abandoned,
    f.abandonedLate,
    percent(f.serviceLevel),
    round(f.asaSec, 1),
    percent(f.abandonmentRate),
    round(f.ahtSec, 1),
  ];
  return {
    header,
    rows: [...report.rows.map((r) => cells(r.key, r.label, r.figures)), cells(null, TOTAL_LABEL, report.total)],
  };
}

export function caseTable(report: CaseReport): Table {
  const header = [
    'کلید',
    GROUP_HEADERS[report.by],
    'پرونده‌های ثبت شده',
    'حل شده',
    'معوق',
    'میانگین زمان حل (ساعت)',
  ];
  const cells = (key: string | null, text: string, f: CaseFigures): CsvCell[] => [
    key,
    text,
    f.opened,
    f.resolved,
    f.overdue,
    round(f.meanTimeToResolveHours, 1),
  ];
  return {
    header,
    rows: [...report.rows.map((r) => cells(r.key, r.label, r.figures)), cells(null, TOTAL_LABEL, report.total)],
  };
}

/** hotline-calls-by-day-1405-01-01_1405-12-29.csv */
export function csvFileName(report: { kind: string; by: string; range: ReportRange }): string {
  return `hotline-${report.kind}-by-${report.by}-${report.range.fromDate}_${report.range.toDate}.csv`;
}
