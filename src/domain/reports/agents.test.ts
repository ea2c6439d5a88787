import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';
import { reportRange } from './date-range.js';
import { agentReport, agentTable, periodsOfRange, REPORTED_PAUSE_REASONS, type AgentPeriodAggregate } from './agents.js';

// 1405-09-01 .. 1405-09-30. Sunday 1405-09-01 is 2026-11-22, in the week starting Saturday 1405-08-30.
const RANGE = reportRange('1405-09-01', '1405-09-30');
const ALI = 'a0000000-0000-4000-8000-000000000001';
const ZAHRA = 'a0000000-0000-4000-8000-000000000002';

const weeks: AgentPeriodAggregate[] = [
  // Ali, Sunday 1405-09-01: two calls (talk 100 + 200, wrap-up 20 + 40), a hold of 30 s.
  { agentId: ALI, name: 'علی', period: '1405-08-30', answered: 2, handled: 2, talkSec: 300, wrapUpSec: 60, holds: 1, holdSec: 30 },
  // More of the same week: a missed ring, a lunch and a break.
  { agentId: ALI, period: '1405-08-30', missedRings: 1, pauseSec: { lunch: 1800, break: 600 } },
  // Saturday 1405-09-07 starts the next week.
  { agentId: ALI, name: 'علی', period: '1405-09-07', answered: 1, handled: 1, talkSec: 120, wrapUpSec: 0, casesCreated: 1 },
  { agentId: ALI, period: '1405-09-07', surveysAnswered: 2, reopened: 1, rated: 2, satisfied: 1, qaEvaluations: 2, qaScoreSum: 150 },
  // An answered call whose talk time was never recorded counts as answered, not in AHT.
  { agentId: ZAHRA, name: 'زهرا', period: '1405-08-30', answered: 1 },
];

describe('the per-agent report', () => {
  it("adds up each agent's periods, and the whole range", () => {
    const report = agentReport(weeks, 'week', RANGE);
    expect(report.agents.map((a) => a.name)).toEqual(['زهرا', 'علی']);
    const ali = report.agents[1]!;
    expect(ali.periods.map((p) => p.period)).toEqual(['1405-08-30', '1405-09-07']);
    expect(ali.periods[0]!.figures).toMatchObject({
      answered: 2,
      ahtSec: 180,
      meanTalkSec: 150,
      meanWrapUpSec: 30,
      meanHoldSec: 15,
      holds: 1,
      missedRings: 1,
      pauseTotalSec: 2400,
      casesCreated: 0,
      reopenedShare: null,
      csat: null,
      qaScore: null,
    });
    expect(ali.periods[0]!.figures.pauseSec).toEqual({ break: 600, lunch: 1800, training: 0, meeting: 0, after_call_work: 0, missed: 0 });
    expect(ali.total).toMatchObject({ answered: 3, ahtSec: 160, casesCreated: 1, reopenedShare: 0.5, csat: 0.5, qaEvaluations: 2, qaScore: 75 });
    expect(report.agents[0]!.total).toMatchObject({ answered: 1, ahtSec: null, meanHoldSec: null });
    expect(report.total).toMatchObject({ answered: 4, missedRings: 1, pauseTotalSec: 2400 });
  });

  it('puts each Tehran day of the range in its Jalali day, week (Saturday first) or month', () => {
    const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
    const weekly = periodsOfRange(RANGE, 'week');
    expect(weekly).toHaveLength(30);
    expect(weekly[0]).toEqual({ day: day('2026-11-22'), period: '1405-08-30' });
    expect(weekly[5]).toEqual({ day: day('2026-11-27'), period: '1405-08-30' });
    expect(weekly[6]).toEqual({ day: day('2026-11-28'), period: '1405-09-07' });
    expect(periodsOfRange(RANGE, 'day')[29]).toEqual({ day: day('2026-12-21'), period: '1405-09-30' });
    expect(new Set(periodsOfRange(RANGE, 'month').map((p) => p.period))).toEqual(new Set(['1405-09']));
  });

  it('shows the engine wrap-up pause nowhere: it is the call and its wrap-up, already in AHT', () => {
    expect(REPORTED_PAUSE_REASONS).not.toContain('wrapup');
    const report = agentReport([{ agentId: ALI, period: '1405-09-01', pauseSec: { wrapup: 500, break: 10 } }], 'day', RANGE);
    expect(report.total.pauseTotalSec).toBe(10);
  });

  it('writes one CSV line per agent and period, then the whole range, with Persian headers', () => {
    const table = agentTable(agentReport(weeks, 'week', RANGE));
    expect(table.header[0]).toBe('شناسه کارشناس');
    expect(table.header).toContain('توقف: ناهار (ثانیه)');
    expect(table.rows.map((r) => r.slice(0, 4))).toEqual([
      [ZAHRA, 'زهرا', '1405-08-30', 1],
      [ZAHRA, 'زهرا', 'کل بازه', 1],
      [ALI, 'علی', '1405-08-30', 2],
      [ALI, 'علی', '1405-09-07', 1],
      [ALI, 'علی', 'کل بازه', 3],
    ]);
    for (const row of table.rows) expect(row).toHaveLength(table.header.length);
    expect(toCsv(table.header, table.rows).startsWith('\uFEFF')).toBe(true);
  });
});
