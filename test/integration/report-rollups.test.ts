import { eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/adapters/db/database.js';
import { createReportRepo, createRowReports, ROLLUP_CALL_THRESHOLDS } from '../../src/adapters/db/report-repo.js';
import { calls, cases } from '../../src/adapters/db/schema/index.js';
import { CASE_CATEGORIES, CASE_CHANNELS, QUEUES, type CaseCategory, type CaseStatus } from '../../src/domain/cases/case.js';
import { reportRange } from '../../src/domain/reports/date-range.js';
import { defaultConfig as statsDefaults } from '../../src/domain/queues/live-stats.js';
import { GROUPINGS } from '../../src/domain/reports/definitions.js';
import { DEFAULT_SLA_HOURS, type SlaHours } from '../../src/domain/reports/sla.js';
import { truncateAll, withTestDatabases } from '../helpers/database.js';
import { seededRandom } from '../helpers/seeded-random.js';

/**
 * The rollups of migration 0027 against the rows they sum: a few hundred calls and cases
 * taken through their lives one UPDATE at a time (queued, answered, talk and wrap-up
 * recorded, reclassified, moved to another district or queue, resolved, reopened,
 * closed, deleted), around both of Iran's last clock changes (2021) and in 2026. Every
 * calls and cases report, by every grouping, over ranges that include the 23- and 25-hour
 * days, must equal what the row SQL (the reports before the rollups) returns.
 */

const { rnd, chance, pick, int } = seededRandom(137);

/** Around Nowruz 1400 (clocks forward), the end of DST 1400 (clocks back) and Nowruz 1405. */
const WINDOWS: [string, string][] = [
  ['2021-03-15T00:00:00Z', '2021-04-05T00:00:00Z'],
  ['2021-09-15T00:00:00Z', '2021-09-30T00:00:00Z'],
  ['2026-03-18T00:00:00Z', '2026-03-28T00:00:00Z'],
];
/** Instants on bucket and day edges: Tehran midnights at +04:30 and +03:30, a half hour. */
const EDGES = ['2021-03-21T20:30:00Z', '2021-03-22T19:30:00Z', '2021-09-21T19:30:00Z', '2021-09-22T20:30:00Z', '2026-03-20T20:30:00Z', '2026-03-21T05:00:00Z'];

function instant(): Date {
  if (chance(0.08)) return new Date(pick(EDGES));
  const [from, to] = pick(WINDOWS).map((t) => Date.parse(t)) as [number, number];
  // Whole seconds, like Asterisk's times; some on the half hour exactly.
  const ms = from + Math.floor(rnd() * ((to - from) / 1000)) * 1000;
  return new Date(chance(0.1) ? ms - (ms % 1_800_000) : ms);
}

const district = () => (chance(0.15) ? null : int(1, 22));
const category = (): CaseCategory | null => (chance(0.15) ? null : pick(CASE_CATEGORIES));
/** Waits around the thresholds (20 s to answer, 5 s to abandon) as well as long ones. */
const wait = () => (chance(0.4) ? pick([0, 4, 5, 6, 19, 20, 21]) : int(0, 400));

async function seed(database: Database, prefix: string): Promise<void> {
  const { db } = database;
  for (let i = 0; i < 250; i++) {
    const startedAt = instant();
    const [row] = await db
      .insert(calls)
      .values({ uniqueId: `${prefix}-call-${i}`, caller: '09121234567', startedAt, district: district(), category: category() })
      .returning({ id: calls.id });
    const id = row!.id;
    const set = (values: Partial<typeof calls.$inferInsert>) => db.update(calls).set(values).where(eq(calls.id, id));
    if (chance(0.1)) continue; // never queued: not offered
    await set({ outcome: 'queued', queue: chance(0.05) ? null : pick(QUEUES), queueJoinedAt: new Date(startedAt.getTime() + 20_000) });
    const result = pick(['answered', 'answered', 'answered', 'answered', 'abandoned', 'exited', null] as const);
    if (result) await set({ queueResult: result, waitSeconds: chance(0.03) ? null : wait() });
    if (result === 'answered' && chance(0.9)) {
      await set({ talkSeconds: int(0, 900) });
      if (chance(0.7)) await set({ wrapUpSeconds: int(0, 120) });
    }
    if (chance(0.2)) await set({ category: category(), district: district() });
    if (chance(0.05)) await set({ queue: pick(QUEUES) });
    if (chance(0.05)) await set({ startedAt: new Date(startedAt.getTime() + int(-30, 30) * 3_600_000) });
    if (chance(0.05)) await set({ queueJoinedAt: null });
    if (chance(0.05)) await db.delete(calls).where(eq(calls.id, id));
  }
  for (let i = 0; i < 250; i++) {
    const createdAt = instant();
    const [row] = await db
      .insert(cases)
      .values({
        trackingNumber: String(10_000_000 + i + (prefix === 'b' ? 500 : 0)),
        channel: pick(CASE_CHANNELS),
        category: category(),
        district: district(),
        dueAt: chance(0.5) ? null : new Date(createdAt.getTime() + int(0, 300) * 3_600_000),
        createdAt,
        updatedAt: createdAt,
      })
      .returning({ id: cases.id });
    const id = row!.id;
    const set = (values: Partial<typeof cases.$inferInsert>) => db.update(cases).set(values).where(eq(cases.id, id));
    if (chance(0.3)) await set({ category: category(), dueAt: chance(0.3) ? null : new Date(createdAt.getTime() + int(0, 300) * 3_600_000) });
    if (chance(0.2)) await set({ district: district() });
    if (chance(0.6)) await set({ status: pick(['dispatched', 'acknowledged', 'in_progress'] as CaseStatus[]) });
    if (chance(0.5)) {
      // As the case repo keeps it: resolved_at is the first resolution, kept through a reopen.
      await set({ status: 'resolved', resolvedAt: new Date(createdAt.getTime() + int(1, 400_000) * 1000 + int(0, 999)) });
      if (chance(0.3)) await set({ status: 'reopened' });
      else if (chance(0.6)) await set({ status: 'closed' });
    } else if (chance(0.2)) {
      await set({ status: pick(['rejected', 'duplicate'] as CaseStatus[]) });
    }
    if (chance(0.03)) await set({ createdAt: new Date(createdAt.getTime() + int(-30, 30) * 3_600_000) });
    if (chance(0.05)) await db.delete(cases).where(eq(cases.id, id));
  }
}

const RANGES = [
  reportRange('1399-12-20', '1400-07-15'),
  // 1400-01-02 had 23 hours, 1400-06-30 had 25.
  reportRange('1400-01-02', '1400-01-02'),
  reportRange('1400-06-30', '1400-06-31'),
  reportRange('1405-01-01', '1405-01-05'),
];
/** Before most cases, among them (some still within their SLA), and long after. */
const NOWS = [new Date('2021-03-18T09:00:00Z'), new Date('2021-03-28T12:00:00Z'), new Date('2021-09-25T07:30:00Z'), new Date('2026-03-25T12:00:00Z')];
const QUICK_SLA: SlaHours = Object.fromEntries(CASE_CATEGORIES.map((c, i) => [c, 1 + i * 7])) as SlaHours;

async function expectReportsEqual(database: Database): Promise<{ offered: number; opened: number; overdue: number[] }> {
  const rollups = createReportRepo(database.db);
  const rows = createRowReports(database.db);
  let offered = 0;
  let opened = 0;
  const overdue = NOWS.map(() => 0);
  for (const range of RANGES) {
    for (const by of GROUPINGS) {
      const expectedCalls = await rows.callAggregates(range, by, ROLLUP_CALL_THRESHOLDS);
      expect(await rollups.callAggregates(range, by, ROLLUP_CALL_THRESHOLDS), `calls ${range.fromDate}..${range.toDate} by ${by}`).toEqual(expectedCalls);
      if (range === RANGES[0] && by === 'day') offered = expectedCalls.reduce((n, a) => n + a.offered, 0);
      for (const [n, now] of NOWS.entries()) {
        for (const sla of [DEFAULT_SLA_HOURS, QUICK_SLA]) {
          const expectedCases = await rows.caseAggregates(range, by, now, sla);
          const at = `cases ${range.fromDate}..${range.toDate} by ${by} at ${now.toISOString()}`;
          expect(await rollups.caseAggregates(range, by, now, sla), at).toEqual(expectedCases);
          if (range === RANGES[0] && by === 'day' && sla === DEFAULT_SLA_HOURS) {
            opened = expectedCases.reduce((k, a) => k + a.opened, 0);
            overdue[n] = expectedCases.reduce((k, a) => k + a.overdue, 0);
          }
        }
      }
    }
  }
  return { offered, opened, overdue };
}

withTestDatabases((getDatabase) => {
  let seen: Awaited<ReturnType<typeof expectReportsEqual>>;

  beforeAll(async () => {
    await seed(getDatabase(), 'a');
  }, 120_000);

  it('gives every calls and cases report exactly what the rows give', async () => {
    seen = await expectReportsEqual(getDatabase());
    // The comparison was about something: calls and cases in the year-long range, and
    // overdue cases that grow as `now` moves on (cases within their SLA at the earlier ones).
    expect(seen.offered).toBeGreaterThan(100);
    expect(seen.opened).toBeGreaterThan(100);
    expect(seen.overdue[0]).toBeLessThan(seen.overdue[1]!);
    expect(seen.overdue[1]).toBeLessThan(seen.overdue[2]!);
    expect(seen.overdue[2]).toBeLessThan(seen.overdue[3]!);
  }, 120_000);

  it('sums the same rollups afresh from the rows (the backfill of the migration, a bulk load)', async () => {
    const database = getDatabase();
    await database.db.execute(sql`select report_rollups_refill()`);
    expect(await expectReportsEqual(database)).toEqual(seen);
  }, 120_000);

  it('was summed with the thresholds the engine reports with, so its reports read the rollups', () => {
    const { answerWithinSec, abandonAfterSec } = statsDefaults();
    expect({ answerWithinSec, abandonAfterSec }).toEqual(ROLLUP_CALL_THRESHOLDS);
  });

  it('reads the rows for thresholds the rollups were not summed with', async () => {
    const range = RANGES[0]!;
    const other = { answerWithinSec: 30, abandonAfterSec: 10 };
    const got = await createReportRepo(getDatabase().db).callAggregates(range, 'queue', other);
    expect(got).toEqual(await createRowReports(getDatabase().db).callAggregates(range, 'queue', other));
    const atDefaults = await createReportRepo(getDatabase().db).callAggregates(range, 'queue', ROLLUP_CALL_THRESHOLDS);
    const sum = (rows: typeof got) => rows.reduce((n, a) => n + a.answeredInTime, 0);
    expect(sum(got)).toBeGreaterThan(sum(atDefaults));
  });

  it('empties the rollups with the tables and keeps them right for what comes after', async () => {
    const database = getDatabase();
    await truncateAll(database);
    for (const table of ['report_calls_half_hourly', 'report_calls_daily', 'report_cases_half_hourly', 'report_cases_daily']) {
      const result = (await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] };
      expect(result.rows[0]!.n, table).toBe(0);
    }
    await seed(database, 'b');
    const again = await expectReportsEqual(database);
    expect(again.offered).toBeGreaterThan(100);
  }, 120_000);
});
