/**
 * The satisfaction report: what citizens said in the phone surveys after their case was
 * closed, per district, category, queue or agent. Storage hands in counts per group; the
 * ratios are decided here, once, so the page, the JSON and the CSV cannot disagree.
 *
 * - response rate = surveys answered ÷ surveys that ended (answered, no_answer, failed,
 *   opted_out). An opt-out is a refusal, not a response; a `cancelled` survey never
 *   reached the citizen (we failed to queue it) and is left out of both sides.
 * - CSAT = ratings of 4 or 5 ÷ ratings given.
 * - mean rating over the ratings given; solved rate = "solved: yes" ÷ solved answered.
 * - Beside them, the SMS question (src/sms/): questions sent in the period, answered,
 *   SMS response rate, accepted («۳۱»), objected («۳۳»), accept rate = accepted ÷ answered.
 */
import { CASE_CATEGORIES, DISTRICT_COUNT, QUEUES } from '../cases/case.js';
import type { CsvCell } from './csv.js';
import type { ReportRange } from './date-range.js';
import { label as groupLabel, UNKNOWN_LABEL, type Row, type Table } from './definitions.js';

export const SATISFACTION_GROUPINGS = ['district', 'category', 'queue', 'agent'] as const;
export type SatisfactionGrouping = (typeof SATISFACTION_GROUPINGS)[number];

/** Survey statuses that end a survey and count in the response rate's denominator. */
export const REPORTED_SURVEY_STATUSES = ['answered', 'no_answer', 'failed', 'opted_out'] as const;

/** A rating at or above this counts as satisfied. */
export const SATISFIED_FROM = 4;

/**
 * Counts for one group of surveys that ended in the range.
 * `key`: district '1'..'22', category or queue id, agent (user) id; null = the case has
 * none (web or SMS cases have no queue and no agent). `label`: the agent's name, when known.
 */
export interface SatisfactionAggregate {
  key: string | null;
  label?: string | null | undefined;
  /** Surveys that ended (REPORTED_SURVEY_STATUSES). */
  ended: number;
  answered: number;
  /** Answered surveys with a rating. */
  rated: number;
  /** Of those, rated 4 or 5. */
  satisfied: number;
  ratingSum: number;
  /** Answered surveys where the "was it solved" question was answered. */
  solvedAnswered: number;
  solvedYes: number;
  /** SMS satisfaction questions sent in the range (absent: none). */
  smsAsked?: number;
  /** Of those, answered by SMS; accepted and objected split them. */
  smsAnswered?: number;
  smsAccepted?: number;
  smsObjected?: number;
}

export interface SatisfactionFigures {
  ended: number;
  answered: number;
  responseRate: number | null;
  rated: number;
  satisfied: number;
  csat: number | null;
  meanRating: number | null;
  solvedAnswered: number;
  solvedYes: number;
  solvedRate: number | null;
  smsAsked: number;
  smsAnswered: number;
  smsResponseRate: number | null;
  smsAccepted: number;
  smsObjected: number;
  smsAcceptRate: number | null;
}

export interface SatisfactionReport {
  kind: 'satisfaction';
  by: SatisfactionGrouping;
  range: ReportRange;
  rows: Row<SatisfactionFigures>[];
  total: SatisfactionFigures;
}

type Sums = Required<Omit<SatisfactionAggregate, 'key' | 'label'>>;
const ZERO: Sums = { ended: 0, answered: 0, rated: 0, satisfied: 0, ratingSum: 0, solvedAnswered: 0, solvedYes: 0, smsAsked: 0, smsAnswered: 0, smsAccepted: 0, smsObjected: 0 };

function add(a: Sums, b: Omit<SatisfactionAggregate, 'key' | 'label'>): Sums {
  return {
    smsAsked: a.smsAsked + (b.smsAsked ?? 0),
    smsAnswered: a.smsAnswered + (b.smsAnswered ?? 0),
    smsAccepted: a.smsAccepted + (b.smsAccepted ?? 0),
    smsObjected: a.smsObjected + (b.smsObjected ?? 0),
    ended: a.ended + b.ended,
    answered: a.answered + b.answered,
    rated: a.rated + b.rated,
    satisfied: a.satisfied + b.satisfied,
    ratingSum: a.ratingSum + b.ratingSum,
    solvedAnswered: a.solvedAnswered + b.solvedAnswered,
    solvedYes: a.solvedYes + b.solvedYes,
  };
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export function satisfactionFigures(given: Omit<SatisfactionAggregate, 'key' | 'label'>): SatisfactionFigures {
  const s = add(ZERO, given);
  return {
    ended: s.ended,
    answered: s.answered,
    responseRate: ratio(s.answered, s.ended),
    rated: s.rated,
    satisfied: s.satisfied,
    csat: ratio(s.satisfied, s.rated),
    meanRating: ratio(s.ratingSum, s.rated),
    solvedAnswered: s.solvedAnswered,
    solvedYes: s.solvedYes,
    solvedRate: ratio(s.solvedYes, s.solvedAnswered),
    smsAsked: s.smsAsked,
    smsAnswered: s.smsAnswered,
    smsResponseRate: ratio(s.smsAnswered, s.smsAsked),
    smsAccepted: s.smsAccepted,
    smsObjected: s.smsObjected,
    smsAcceptRate: ratio(s.smsAccepted, s.smsAnswered),
  };
}

export const NO_QUEUE_LABEL = 'بدون صف (وب، پیامک، …)';
export const NO_AGENT_LABEL = 'بدون کارشناس';

function labelOf(by: SatisfactionGrouping, key: string | null, given: string | null | undefined): string {
  if (key === null) return by === 'queue' ? NO_QUEUE_LABEL : by === 'agent' ? NO_AGENT_LABEL : UNKNOWN_LABEL;
  if (by === 'agent') return given ?? key;
  return groupLabel(by, key);
}

/** The groups listed even when empty; agents are many and come and go, so only those with surveys. */
function fixedKeys(by: SatisfactionGrouping): string[] {
  switch (by) {
    case 'district':
      return Array.from({ length: DISTRICT_COUNT }, (_, i) => String(i + 1));
    case 'category':
      return [...CASE_CATEGORIES];
    case 'queue':
      return [...QUEUES];
    case 'agent':
      return [];
  }
}

export function satisfactionReport(
  aggregates: readonly SatisfactionAggregate[],
  by: SatisfactionGrouping,
  range: ReportRange,
): SatisfactionReport {
  const groups = new Map<string | null, Sums>();
  const labels = new Map<string | null, string | null | undefined>();
  let total = ZERO;
  for (const a of aggregates) {
    const { key, label, ...sums } = a;
    groups.set(key, add(groups.get(key) ?? ZERO, sums));
    if (label) labels.set(key, label);
    total = add(total, sums);
  }
  const keys: (string | null)[] = fixedKeys(by);
  const extra = [...groups.keys()].filter((k) => !keys.includes(k));
  // Agents by name; the "none" row last, as in the other reports.
  extra.sort((a, b) => (a === null ? 1 : b === null ? -1 : labelOf(by, a, labels.get(a)).localeCompare(labelOf(by, b, labels.get(b)), 'fa')));
  keys.push(...extra);
  return {
    kind: 'satisfaction',
    by,
    range,
    rows: keys.map((key) => ({ key, label: labelOf(by, key, labels.get(key)), figures: satisfactionFigures(groups.get(key) ?? ZERO) })),
    total: satisfactionFigures(total),
  };
}

const GROUP_HEADERS: Record<SatisfactionGrouping, string> = {
  district: 'منطقه',
  category: 'موضوع',
  queue: 'صف',
  agent: 'کارشناس',
};

const round = (n: number | null, digits: number): number | null => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);
const percent = (n: number | null): number | null => (n === null ? null : round(n * 100, 1));

export function satisfactionTable(report: SatisfactionReport): Table {
  const header = [
    'کلید',
    GROUP_HEADERS[report.by],
    'نظرسنجی‌های پایان‌یافته',
    'پاسخ داده شده',
    'نرخ پاسخ (٪)',
    'امتیازهای ثبت شده',
    'امتیاز ۴ و ۵',
    'رضایت CSAT (٪)',
    'میانگین امتیاز',
    'پاسخ به حل شدن مشکل',
    'مشکل حل شده',
    'نرخ حل (٪)',
    'پرسش‌های پیامکی',
    'پاسخ پیامکی',
    'نرخ پاسخ پیامکی (٪)',
    'پذیرش پیامکی',
    'اعتراض پیامکی',
    'نرخ پذیرش پیامکی (٪)',
  ];
  const cells = (key: string | null, text: string, f: SatisfactionFigures): CsvCell[] => [
    key,
    text,
    f.ended,
    f.answered,
    percent(f.responseRate),
    f.rated,
    f.satisfied,
    percent(f.csat),
    round(f.meanRating, 2),
    f.solvedAnswered,
    f.solvedYes,
    percent(f.solvedRate),
    f.smsAsked,
    f.smsAnswered,
    percent(f.smsResponseRate),
    f.smsAccepted,
    f.smsObjected,
    percent(f.smsAcceptRate),
  ];
  return {
    header,
    rows: [...report.rows.map((r) => cells(r.key, r.label, r.figures)), cells(null, 'جمع کل', report.total)],
  };
}
