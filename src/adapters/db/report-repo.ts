/**
 * The report sums, computed by PostgreSQL over the rows of the range: one aggregate
 * query per report, grouped by the Tehran day or hour, queue, district or category.
 * Only sums and counts leave the database; the ratios are the domain's (definitions.ts).
 * The calls and cases reports read rollups kept by triggers (migration 0027_report_rollups):
 * a year is some 70,000 rollup rows instead of a million calls or cases (docs/benchmarks.md).
 * The satisfaction and per-agent reports read those of migration 0029 (per Tehran day and
 * dimension, per agent and day) instead of joining surveys, cases and calls.
 */
import { sql, type SQL } from 'drizzle-orm';
import { CASE_CATEGORIES, type CaseCategory, type QueueName } from '../../domain/cases/case.js';
import { isoDate, tehranDate, tehranOffsetSpans, type OffsetSpan } from '../../domain/calendar/tehran-time.js';
import type { ReportRange } from '../../domain/reports/date-range.js';
import type { CallAggregate, CaseAggregate, Grouping } from '../../domain/reports/definitions.js';
import type { CallThresholds, ReportRepo } from '../../domain/reports/ports.js';
import {
  REPORTED_SURVEY_STATUSES,
  SATISFIED_FROM,
  type SatisfactionAggregate,
  type SatisfactionGrouping,
} from '../../domain/reports/satisfaction.js';
import {
  DISSATISFIED_UP_TO,
  FREQUENT_FROM,
  type LoyaltyAggregate,
  type LoyaltyGrouping,
  type LoyaltySums,
} from '../../domain/reports/loyalty.js';
import { FINISHED_STATUSES, UNCATEGORISED_SLA_HOURS, type SlaHours } from '../../domain/reports/sla.js';
import { REPORTED_PAUSE_REASONS, type AgentPeriodAggregate, type DayPeriod, type ReportedPauseReason } from '../../domain/reports/agents.js';
import type { Db } from './database.js';

const iso = (d: Date) => d.toISOString();

/**
 * Tehran's offset in seconds for each row's instant: a constant over a year since 2022,
 * a CASE on the instants where the clocks changed for older ranges. The values are ours
 * (numbers and ISO instants computed here), inlined so the expression is plain text.
 */
function tehranOffsetOf(at: SQL, spans: readonly OffsetSpan[]): SQL {
  const last = spans[spans.length - 1];
  if (!last) return sql.raw('0');
  if (spans.length === 1) return sql.raw(String(last.offsetSec));
  const whens = spans.slice(0, -1).map((s) => sql`when ${at} < ${sql.raw(`'${iso(s.to)}'`)}::timestamptz then ${sql.raw(String(s.offsetSec))}`);
  return sql`(case ${sql.join(whens, sql` `)} else ${sql.raw(String(last.offsetSec))} end)`;
}

/**
 * The group key, computed per row (inner query) and turned to text once per group (outer).
 * A Tehran day or hour is plain arithmetic on the epoch plus the offset of its span, not
 * `at time zone 'Asia/Tehran'` per row: over a million rows the zone lookup was most of
 * the report's time (docs/benchmarks.md). The day is the number of days since 1970-01-01.
 */
function keyOf(by: Grouping, at: SQL, range: ReportRange, columns: { queue: SQL; district: SQL; category: SQL }): { inner: SQL; outer: SQL } {
  const local = () => sql`(date_part('epoch', ${at}) + ${tehranOffsetOf(at, tehranOffsetSpans(range.from, range.to))})`;
  switch (by) {
    case 'day':
      return { inner: sql`floor(${local()} / 86400)::int`, outer: sql`to_char(date '1970-01-01' + g.key, 'YYYY-MM-DD')` };
    case 'hour':
      return { inner: sql`(floor(${local()} / 3600)::bigint % 24)::int`, outer: sql`g.key::text` };
    case 'queue':
      return { inner: columns.queue, outer: sql`g.key::text` };
    case 'district':
      return { inner: columns.district, outer: sql`g.key::text` };
    case 'category':
      return { inner: columns.category, outer: sql`g.key::text` };
  }
}

const num = (v: unknown): number => Number(v ?? 0);

type Rows = Record<string, unknown>[];

const CITIZEN_REPORT_WORK_MEM = '256MB';
const AGENT_REPORT_WORK_MEM = '64MB';
/**
 * One report query, with JIT compilation off: a year of rows pushes the plan's cost past
 * `jit_above_cost`, and compiling the expressions took about 90 ms a query on the bench
 * machine for a plain scan-and-sum that gains nothing from it (docs/benchmarks.md).
 * `set local` lasts for this transaction only (PGlite has no JIT and accepts it).
 * `workMem` (a constant of ours): for the citizen report's sorts by number, which spill
 * to disk at the default 4 MB.
 */
async function rowsOf(db: Db, query: SQL, opts: { workMem?: string } = {}): Promise<Rows> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    if (opts.workMem) await tx.execute(sql.raw(`set local work_mem = '${opts.workMem}'`));
    const result = (await tx.execute(query)) as unknown as { rows?: Rows } | Rows;
    return Array.isArray(result) ? result : (result.rows ?? []);
  });
}

const callFigureColumns = [
  'offered',
  'answered',
  'answered_in_time',
  'abandoned',
  'abandoned_late',
  'hold_sec_answered',
  'handled',
  'handle_sec',
  'handled_without_wrap_up',
] as const;

function callAggregateOf(r: Rows[number]): CallAggregate {
  return {
    key: r.key === null ? null : String(r.key),
    queue: (r.queue ?? null) as QueueName | null,
    offered: num(r.offered),
    answered: num(r.answered),
    answeredInTime: num(r.answered_in_time),
    abandoned: num(r.abandoned),
    abandonedLate: num(r.abandoned_late),
    holdSecAnswered: num(r.hold_sec_answered),
    handled: num(r.handled),
    handleSec: num(r.handle_sec),
    handledWithoutWrapUp: num(r.handled_without_wrap_up),
  };
}

function caseAggregateOf(r: Rows[number]): CaseAggregate {
  return {
    key: r.key === null ? null : String(r.key),
    category: (r.category ?? null) as CaseCategory | null,
    opened: num(r.opened),
    resolved: num(r.resolved),
    overdue: num(r.overdue),
    resolveSec: num(r.resolve_sec),
  };
}

/** Our constants, inlined as literals so that PostgreSQL can match the partial index on them. */
const finishedStatuses = sql.raw(FINISHED_STATUSES.map((s) => `'${s}'`).join(', '));

/** A case registered before `dueBefore(category)` with no due time of its own is overdue at `now`. */
function dueBeforeOf(now: Date, sla: SlaHours): SQL {
  const cutoff = (hours: number) => sql`${iso(new Date(now.getTime() - hours * 3_600_000))}::timestamptz`;
  return sql`case c.category ${sql.join(
    CASE_CATEGORIES.map((cat) => sql`when ${cat} then ${cutoff(sla[cat])}`),
    sql` `,
  )} else ${cutoff(UNCATEGORISED_SLA_HOURS)} end`;
}

/** The Tehran day a Tehran midnight starts, as the rollups' `day` ('YYYY-MM-DD'). */
const dayOf = (midnight: Date) => sql`${isoDate(tehranDate(midnight))}::date`;

/**
 * The thresholds the calls rollups were summed with (migration 0027_report_rollups, the
 * live statistics' defaults). A report asked with others is summed from the rows.
 */
export const ROLLUP_CALL_THRESHOLDS: CallThresholds = { answerWithinSec: 20, abandonAfterSec: 5 };

/** The per-agent report's figures, as report_agent_daily's columns (migration 0029) and the row query's. */
export const AGENT_COLUMNS = [
  'answered',
  'handled',
  'talk_sec',
  'wrap_up_sec',
  'holds',
  'hold_sec',
  'missed_rings',
  ...REPORTED_PAUSE_REASONS.map((r) => `pause_${r}`),
  'cases_created',
  'surveys_answered',
  'reopened',
  'rated',
  'satisfied',
  'qa_evaluations',
  'qa_score_sum',
];

/** An agent-day of the day-by-day query: its figures in AGENT_COLUMNS' order, as a row of the others. */
function agentDayRow(agentId: unknown, name: unknown, period: string, f: readonly unknown[]): Rows[number] {
  return {
    agent_id: agentId,
    name,
    period,
    answered: f[0],
    handled: f[1],
    talk_sec: f[2],
    wrap_up_sec: f[3],
    holds: f[4],
    hold_sec: f[5],
    missed_rings: f[6],
    pause_break: f[7],
    pause_lunch: f[8],
    pause_training: f[9],
    pause_meeting: f[10],
    pause_after_call_work: f[11],
    pause_missed: f[12],
    cases_created: f[13],
    surveys_answered: f[14],
    reopened: f[15],
    rated: f[16],
    satisfied: f[17],
    qa_evaluations: f[18],
    qa_score_sum: f[19],
  };
}

function agentAggregateOf(r: Rows[number]): AgentPeriodAggregate {
  return {
    agentId: String(r.agent_id),
    name: (r.name as string | null) ?? null,
    period: String(r.period),
    answered: num(r.answered),
    handled: num(r.handled),
    talkSec: num(r.talk_sec),
    wrapUpSec: num(r.wrap_up_sec),
    holds: num(r.holds),
    holdSec: num(r.hold_sec),
    missedRings: num(r.missed_rings),
    // A literal (one object per agent-period, up to 44,000 a year by day), typed to hold every reported reason.
    pauseSec: {
      break: num(r.pause_break),
      lunch: num(r.pause_lunch),
      training: num(r.pause_training),
      meeting: num(r.pause_meeting),
      after_call_work: num(r.pause_after_call_work),
      missed: num(r.pause_missed),
    } satisfies Record<ReportedPauseReason, number>,
    casesCreated: num(r.cases_created),
    surveysAnswered: num(r.surveys_answered),
    reopened: num(r.reopened),
    rated: num(r.rated),
    satisfied: num(r.satisfied),
    qaEvaluations: num(r.qa_evaluations),
    qaScoreSum: num(r.qa_score_sum),
  };
}

/** The SMS question beside the calls: questions sent in the period, by the report's key (read from the rows: a few per case). */
async function satisfactionSmsRows(db: Db, range: ReportRange, by: SatisfactionGrouping): Promise<Rows> {
  const key = { district: sql`c.district`, category: sql`c.category`, queue: sql`k.queue`, agent: sql`k.agent_id` }[by];
  const needsCall = by === 'queue' || by === 'agent';
  return rowsOf(
    db,
    sql`
      select ${key}::text as key,
             count(*) as asked,
             count(m.reply_verdict) as answered,
             count(*) filter (where m.reply_verdict = 'accept') as accepted,
             count(*) filter (where m.reply_verdict = 'object') as objected
      from sms_messages m
      join cases c on c.id = m.case_id
      ${needsCall ? sql`left join calls k on k.id = c.call_id` : sql``}
      where m.kind = 'satisfaction'
        and m.status in ('sent', 'delivered', 'undelivered')
        and m.sent_at >= ${iso(range.from)}::timestamptz
        and m.sent_at < ${iso(range.to)}::timestamptz
      group by 1`,
  );
}

/** The surveys' sums by key with the SMS figures of the same key, and the keys that only had SMS questions. */
function withSms(rows: Rows, smsRows: Rows): SatisfactionAggregate[] {
  const keyOf = (r: Rows[number]) => (r.key === null || r.key === undefined ? null : String(r.key));
  const sms = new Map(smsRows.map((r) => [keyOf(r), r]));
  const callKeys = new Set(rows.map(keyOf));
  const smsFigures = (k: string | null) => {
    const r = sms.get(k);
    return { smsAsked: num(r?.asked), smsAnswered: num(r?.answered), smsAccepted: num(r?.accepted), smsObjected: num(r?.objected) };
  };
  const noCalls = { ended: 0, answered: 0, rated: 0, satisfied: 0, ratingSum: 0, solvedAnswered: 0, solvedYes: 0 };
  const smsOnly = [...sms.keys()].filter((k) => !callKeys.has(k)).map((k) => ({ key: k, label: null, ...noCalls, ...smsFigures(k) }));
  return rows.map((r) => ({
    ...smsFigures(keyOf(r)),
    key: r.key === null ? null : String(r.key),
    label: r.label === null || r.label === undefined ? null : String(r.label),
    ended: num(r.ended),
    answered: num(r.answered),
    rated: num(r.rated),
    satisfied: num(r.satisfied),
    ratingSum: num(r.rating_sum),
    solvedAnswered: num(r.solved_answered),
    solvedYes: num(r.solved_yes),
  })).concat(smsOnly);
}

/**
 * The calls, cases, satisfaction and per-agent reports summed from the rows themselves: a
 * scan of every row of the range. The rollups of migrations 0027 and 0029 give the same sums
 * from a few thousand rows; these stay for thresholds the rollups were not summed with and
 * as the reference the rollups are tested against (test/integration/report-rollups.test.ts,
 * test/integration/agent-satisfaction-rollups.test.ts).
 */
export function createRowReports(db: Db): Pick<ReportRepo, 'callAggregates' | 'caseAggregates' | 'satisfactionAggregates' | 'agentAggregates'> {
  return {
    async callAggregates(range: ReportRange, by: Grouping, t: CallThresholds): Promise<CallAggregate[]> {
      const key = keyOf(by, sql`c.started_at`, range, { queue: sql`c.queue`, district: sql`c.district`, category: sql`c.category` });
      const rows = await rowsOf(
        db,
        sql`
          select ${key.outer} as key, g.queue,
                 g.offered, g.answered, g.answered_in_time, g.abandoned, g.abandoned_late,
                 g.hold_sec_answered, g.handled, g.handle_sec, g.handled_without_wrap_up
          from (
            select ${key.inner} as key, c.queue,
                   count(*) as offered,
                   count(*) filter (where c.queue_result = 'answered') as answered,
                   count(*) filter (where c.queue_result = 'answered' and c.wait_seconds <= ${t.answerWithinSec}::int) as answered_in_time,
                   count(*) filter (where c.queue_result = 'abandoned') as abandoned,
                   count(*) filter (where c.queue_result = 'abandoned' and c.wait_seconds > ${t.abandonAfterSec}::int) as abandoned_late,
                   coalesce(sum(c.wait_seconds) filter (where c.queue_result = 'answered'), 0) as hold_sec_answered,
                   count(*) filter (where c.talk_seconds is not null) as handled,
                   coalesce(sum(c.talk_seconds + coalesce(c.wrap_up_seconds, 0)) filter (where c.talk_seconds is not null), 0) as handle_sec,
                   count(*) filter (where c.talk_seconds is not null and c.wrap_up_seconds is null) as handled_without_wrap_up
            from calls c
            where c.queue_joined_at is not null
              and c.started_at >= ${iso(range.from)}::timestamptz
              and c.started_at < ${iso(range.to)}::timestamptz
            group by 1, 2
          ) g
          order by 1, 2`,
      );
      return rows.map(callAggregateOf);
    },

    async caseAggregates(range: ReportRange, by: Grouping, now: Date, sla: SlaHours): Promise<CaseAggregate[]> {
      // By queue, cases are grouped by category; the domain maps each category to its queue.
      const key = keyOf(by === 'queue' ? 'category' : by, sql`c.created_at`, range, {
        queue: sql`c.category`,
        district: sql`c.district`,
        category: sql`c.category`,
      });
      const rows = await rowsOf(
        db,
        sql`
          select ${key.outer} as key, g.category, g.opened, g.resolved, g.overdue, g.resolve_sec
          from (
            select ${key.inner} as key, c.category,
                   count(*) as opened,
                   count(c.resolved_at) as resolved,
                   -- A case's own due time (its SLA on the SLA clock) decides, as on the case
                   -- screens; only cases older than stored due times fall back to the table.
                   count(*) filter (where c.status not in (${finishedStatuses}) and coalesce(c.due_at < ${iso(now)}::timestamptz, c.created_at < ${dueBeforeOf(now, sla)})) as overdue,
                   coalesce(sum(extract(epoch from c.resolved_at - c.created_at)), 0) as resolve_sec
            from cases c
            where c.created_at >= ${iso(range.from)}::timestamptz
              and c.created_at < ${iso(range.to)}::timestamptz
            group by 1, 2
          ) g
          order by 1, 2`,
      );
      return rows.map(caseAggregateOf);
    },

    async satisfactionAggregates(range: ReportRange, by: SatisfactionGrouping): Promise<SatisfactionAggregate[]> {
      // A case's queue and agent are those of the call that opened it (cases.call_id);
      // cases from the web form or SMS have no call and land in the null row.
      const key = { district: sql`c.district`, category: sql`c.category`, queue: sql`k.queue`, agent: sql`k.agent_id` }[by];
      const needsCall = by === 'queue' || by === 'agent';
      const statuses = sql.join(
        REPORTED_SURVEY_STATUSES.map((st) => sql`${st}`),
        sql`, `,
      );
      const rows = await rowsOf(
        db,
        sql`
          select g.key::text as key, ${by === 'agent' ? sql`u.display_name` : sql`null`} as label,
                 g.ended, g.answered, g.rated, g.satisfied, g.rating_sum, g.solved_answered, g.solved_yes
          from (
            select ${key} as key,
                   count(*) as ended,
                   count(*) filter (where s.status = 'answered') as answered,
                   count(s.rating) filter (where s.status = 'answered') as rated,
                   count(*) filter (where s.status = 'answered' and s.rating >= ${SATISFIED_FROM}::int) as satisfied,
                   coalesce(sum(s.rating) filter (where s.status = 'answered'), 0) as rating_sum,
                   count(s.solved) filter (where s.status = 'answered') as solved_answered,
                   count(*) filter (where s.status = 'answered' and s.solved) as solved_yes
            from surveys s
            join cases c on c.id = s.case_id
            ${needsCall ? sql`left join calls k on k.id = c.call_id` : sql``}
            where s.ended_at >= ${iso(range.from)}::timestamptz
              and s.ended_at < ${iso(range.to)}::timestamptz
              and s.status in (${statuses})
            group by 1
          ) g
          ${by === 'agent' ? sql`left join users u on u.id = g.key` : sql``}
          order by 1`,
      );
      return withSms(rows, await satisfactionSmsRows(db, range, by));
    },

    async agentAggregates(range: ReportRange, periods: readonly DayPeriod[]): Promise<AgentPeriodAggregate[]> {
      // Each source sums its own figures (the others 0) per agent and Tehran day; the outer
      // query adds them up per agent and period, so only those rows leave the database.
      const day = (at: SQL) => keyOf('day', at, range, { queue: sql`null`, district: sql`null`, category: sql`null` }).inner;
      const within = (at: SQL) => sql`${at} >= ${iso(range.from)}::timestamptz and ${at} < ${iso(range.to)}::timestamptz`;
      const source = (agent: SQL, at: SQL, figures: Record<string, SQL>, from: SQL, where: SQL) =>
        sql`select ${agent} as agent_id, ${day(at)} as day, ${sql.join(
          AGENT_COLUMNS.map((c) => sql`${figures[c] ?? sql`0`} as ${sql.raw(c)}`),
          sql`, `,
        )} ${from} where ${within(at)} and ${where} group by 1, 2`;
      const pauses = Object.fromEntries(
        REPORTED_PAUSE_REASONS.map((r) => [`pause_${r}`, sql`coalesce(sum(a.seconds) filter (where a.kind = 'pause' and a.reason = ${r}), 0)`]),
      );
      const sources = [
        source(
          sql`k.agent_id`,
          sql`k.started_at`,
          {
            answered: sql`count(*)`,
            handled: sql`count(k.talk_seconds)`,
            talk_sec: sql`coalesce(sum(k.talk_seconds), 0)`,
            wrap_up_sec: sql`coalesce(sum(coalesce(k.wrap_up_seconds, 0)) filter (where k.talk_seconds is not null), 0)`,
          },
          sql`from calls k`,
          sql`k.agent_id is not null and k.queue_result = 'answered'`,
        ),
        source(
          sql`a.agent_id`,
          sql`a.started_at`,
          {
            holds: sql`count(*) filter (where a.kind = 'hold')`,
            hold_sec: sql`coalesce(sum(a.seconds) filter (where a.kind = 'hold'), 0)`,
            missed_rings: sql`count(*) filter (where a.kind = 'missed_ring')`,
            ...pauses,
          },
          sql`from agent_activity a`,
          sql`true`,
        ),
        // A case's agent is the agent of the call it was registered on (cases.call_id).
        source(sql`k.agent_id`, sql`c.created_at`, { cases_created: sql`count(*)` }, sql`from cases c join calls k on k.id = c.call_id`, sql`k.agent_id is not null`),
        source(
          sql`k.agent_id`,
          sql`s.ended_at`,
          {
            surveys_answered: sql`count(*)`,
            reopened: sql`count(s.flagged_at)`,
            rated: sql`count(s.rating)`,
            satisfied: sql`count(*) filter (where s.rating >= ${SATISFIED_FROM}::int)`,
          },
          sql`from surveys s join cases c on c.id = s.case_id join calls k on k.id = c.call_id`,
          sql`s.status = 'answered' and k.agent_id is not null`,
        ),
        source(
          sql`e.agent_id`,
          sql`e.call_started_at`,
          { qa_evaluations: sql`count(*)`, qa_score_sum: sql`coalesce(sum(e.score), 0)` },
          sql`from qa_evaluations e`,
          sql`e.agent_id is not null`,
        ),
      ];
      const rows = await rowsOf(
        db,
        sql`
          select g.agent_id::text as agent_id, u.display_name as name, p.period,
                 ${sql.join(
                   AGENT_COLUMNS.map((c) => sql`sum(g.${sql.raw(c)}) as ${sql.raw(c)}`),
                   sql`, `,
                 )}
          from (${sql.join(sources, sql` union all `)}) g
          join (values ${sql.join(
            periods.map((p) => sql`(${p.day}::int, ${p.period}::text)`),
            sql`, `,
          )}) as p(day, period) on p.day = g.day
          left join users u on u.id = g.agent_id
          group by g.agent_id, u.display_name, p.period`,
        // Room to hash the agent-days (a year: 120 agents × 365 days × 5 sources) instead of sorting them.
        { workMem: AGENT_REPORT_WORK_MEM },
      );
      return rows.map(agentAggregateOf);
    },
  };
}

export function createReportRepo(db: Db): ReportRepo {
  const fromRows = createRowReports(db);
  return {
    /**
     * By day or hour from the half-hour rollup (a half-hour bucket lies within one Tehran
     * hour whatever the offset), by queue, district or category from the daily one.
     */
    async callAggregates(range: ReportRange, by: Grouping, t: CallThresholds): Promise<CallAggregate[]> {
      if (t.answerWithinSec !== ROLLUP_CALL_THRESHOLDS.answerWithinSec || t.abandonAfterSec !== ROLLUP_CALL_THRESHOLDS.abandonAfterSec) {
        return fromRows.callAggregates(range, by, t);
      }
      const timed = by === 'day' || by === 'hour';
      const key = keyOf(by, sql`r.bucket`, range, { queue: sql`r.queue`, district: sql`r.district`, category: sql`r.category` });
      const source = timed
        ? sql`report_calls_half_hourly r where r.bucket >= ${iso(range.from)}::timestamptz and r.bucket < ${iso(range.to)}::timestamptz`
        : sql`report_calls_daily r where r.day >= ${dayOf(range.from)} and r.day < ${dayOf(range.to)}`;
      const sums = sql.join(
        callFigureColumns.map((c) => sql`sum(r.${sql.raw(c)}) as ${sql.raw(c)}`),
        sql`, `,
      );
      const rows = await rowsOf(
        db,
        sql`
          select ${key.outer} as key, g.queue, ${sql.raw(callFigureColumns.map((c) => `g.${c}`).join(', '))}
          from (
            select ${key.inner} as key, r.queue, ${sums}
            from ${source}
            group by 1, 2
          ) g
          -- A group whose calls all moved to another (a changed queue or district) sums to nothing.
          where g.offered > 0
          order by 1, 2`,
      );
      return rows.map(callAggregateOf);
    },

    /**
     * Opened, resolved and time to resolve from the rollups; overdue is the rollup's
     * unfinished cases minus those not yet due at `now`, which only recent cases (or
     * cases due later) can be, counted from their rows through cases_report_pending_idx.
     */
    async caseAggregates(range: ReportRange, by: Grouping, now: Date, sla: SlaHours): Promise<CaseAggregate[]> {
      const grouping = by === 'queue' ? 'category' : by;
      const timed = by === 'day' || by === 'hour';
      const columns = (t: string) => ({ queue: sql.raw(`${t}.category`), district: sql.raw(`${t}.district`), category: sql.raw(`${t}.category`) });
      const rollupKey = keyOf(grouping, sql`r.bucket`, range, columns('r'));
      const rowKey = keyOf(grouping, sql`c.created_at`, range, columns('c'));
      const rollup = timed
        ? sql`report_cases_half_hourly r where r.bucket >= ${iso(range.from)}::timestamptz and r.bucket < ${iso(range.to)}::timestamptz`
        : sql`report_cases_daily r where r.day >= ${dayOf(range.from)} and r.day < ${dayOf(range.to)}`;
      const longestSlaHours = Math.max(UNCATEGORISED_SLA_HOURS, ...CASE_CATEGORIES.map((cat) => sla[cat]));
      const rows = await rowsOf(
        db,
        sql`
          select ${rollupKey.outer} as key, g.category,
                 sum(g.opened) as opened, sum(g.resolved) as resolved,
                 sum(g.unfinished) - sum(g.pending) as overdue, sum(g.resolve_sec) as resolve_sec
          from (
            select ${rollupKey.inner} as key, r.category,
                   sum(r.opened) as opened, sum(r.resolved) as resolved, sum(r.unfinished) as unfinished,
                   sum(r.resolve_sec) as resolve_sec, 0 as pending
            from ${rollup}
            group by 1, 2
            union all
            select ${rowKey.inner}, c.category, 0, 0, 0, 0, count(*)
            from cases c
            where c.created_at >= ${iso(range.from)}::timestamptz
              and c.created_at < ${iso(range.to)}::timestamptz
              and c.status not in (${finishedStatuses})
              -- Implied by "not yet due" below, and what the index can find.
              and coalesce(c.due_at, c.created_at) >= ${iso(new Date(now.getTime() - longestSlaHours * 3_600_000))}::timestamptz
              -- Not overdue by the rule of the row query (createRowReports).
              and not coalesce(c.due_at < ${iso(now)}::timestamptz, c.created_at < ${dueBeforeOf(now, sla)})
            group by 1, 2
          ) g
          group by g.key, g.category
          -- A group whose cases all moved to another (a new category or district) sums to nothing.
          having sum(g.opened) > 0
          order by 1, 2`,
      );
      return rows.map(caseAggregateOf);
    },

    /**
     * The surveys' sums from report_satisfaction_daily (migration 0029): the period's days of
     * one dimension, some 160 rows a day instead of the surveys joined to cases and calls.
     */
    async satisfactionAggregates(range: ReportRange, by: SatisfactionGrouping): Promise<SatisfactionAggregate[]> {
      const rows = await rowsOf(
        db,
        sql`
          select g.key, ${by === 'agent' ? sql`u.display_name` : sql`null`} as label,
                 g.ended, g.answered, g.rated, g.satisfied, g.rating_sum, g.solved_answered, g.solved_yes
          from (
            select r.key, sum(r.ended) as ended, sum(r.answered) as answered, sum(r.rated) as rated,
                   sum(r.satisfied) as satisfied, sum(r.rating_sum) as rating_sum,
                   sum(r.solved_answered) as solved_answered, sum(r.solved_yes) as solved_yes
            from report_satisfaction_daily r
            where r.dimension = ${by} and r.day >= ${dayOf(range.from)} and r.day < ${dayOf(range.to)}
            group by r.key
          ) g
          ${by === 'agent' ? sql`left join users u on u.id = g.key::uuid` : sql``}
          -- A key whose surveys all moved to another (a changed district, a call given to another agent) sums to nothing.
          where g.ended > 0
          order by 1`,
      );
      return withSms(rows, await satisfactionSmsRows(db, range, by));
    },

    async loyaltyAggregates(range: ReportRange, by: LoyaltyGrouping): Promise<{ groups: LoyaltyAggregate[]; total: LoyaltySums }> {
      // The period's contacts from citizen_contacts, whose flags were set when each was
      // written (migration 0028): only sums and the distinct citizens per group are left.
      const from = sql`${iso(range.from)}::timestamptz`;
      const to = sql`${iso(range.to)}::timestamptz`;
      const contact = sql`
        contact as (
          select citizen, topic, district, repeat, followed, citizen_since < ${from} as before
          from citizen_contacts
          where at >= ${from} and at < ${to}
        )`;
      const flagSums = sql`
        count(*) filter (where repeat) as repeats,
        count(*) filter (where topic is not null and not repeat) as first_contacts,
        count(*) filter (where topic is not null and not repeat and not followed) as first_resolved`;
      const rows = await rowsOf(
        db,
        by === 'segment'
          ? // A citizen is in one segment, so the segment's sums are those of its citizens:
            // summed per citizen first, no distinct count is left. The segment needs whether
            // their latest answered survey before the period was dissatisfied: one hash
            // aggregate over those surveys (the instant in microseconds, doubled, plus 1 when
            // dissatisfied: the max is the latest survey, its parity that survey's verdict)
            // instead of a probe per citizen.
            sql`
              with ${contact},
              citizen as (
                select citizen, count(*) as contacts, count(topic) as topical, ${flagSums}, bool_or(before) as before
                from contact
                group by citizen
              ),
              last_survey as (
                select s.phone,
                       max((extract(epoch from s.ended_at) * 1000000)::bigint * 2
                           + coalesce(s.rating <= ${DISSATISFIED_UP_TO}::int or s.solved = false, false)::int) % 2 = 1 as dissatisfied
                from surveys s
                where s.status = 'answered' and s.ended_at < ${from}
                group by s.phone
              ),
              segmented as (
                select ci.*,
                       case when ls.dissatisfied then 'dissatisfied'
                            when ci.contacts >= ${FREQUENT_FROM}::int then 'frequent'
                            when ci.before then 'returning'
                            else 'new' end as segment
                from citizen ci
                left join last_survey ls on ls.phone = ci.citizen
              )
              select 'contact' as part, grouping(segment) as is_total, segment as key,
                     sum(contacts) as contacts, sum(topical) as topical, sum(repeats) as repeats,
                     sum(first_contacts) as first_contacts, sum(first_resolved) as first_resolved,
                     count(*) as citizens, count(*) filter (where before) as returning_citizens,
                     0 as rated, 0 as satisfied
              from segmented
              group by grouping sets ((segment), ())
              union all
              select 'survey', grouping(sg.segment), sg.segment, 0, 0, 0, 0, 0, 0, 0,
                     count(*),
                     count(*) filter (where s.rating >= ${SATISFIED_FROM}::int)
              from surveys s
              join segmented sg on sg.citizen = s.phone
              where s.status = 'answered' and s.rating is not null and s.ended_at >= ${from} and s.ended_at < ${to}
              group by grouping sets ((sg.segment), ())`
          : sql`
              with ${contact}
              select 'contact' as part, grouping(${sql.raw(by === 'district' ? 'district' : 'topic')}) as is_total,
                     ${sql.raw(by === 'district' ? 'district::text' : 'topic')} as key,
                     count(*) as contacts, count(topic) as topical, ${flagSums},
                     count(distinct citizen) as citizens,
                     count(distinct citizen) filter (where before) as returning_citizens
              from contact
              group by grouping sets ((${sql.raw(by === 'district' ? 'district' : 'topic')}), ())`,
        { workMem: CITIZEN_REPORT_WORK_MEM },
      );
      const contactRows = rows.filter((r) => r.part === 'contact');
      const surveyRows = rows.filter((r) => r.part === 'survey');
      const isTotal = (r: Record<string, unknown>) => Number(r.is_total) === 1;
      const survey = new Map(surveyRows.map((r) => [isTotal(r) ? '*total' : (r.key as string | null), r]));
      const sums = (r: Record<string, unknown> | undefined, k: string | null): LoyaltySums => {
        const s = survey.get(k);
        return {
          contacts: num(r?.contacts),
          topical: num(r?.topical),
          repeats: num(r?.repeats),
          firstContacts: num(r?.first_contacts),
          firstContactsResolved: num(r?.first_resolved),
          citizens: num(r?.citizens),
          returningCitizens: num(r?.returning_citizens),
          rated: num(s?.rated),
          satisfied: num(s?.satisfied),
        };
      };
      const totalRow = contactRows.find(isTotal);
      const groups = contactRows.filter((r) => !isTotal(r)).map((r) => {
        const k = r.key === null ? null : String(r.key);
        return { key: k, ...sums(r, k) };
      });
      // A segment with surveys but no contact row cannot exist: surveys count only for the period's citizens.
      return { groups, total: sums(totalRow, '*total') };
    },

    /**
     * From report_agent_daily (migration 0029): one row per agent and Tehran day, each day
     * joined to its period; an agent is listed for a period when any source row was summed.
     */
    async agentAggregates(range: ReportRange, periods: readonly DayPeriod[]): Promise<AgentPeriodAggregate[]> {
      const inRange = sql`r.day >= ${dayOf(range.from)} and r.day < ${dayOf(range.to)}`;
      if (new Set(periods.map((p) => p.period)).size === periods.length) {
        // By day each period is one rollup row, read as it is. A year is some 44,000
        // agent-days: one JSON array per agent (parsed at once) instead of 44,000 rows of
        // 23 fields halved the time to read them (docs/benchmarks.md).
        const periodOf = new Map(periods.map((p) => [p.day, p.period]));
        const agents = await rowsOf(
          db,
          sql`
            select r.agent_id::text as agent_id, u.display_name as name,
                   json_agg(json_build_array(r.day - date '1970-01-01', ${sql.raw(AGENT_COLUMNS.map((c) => `r.${c}`).join(', '))})) as days
            from report_agent_daily r
            left join users u on u.id = r.agent_id
            where ${inRange} and r.rows > 0
            group by r.agent_id, u.display_name`,
        );
        return agents.flatMap((a) => {
          const days = (typeof a.days === 'string' ? JSON.parse(a.days) : a.days) as [number, ...unknown[]][];
          return days.flatMap(([day, ...figures]) => {
            const period = periodOf.get(day);
            return period === undefined ? [] : [agentAggregateOf(agentDayRow(a.agent_id, a.name, period, figures))];
          });
        });
      }
      const rows = await rowsOf(
        db,
        sql`
          select r.agent_id::text as agent_id, u.display_name as name, p.period,
                 ${sql.join(
                   AGENT_COLUMNS.map((c) => sql`sum(r.${sql.raw(c)}) as ${sql.raw(c)}`),
                   sql`, `,
                 )}
          from report_agent_daily r
          join (values ${sql.join(
            periods.map((p) => sql`(${p.day}::int, ${p.period}::text)`),
            sql`, `,
          )}) as p(day, period) on p.day = r.day - date '1970-01-01'
          left join users u on u.id = r.agent_id
          where ${inRange}
          group by r.agent_id, u.display_name, p.period
          having sum(r.rows) > 0`,
        // Room to hash the agent-weeks or -months instead of sorting them on disk.
        { workMem: AGENT_REPORT_WORK_MEM },
      );
      return rows.map(agentAggregateOf);
    },
  };
}
