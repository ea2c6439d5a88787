/**
 * The report sums, computed by PostgreSQL over the rows of the range: one aggregate
 * query per report, grouped by the Tehran day or hour, queue, district or category.
 * Only sums and counts leave the database; the ratios are the domain's (definitions.ts).
 * The partial covering indexes of migration report_indexes let a year of a million calls
 * or cases be read by index-only scans (see docs/benchmarks.md).
 */
import { sql, type SQL } from 'drizzle-orm';
import { CASE_CATEGORIES, type CaseCategory, type QueueName } from '../../domain/cases/case.js';
import { TEHRAN_TIME_ZONE } from '../../domain/calendar/tehran-time.js';
import type { ReportRange } from '../../domain/reports/date-range.js';
import type { CallAggregate, CaseAggregate, Grouping } from '../../domain/reports/definitions.js';
import type { CallThresholds, ReportRepo } from '../../domain/reports/ports.js';
import {
  REPORTED_SURVEY_STATUSES,
  SATISFIED_FROM,
  type SatisfactionAggregate,
  type SatisfactionGrouping,
} from '../../domain/reports/satisfaction.js';
import { FINISHED_STATUSES, UNCATEGORISED_SLA_HOURS, type SlaHours } from '../../domain/reports/sla.js';
import type { Db } from './database.js';

// A constant of ours, not input: inlined so the grouping expression is the same text in
// SELECT and GROUP BY (a bound parameter would not be).
const ZONE = sql.raw(`'${TEHRAN_TIME_ZONE.replace(/'/g, "''")}'`);

/** The group key, computed per row (inner query) and turned to text once per group (outer). */
function keyOf(by: Grouping, at: SQL, columns: { queue: SQL; district: SQL; category: SQL }): { inner: SQL; outer: SQL } {
  switch (by) {
    case 'day':
      return { inner: sql`(${at} at time zone ${ZONE})::date`, outer: sql`to_char(g.key, 'YYYY-MM-DD')` };
    case 'hour':
      return { inner: sql`extract(hour from ${at} at time zone ${ZONE})::int`, outer: sql`g.key::text` };
    case 'queue':
      return { inner: columns.queue, outer: sql`g.key::text` };
    case 'district':
      return { inner: columns.district, outer: sql`g.key::text` };
    case 'category':
      return { inner: columns.category, outer: sql`g.key::text` };
  }
}

const iso = (d: Date) => d.toISOString();
const num = (v: unknown): number => Number(v ?? 0);

type Rows = Record<string, unknown>[];
async function rowsOf(db: Db, query: SQL): Promise<Rows> {
  const result = (await db.execute(query)) as unknown as { rows?: Rows } | Rows;
  return Array.isArray(result) ? result : (result.rows ?? []);
}

export function createReportRepo(db: Db): ReportRepo {
  return {
    async callAggregates(range: ReportRange, by: Grouping, t: CallThresholds): Promise<CallAggregate[]> {
      const key = keyOf(by, sql`c.started_at`, { queue: sql`c.queue`, district: sql`c.district`, category: sql`c.category` });
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
      return rows.map((r) => ({
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
      }));
    },

    async caseAggregates(range: ReportRange, by: Grouping, now: Date, sla: SlaHours): Promise<CaseAggregate[]> {
      // By queue, cases are grouped by category; the domain maps each category to its queue.
      const key = keyOf(by === 'queue' ? 'category' : by, sql`c.created_at`, {
        queue: sql`c.category`,
        district: sql`c.district`,
        category: sql`c.category`,
      });
      const cutoff = (hours: number) => sql`${iso(new Date(now.getTime() - hours * 3_600_000))}::timestamptz`;
      const dueBefore = sql`case c.category ${sql.join(
        CASE_CATEGORIES.map((cat) => sql`when ${cat} then ${cutoff(sla[cat])}`),
        sql` `,
      )} else ${cutoff(UNCATEGORISED_SLA_HOURS)} end`;
      const finished = sql.join(
        FINISHED_STATUSES.map((s) => sql`${s}`),
        sql`, `,
      );
      const rows = await rowsOf(
        db,
        sql`
          select ${key.outer} as key, g.category, g.opened, g.resolved, g.overdue, g.resolve_sec
          from (
            select ${key.inner} as key, c.category,
                   count(*) as opened,
                   count(c.resolved_at) as resolved,
                   count(*) filter (where c.status not in (${finished}) and c.created_at < ${dueBefore}) as overdue,
                   coalesce(sum(extract(epoch from c.resolved_at - c.created_at)), 0) as resolve_sec
            from cases c
            where c.created_at >= ${iso(range.from)}::timestamptz
              and c.created_at < ${iso(range.to)}::timestamptz
            group by 1, 2
          ) g
          order by 1, 2`,
      );
      return rows.map((r) => ({
        key: r.key === null ? null : String(r.key),
        category: (r.category ?? null) as CaseCategory | null,
        opened: num(r.opened),
        resolved: num(r.resolved),
        overdue: num(r.overdue),
        resolveSec: num(r.resolve_sec),
      }));
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
      // The SMS question beside the calls: questions sent in the period, by the same key.
      const smsRows = await rowsOf(
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
    },
  };
}
