import { eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/adapters/db/database.js';
import { AGENT_COLUMNS, createReportRepo, createRowReports } from '../../src/adapters/db/report-repo.js';
import { agentActivity, callRecordings, calls, cases, qaEvaluations, qaForms, surveys, users } from '../../src/adapters/db/schema/index.js';
import { CASE_CATEGORIES, CASE_CHANNELS, QUEUES, type CaseCategory } from '../../src/domain/cases/case.js';
import { PAUSE_REASONS } from '../../src/domain/agents/agent.js';
import { periodsOfRange, type AgentPeriodAggregate } from '../../src/domain/reports/agents.js';
import { reportRange } from '../../src/domain/reports/date-range.js';
import { REPORTED_SURVEY_STATUSES, SATISFACTION_GROUPINGS, SATISFIED_FROM } from '../../src/domain/reports/satisfaction.js';
import { SURVEY_RECORD_STATUSES } from '../../src/outbound/domain/survey-eligibility.js';
import { PERIODS } from '../../src/quality/domain/periods.js';
import { truncateAll, withTestDatabases } from '../helpers/database.js';
import { seededRandom } from '../helpers/seeded-random.js';

/**
 * The rollups of migration 0029 against the rows they sum: calls, cases, surveys, agent
 * activity and QA scores written and then changed one UPDATE at a time as the engine and
 * people change them (a call answered later and given to another agent or queue, a case
 * re-linked to another call or to none, moved to another district, a survey answered or
 * flagged later), and deleted (surveys; cases with their surveys; calls, whose cases stay
 * without a call; an agent, whose activity goes and whose calls and scores stay without
 * one). Every satisfaction report by every grouping and every per-agent report by day,
 * week and month must equal what the row queries (the reports before the rollups) return.
 */

const { rnd, chance, pick, int } = seededRandom(1629);

/** Around the end of DST 1400 (a 25-hour day) and Nowruz 1405. */
const WINDOWS: [string, string][] = [
  ['2021-09-18T00:00:00Z', '2021-09-26T00:00:00Z'],
  ['2026-03-17T00:00:00Z', '2026-03-27T00:00:00Z'],
];
/** Tehran midnights at +04:30 and +03:30. */
const EDGES = ['2021-09-21T19:30:00Z', '2021-09-22T20:30:00Z', '2026-03-20T20:30:00Z'];

function instant(): Date {
  if (chance(0.08)) return new Date(pick(EDGES));
  const [from, to] = pick(WINDOWS).map((t) => Date.parse(t)) as [number, number];
  return new Date(from + Math.floor(rnd() * ((to - from) / 1000)) * 1000);
}

const district = () => (chance(0.15) ? null : int(1, 22));
const category = (): CaseCategory | null => (chance(0.15) ? null : pick(CASE_CATEGORIES));
/** Scores a binary double holds exactly, so the row query's float sum and the rollup's numeric one agree to the last digit. */
const score = () => int(0, 400) / 4;

const RANGES = [reportRange('1400-06-27', '1400-07-04'), reportRange('1400-06-30', '1400-06-31'), reportRange('1404-12-26', '1405-01-06'), reportRange('1405-01-01', '1405-01-01')];

async function seed(database: Database, prefix: string): Promise<void> {
  const { db } = database;
  const agents: string[] = [];
  for (let i = 0; i < 5; i++) {
    const [u] = await db.insert(users).values({ username: `${prefix}-agent-${i}`, displayName: `کارشناس ${i}`, role: 'agent', passwordHash: 'x' }).returning({ id: users.id });
    agents.push(u!.id);
  }
  const agent = () => (chance(0.15) ? null : pick(agents));
  const [form] = await db.insert(qaForms).values({ name: `${prefix}-form`, criteria: [{ id: 'a', label: 'A', weight: 1, critical: false }], createdBy: 'sup' }).returning();

  const callIds: string[] = [];
  for (let i = 0; i < 120; i++) {
    const startedAt = instant();
    const [row] = await db
      .insert(calls)
      .values({ uniqueId: `${prefix}-call-${i}`, caller: '09121234567', startedAt, queue: chance(0.1) ? null : pick(QUEUES), queueJoinedAt: startedAt })
      .returning({ id: calls.id });
    callIds.push(row!.id);
  }
  // A call opens one case at most (cases_call_id_unique).
  const freeCalls = new Set(callIds);
  const freeCall = (): string | null => {
    const id = chance(0.75) && freeCalls.size > 0 ? pick([...freeCalls]) : null;
    if (id) freeCalls.delete(id);
    return id;
  };
  const caseIds: string[] = [];
  for (let i = 0; i < 160; i++) {
    const createdAt = instant();
    const [row] = await db
      .insert(cases)
      .values({
        trackingNumber: String(20_000_000 + i + (prefix === 'b' ? 500 : 0)),
        channel: pick(CASE_CHANNELS),
        category: category(),
        district: district(),
        callId: freeCall(),
        createdAt,
        updatedAt: createdAt,
      })
      .returning({ id: cases.id });
    caseIds.push(row!.id);
  }
  const surveyIds: string[] = [];
  for (const caseId of caseIds) {
    for (let n = 1; n <= int(0, 2); n++) {
      const endedAt = instant();
      // One survey of a case under way at most (surveys_case_id_open_idx): the second one's.
      const status = pick(SURVEY_RECORD_STATUSES.filter((st) => n === 2 || (st !== 'pending' && st !== 'dialling')));
      const ended = status !== 'pending' && status !== 'dialling';
      const [row] = await db
        .insert(surveys)
        .values({
          caseId,
          surveyNumber: n,
          phone: '09121234567',
          status,
          scheduledAt: endedAt,
          endedAt: ended && chance(0.95) ? endedAt : null,
          rating: status === 'answered' && chance(0.85) ? int(1, 5) : null,
          solved: status === 'answered' && chance(0.8) ? chance(0.6) : null,
          flaggedAt: status === 'answered' && chance(0.2) ? endedAt : null,
        })
        .returning({ id: surveys.id });
      surveyIds.push(row!.id);
    }
  }
  for (let i = 0; i < 80; i++) {
    const kind = pick(['pause', 'pause', 'hold', 'missed_ring'] as const);
    await db.insert(agentActivity).values({
      agentId: pick(agents),
      kind,
      reason: kind === 'pause' ? pick(PAUSE_REASONS) : null,
      callId: kind === 'pause' ? null : pick(callIds),
      startedAt: instant(),
      seconds: kind === 'missed_ring' ? 0 : int(0, 3600),
    });
  }
  const qaIds: string[] = [];
  for (let i = 0; i < 30; i++) {
    const callId = pick(callIds);
    const [recording] = await db
      .insert(callRecordings)
      .values({ callId, storedName: `${prefix}-rec-${i}.wav`, recording: `${prefix}-rec-${i}.wav`, bytes: 10, startedAt: instant() })
      .returning();
    const [row] = await db
      .insert(qaEvaluations)
      .values({ recordingId: recording!.id, formId: form!.id, callId, agentId: agent(), evaluatorId: 'sup', answers: {}, score: score(), criticalFailed: false, callStartedAt: instant() })
      .returning({ id: qaEvaluations.id });
    qaIds.push(row!.id);
  }

  // The lives of the calls: answered (by an agent, talk and wrap-up later), or not; some
  // given to another agent or queue, some moved in time, some deleted.
  for (const id of callIds) {
    const set = (values: Partial<typeof calls.$inferInsert>) => db.update(calls).set(values).where(eq(calls.id, id));
    const result = pick(['answered', 'answered', 'answered', 'abandoned', 'exited', null] as const);
    if (result === 'answered') {
      await set({ queueResult: 'answered', agentId: agent(), waitSeconds: int(0, 60) });
      if (chance(0.85)) await set({ talkSeconds: int(0, 900) });
      if (chance(0.6)) await set({ wrapUpSeconds: int(0, 120) });
    } else if (result) {
      await set({ queueResult: result });
    }
    if (chance(0.15)) await set({ agentId: agent() });
    if (chance(0.1)) await set({ queue: pick(QUEUES) });
    if (chance(0.05)) await set({ startedAt: instant() });
    if (chance(0.05)) await set({ queueResult: 'abandoned', agentId: null });
  }
  // Cases moved to another district or category, re-linked to another call or to none.
  for (const id of caseIds) {
    const set = (values: Partial<typeof cases.$inferInsert>) => db.update(cases).set(values).where(eq(cases.id, id));
    if (chance(0.2)) await set({ district: district(), category: category() });
    if (chance(0.15)) {
      const [was] = await db.select({ callId: cases.callId }).from(cases).where(eq(cases.id, id));
      const next = freeCall();
      await set({ callId: next });
      if (was?.callId) freeCalls.add(was.callId);
    }
    if (chance(0.1)) await set({ status: pick(['dispatched', 'closed', 'reopened'] as const) });
    if (chance(0.03)) await set({ createdAt: instant() });
  }
  // Surveys answered later, flagged later, moved in time, given up.
  for (const id of surveyIds) {
    const set = (values: Partial<typeof surveys.$inferInsert>) => db.update(surveys).set(values).where(eq(surveys.id, id));
    if (chance(0.15)) await set({ status: 'answered', endedAt: instant(), answeredAt: instant(), rating: int(1, 5), solved: chance(0.5) });
    if (chance(0.1)) await set({ flaggedAt: instant() });
    if (chance(0.05)) await set({ rating: null });
    if (chance(0.05)) await set({ status: 'cancelled' });
    if (chance(0.05)) await set({ endedAt: instant() });
  }
  for (const id of qaIds) {
    const set = (values: Partial<typeof qaEvaluations.$inferInsert>) => db.update(qaEvaluations).set(values).where(eq(qaEvaluations.id, id));
    if (chance(0.2)) await set({ score: score() });
    if (chance(0.1)) await set({ agentId: agent() });
    if (chance(0.05)) await db.delete(qaEvaluations).where(eq(qaEvaluations.id, id));
  }
  await db.execute(sql`update agent_activity set seconds = seconds + 7 where seconds % 3 = 0`);
  await db.execute(sql`update agent_activity set reason = 'wrapup' where kind = 'pause' and seconds % 5 = 0`);
  await db.execute(sql`delete from agent_activity where seconds % 7 = 0`);

  // Deletes: surveys, cases with their surveys, calls (their cases stay, with no call), an
  // agent (their activity goes, their calls and scores stay with no agent).
  for (const id of surveyIds.filter(() => chance(0.05))) await db.delete(surveys).where(eq(surveys.id, id));
  for (const id of caseIds.filter(() => chance(0.05))) await db.delete(cases).where(eq(cases.id, id));
  for (const id of callIds.filter(() => chance(0.05))) await db.delete(calls).where(eq(calls.id, id));
  await db.delete(users).where(eq(users.id, agents[4]!));
}

const byKey = (a: { key: string | null }, b: { key: string | null }) => String(a.key).localeCompare(String(b.key));
const byAgentPeriod = (a: AgentPeriodAggregate, b: AgentPeriodAggregate) => `${a.agentId} ${a.period}`.localeCompare(`${b.agentId} ${b.period}`);

async function expectReportsEqual(database: Database): Promise<{ ended: number; answered: number; agentRows: number; cases: number; qa: number }> {
  const rollups = createReportRepo(database.db);
  const rows = createRowReports(database.db);
  const seen = { ended: 0, answered: 0, agentRows: 0, cases: 0, qa: 0 };
  for (const range of RANGES) {
    for (const by of SATISFACTION_GROUPINGS) {
      const expected = await rows.satisfactionAggregates(range, by);
      expect((await rollups.satisfactionAggregates(range, by)).sort(byKey), `satisfaction ${range.fromDate}..${range.toDate} by ${by}`).toEqual(expected.sort(byKey));
      if (by === 'district') {
        seen.ended += expected.reduce((n, a) => n + a.ended, 0);
        seen.answered += expected.reduce((n, a) => n + a.answered, 0);
      }
    }
    for (const period of PERIODS) {
      const periods = periodsOfRange(range, period);
      const expected = await rows.agentAggregates(range, periods);
      expect((await rollups.agentAggregates(range, periods)).sort(byAgentPeriod), `agents ${range.fromDate}..${range.toDate} by ${period}`).toEqual(expected.sort(byAgentPeriod));
      if (period === 'day') {
        seen.agentRows += expected.length;
        seen.cases += expected.reduce((n, a) => n + (a.casesCreated ?? 0), 0);
        seen.qa += expected.reduce((n, a) => n + (a.qaEvaluations ?? 0), 0);
      }
    }
  }
  return seen;
}

withTestDatabases((getDatabase) => {
  let seen: Awaited<ReturnType<typeof expectReportsEqual>>;

  beforeAll(async () => {
    await seed(getDatabase(), 'a');
  }, 120_000);

  it('gives every satisfaction and per-agent report exactly what the rows give', async () => {
    seen = await expectReportsEqual(getDatabase());
    // The comparison was about something: surveys, cases and scores in the ranges.
    expect(seen.ended).toBeGreaterThan(40);
    expect(seen.answered).toBeGreaterThan(10);
    expect(seen.agentRows).toBeGreaterThan(20);
    expect(seen.cases).toBeGreaterThan(10);
    expect(seen.qa).toBeGreaterThan(3);
  }, 120_000);

  it('sums the same rollups afresh from the rows (the backfill of the migration, a bulk load)', async () => {
    const database = getDatabase();
    const counts = async () =>
      ((await database.db.execute(sql`select (select count(*) from report_satisfaction_daily)::int as s, (select count(*) from report_agent_daily)::int as a`)) as unknown as { rows: { s: number; a: number }[] }).rows[0]!;
    const before = await counts();
    await database.db.execute(sql`select report_rollups_refill()`);
    expect(await expectReportsEqual(database)).toEqual(seen);
    // The triggers leave rows that sum to nothing where everything moved away; the refill does not.
    const after = await counts();
    expect(after.s).toBeLessThanOrEqual(before.s);
    expect(after.a).toBeLessThanOrEqual(before.a);
  }, 120_000);

  it('was summed with the constants the domain reports with', async () => {
    expect(SATISFIED_FROM).toBe(4);
    expect([...REPORTED_SURVEY_STATUSES]).toEqual(['answered', 'no_answer', 'failed', 'opted_out']);
    const result = (await getDatabase().db.execute(
      sql`select column_name from information_schema.columns where table_name = 'report_agent_daily' and column_name not in ('agent_id', 'day', 'rows') order by ordinal_position`,
    )) as unknown as { rows: { column_name: string }[] };
    expect(result.rows.map((r) => r.column_name)).toEqual(AGENT_COLUMNS);
  });

  it('empties the rollups with the tables and keeps them right for what comes after', async () => {
    const database = getDatabase();
    await truncateAll(database);
    for (const table of ['report_satisfaction_daily', 'report_agent_daily']) {
      const result = (await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] };
      expect(result.rows[0]!.n, table).toBe(0);
    }
    await seed(database, 'b');
    const again = await expectReportsEqual(database);
    expect(again.ended).toBeGreaterThan(40);
  }, 120_000);
});
