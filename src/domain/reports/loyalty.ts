/**
 * Knowing the citizen: repeat contacts, first-contact resolution, contacts per citizen,
 * returning citizens and satisfaction by segment, per district, category or segment over
 * a Jalali period. A citizen is a normalised phone number (domain/phone.ts).
 *
 * - A **contact** is an inbound call from a citizen's number, or a case with a citizen's
 *   number that no call opened (web form, SMS, Open311, taken by hand). Its **topic** is
 *   the category (chosen in the IVR for a call, the case's for the others); its district
 *   likewise.
 * - A contact is a **repeat** when the same citizen had a contact on the same topic in
 *   the 7 days (REPEAT_WINDOW_MS) before it; contacts without a topic are never repeats
 *   and stay out of the rate. Repeat contact rate = repeats ÷ contacts with a topic.
 * - A contact with a topic that is not a repeat opens an issue (a **first contact**). It
 *   is **resolved at first contact** when no contact of the same citizen on the same topic
 *   follows within 7 days. First-contact resolution (FCR) = resolved first contacts ÷
 *   first contacts.
 * - Contacts per citizen = contacts ÷ distinct citizens with a contact in the period.
 * - A citizen is **returning** when they had a contact before the period started;
 *   returning share = returning citizens ÷ citizens.
 * - Segments (one per citizen, first that applies): **dissatisfied** (their latest
 *   answered survey before the period rated 1–2 or said "not solved"), **frequent**
 *   (FREQUENT_FROM or more contacts in the period), **returning**, **new**.
 *   Satisfaction by segment: CSAT (ratings 4–5 ÷ ratings) of the surveys answered in the
 *   period by citizens who contacted us in the period, by their segment.
 *
 * The database hands in sums per group (and the total, since one citizen may count in
 * several districts); `loyaltyAggregates` computes the same sums from raw rows, the
 * reference the SQL is tested against.
 */
import { CASE_CATEGORIES, DISTRICT_COUNT, type CaseCategory } from '../cases/case.js';
import type { CsvCell } from './csv.js';
import type { ReportRange } from './date-range.js';
import { label as groupLabel, UNKNOWN_LABEL, type Row, type Table } from './definitions.js';
import { SATISFIED_FROM } from './satisfaction.js';

export const REPEAT_WINDOW_MS = 7 * 86_400_000;
/** Contacts in the period from which a citizen is "frequent". */
export const FREQUENT_FROM = 3;
/** A rating at or below this makes the citizen "dissatisfied". */
export const DISSATISFIED_UP_TO = 2;

export const SEGMENTS = ['new', 'returning', 'frequent', 'dissatisfied'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const LOYALTY_GROUPINGS = ['district', 'category', 'segment'] as const;
export type LoyaltyGrouping = (typeof LOYALTY_GROUPINGS)[number];

export interface Contact {
  citizen: string;
  at: Date;
  topic: CaseCategory | null;
  district: number | null;
}

export interface AnsweredSurvey {
  citizen: string;
  endedAt: Date;
  rating: number | null;
  solved: boolean | null;
}

/** Sums for one group; `key` null = no district/category recorded. */
export interface LoyaltyAggregate {
  key: string | null;
  contacts: number;
  /** Contacts with a topic (the repeat rate's denominator). */
  topical: number;
  repeats: number;
  firstContacts: number;
  firstContactsResolved: number;
  citizens: number;
  returningCitizens: number;
  /** Surveys answered in the period with a rating (by segment only; 0 otherwise). */
  rated: number;
  satisfied: number;
}

export type LoyaltySums = Omit<LoyaltyAggregate, 'key'>;

export interface LoyaltyFigures extends LoyaltySums {
  repeatContactRate: number | null;
  firstContactResolution: number | null;
  contactsPerCitizen: number | null;
  returningShare: number | null;
  csat: number | null;
}

export interface LoyaltyReport {
  kind: 'citizens';
  by: LoyaltyGrouping;
  range: ReportRange;
  rows: Row<LoyaltyFigures>[];
  total: LoyaltyFigures;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export function loyaltyFigures(s: LoyaltySums): LoyaltyFigures {
  return {
    ...s,
    repeatContactRate: ratio(s.repeats, s.topical),
    firstContactResolution: ratio(s.firstContactsResolved, s.firstContacts),
    contactsPerCitizen: ratio(s.contacts, s.citizens),
    returningShare: ratio(s.returningCitizens, s.citizens),
    csat: ratio(s.satisfied, s.rated),
  };
}

export function isDissatisfied(s: Pick<AnsweredSurvey, 'rating' | 'solved'>): boolean {
  return (s.rating !== null && s.rating <= DISSATISFIED_UP_TO) || s.solved === false;
}

export function segmentOf(citizen: { contactsInPeriod: number; contactedBefore: boolean; lastSurveyBefore: Pick<AnsweredSurvey, 'rating' | 'solved'> | null }): Segment {
  if (citizen.lastSurveyBefore && isDissatisfied(citizen.lastSurveyBefore)) return 'dissatisfied';
  if (citizen.contactsInPeriod >= FREQUENT_FROM) return 'frequent';
  return citizen.contactedBefore ? 'returning' : 'new';
}

const ZERO: LoyaltySums = { contacts: 0, topical: 0, repeats: 0, firstContacts: 0, firstContactsResolved: 0, citizens: 0, returningCitizens: 0, rated: 0, satisfied: 0 };

/**
 * The reference computation from raw rows (every contact and answered survey known, any
 * date): what the database's query must agree with. Returns the groups and the total.
 */
export function loyaltyAggregates(
  contacts: readonly Contact[],
  surveys: readonly AnsweredSurvey[],
  range: Pick<ReportRange, 'from' | 'to'>,
  by: LoyaltyGrouping,
): { groups: LoyaltyAggregate[]; total: LoyaltySums } {
  const inPeriod = (d: Date) => d >= range.from && d < range.to;
  const sorted = [...contacts].sort((a, b) => a.at.getTime() - b.at.getTime());
  const sameIssue = (a: Contact, b: Contact) => a.citizen === b.citizen && a.topic !== null && a.topic === b.topic;

  const perCitizen = new Map<string, { inPeriod: number; before: boolean }>();
  for (const c of sorted) {
    const p = perCitizen.get(c.citizen) ?? { inPeriod: 0, before: false };
    if (inPeriod(c.at)) p.inPeriod += 1;
    if (c.at < range.from) p.before = true;
    perCitizen.set(c.citizen, p);
  }
  const lastSurveyBefore = new Map<string, AnsweredSurvey>();
  for (const s of [...surveys].sort((a, b) => a.endedAt.getTime() - b.endedAt.getTime())) {
    if (s.endedAt < range.from) lastSurveyBefore.set(s.citizen, s);
  }
  const segment = (citizen: string): Segment => {
    const p = perCitizen.get(citizen) ?? { inPeriod: 0, before: false };
    return segmentOf({ contactsInPeriod: p.inPeriod, contactedBefore: p.before, lastSurveyBefore: lastSurveyBefore.get(citizen) ?? null });
  };
  const keyOf = (c: Contact): string | null =>
    by === 'district' ? (c.district === null ? null : String(c.district)) : by === 'category' ? c.topic : segment(c.citizen);

  const groups = new Map<string | null, LoyaltySums & { seen: Set<string> }>();
  const total = { ...ZERO, seen: new Set<string>() };
  const bump = (g: LoyaltySums & { seen: Set<string> }, c: Contact, f: { repeat: boolean; first: boolean; resolved: boolean }) => {
    g.contacts += 1;
    if (c.topic !== null) g.topical += 1;
    if (f.repeat) g.repeats += 1;
    if (f.first) g.firstContacts += 1;
    if (f.resolved) g.firstContactsResolved += 1;
    if (!g.seen.has(c.citizen)) {
      g.seen.add(c.citizen);
      g.citizens += 1;
      if (perCitizen.get(c.citizen)?.before) g.returningCitizens += 1;
    }
  };
  sorted.forEach((c, i) => {
    if (!inPeriod(c.at)) return;
    const repeat = sorted.some((p, j) => j < i && sameIssue(p, c) && p.at.getTime() < c.at.getTime() && c.at.getTime() - p.at.getTime() <= REPEAT_WINDOW_MS);
    const first = c.topic !== null && !repeat;
    const followed = sorted.some((n, j) => j > i && sameIssue(n, c) && n.at.getTime() > c.at.getTime() && n.at.getTime() - c.at.getTime() <= REPEAT_WINDOW_MS);
    const flags = { repeat, first, resolved: first && !followed };
    const key = keyOf(c);
    const g = groups.get(key) ?? { ...ZERO, seen: new Set<string>() };
    bump(g, c, flags);
    groups.set(key, g);
    bump(total, c, flags);
  });
  if (by === 'segment') {
    for (const s of surveys) {
      if (!inPeriod(s.endedAt) || s.rating === null || !perCitizen.get(s.citizen)?.inPeriod) continue;
      const key = segment(s.citizen);
      const g = groups.get(key) ?? { ...ZERO, seen: new Set<string>() };
      g.rated += 1;
      total.rated += 1;
      if (s.rating >= SATISFIED_FROM) {
        g.satisfied += 1;
        total.satisfied += 1;
      }
      groups.set(key, g);
    }
  }
  const strip = ({ seen: _seen, ...sums }: LoyaltySums & { seen: Set<string> }): LoyaltySums => sums;
  return { groups: [...groups].map(([key, g]) => ({ key, ...strip(g) })), total: strip(total) };
}

export const SEGMENT_LABELS: Record<Segment, string> = {
  new: 'شهروند تازه',
  returning: 'شهروند بازگشتی',
  frequent: 'تماس مکرر',
  dissatisfied: 'ناراضی پیشین',
};

function labelOf(by: LoyaltyGrouping, key: string | null): string {
  if (key === null) return UNKNOWN_LABEL;
  return by === 'segment' ? (SEGMENT_LABELS[key as Segment] ?? key) : groupLabel(by, key);
}

function fixedKeys(by: LoyaltyGrouping): string[] {
  switch (by) {
    case 'district':
      return Array.from({ length: DISTRICT_COUNT }, (_, i) => String(i + 1));
    case 'category':
      return [...CASE_CATEGORIES];
    case 'segment':
      return [...SEGMENTS];
  }
}

export function loyaltyReport(aggregates: readonly LoyaltyAggregate[], total: LoyaltySums, by: LoyaltyGrouping, range: ReportRange): LoyaltyReport {
  const groups = new Map(aggregates.map(({ key, ...sums }) => [key, sums]));
  const keys: (string | null)[] = fixedKeys(by);
  if (groups.has(null)) keys.push(null);
  return {
    kind: 'citizens',
    by,
    range,
    rows: keys.map((key) => ({ key, label: labelOf(by, key), figures: loyaltyFigures(groups.get(key) ?? ZERO) })),
    total: loyaltyFigures(total),
  };
}

const GROUP_HEADERS: Record<LoyaltyGrouping, string> = { district: 'منطقه', category: 'موضوع', segment: 'گروه شهروندان' };
const round = (n: number | null, digits: number): number | null => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);
const percent = (n: number | null): number | null => (n === null ? null : round(n * 100, 1));

export function loyaltyTable(report: LoyaltyReport): Table {
  const header = [
    'کلید',
    GROUP_HEADERS[report.by],
    'تماس‌ها',
    'تماس‌های موضوع‌دار',
    'تماس تکراری (۷ روز)',
    'نرخ تماس تکراری (٪)',
    'نخستین تماس‌ها',
    'حل در نخستین تماس',
    'FCR (٪)',
    'شهروندان',
    'تماس به ازای هر شهروند',
    'شهروندان بازگشتی',
    'سهم بازگشتی (٪)',
    'امتیازهای ثبت شده',
    'رضایت CSAT (٪)',
  ];
  const cells = (key: string | null, text: string, f: LoyaltyFigures): CsvCell[] => [
    key,
    text,
    f.contacts,
    f.topical,
    f.repeats,
    percent(f.repeatContactRate),
    f.firstContacts,
    f.firstContactsResolved,
    percent(f.firstContactResolution),
    f.citizens,
    round(f.contactsPerCitizen, 2),
    f.returningCitizens,
    percent(f.returningShare),
    f.rated,
    percent(f.csat),
  ];
  return { header, rows: [...report.rows.map((r) => cells(r.key, r.label, r.figures)), cells(null, 'جمع کل', report.total)] };
}
