import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/adapters/db/database.js';
import { findMigrationsFolder } from '../../src/adapters/db/migrations-folder.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import * as schema from '../../src/adapters/db/schema/index.js';
import { calls, cases, citizenContacts } from '../../src/adapters/db/schema/index.js';
import type { CaseCategory } from '../../src/domain/cases/case.js';
import { reportRange } from '../../src/domain/reports/date-range.js';
import { loyaltyAggregates, LOYALTY_GROUPINGS, REPEAT_WINDOW_MS, type Contact } from '../../src/domain/reports/loyalty.js';
import { createReportService } from '../../src/services/report-service.js';
import { createTestPostgresDatabase, TEST_DATABASE_KINDS, withTestDatabases } from '../helpers/database.js';

/**
 * citizen_contacts (migration 0028) against the pure definitions: written live by the
 * triggers on calls and cases — out of order, with the category chosen after the call
 * started, with a case later tied to a call — and backfilled by the migration from rows
 * that existed before it. Period 1405-02-01..1405-02-10 = [2026-04-20T20:30Z, 2026-04-30T20:30Z).
 */
const PERIOD = { from: '1405-02-01', to: '1405-02-10' };
const NOW = new Date('2026-05-20T12:00:00Z');
const A = '09127000001';
const B = '09127000002';

interface Spec {
  kind: 'call' | 'case';
  citizen: string;
  at: string;
  topic: CaseCategory | null;
  district: number | null;
}

// The contacts as they finally are, in the order the live test writes them (not by time).
const FINAL: Spec[] = [
  { kind: 'call', citizen: A, at: '2026-04-25T06:00:00Z', topic: 'streets_lighting', district: 3 },
  // Written after the later one: that one becomes a repeat, this one followed.
  { kind: 'call', citizen: A, at: '2026-04-22T06:00:00Z', topic: 'streets_lighting', district: 3 },
  // Started with no topic, lighting chosen later in the IVR: a repeat.
  { kind: 'call', citizen: A, at: '2026-04-27T06:00:00Z', topic: 'streets_lighting', district: 3 },
  // Same instant as another contact on the topic: neither is a repeat of the other.
  { kind: 'case', citizen: B, at: '2026-04-23T08:00:00Z', topic: 'parks_trees', district: 5 },
  { kind: 'call', citizen: B, at: '2026-04-23T08:00:00Z', topic: 'parks_trees', district: 5 },
  // Before the period (B is returning); a repeat window of more than 7 days is no repeat.
  { kind: 'case', citizen: B, at: '2026-04-01T08:00:00Z', topic: 'parks_trees', district: 5 },
  { kind: 'call', citizen: B, at: '2026-05-02T08:00:00Z', topic: 'parks_trees', district: 5 },
];

const asContact = (s: Spec): Contact => ({ citizen: s.citizen, at: new Date(s.at), topic: s.topic, district: s.district });

/** The flags by the definitions, for comparison with the table's. */
function expectedFlags(specs: readonly Spec[]): { at: string; citizen: string; repeat: boolean; followed: boolean }[] {
  const same = (a: Spec, b: Spec) => a.citizen === b.citizen && a.topic !== null && a.topic === b.topic;
  const gap = (a: Spec, b: Spec) => new Date(b.at).getTime() - new Date(a.at).getTime();
  return specs
    .map((c) => ({
      at: c.at,
      citizen: c.citizen,
      repeat: specs.some((p) => same(p, c) && gap(p, c) > 0 && gap(p, c) <= REPEAT_WINDOW_MS),
      followed: specs.some((n) => same(n, c) && gap(c, n) > 0 && gap(c, n) <= REPEAT_WINDOW_MS),
    }))
    .sort((x, y) => (x.at + x.citizen).localeCompare(y.at + y.citizen));
}

async function tableFlags(db: Db) {
  const rows = await db.select().from(citizenContacts);
  return rows
    .map((r) => ({ at: r.at.toISOString().replace('.000Z', 'Z'), citizen: r.citizen, repeat: r.repeat, followed: r.followed }))
    .sort((x, y) => (x.at + x.citizen).localeCompare(y.at + y.citizen));
}

async function expectReportToMatchDefinitions(db: Db) {
  const service = createReportService(createRepositories({ db, kind: 'postgres', ping: async () => undefined, close: async () => undefined }).reports, {
    now: () => NOW,
  });
  const range = reportRange(PERIOD.from, PERIOD.to);
  for (const by of LOYALTY_GROUPINGS) {
    const expected = loyaltyAggregates(FINAL.map(asContact), [], range, by);
    const report = await service.citizens({ ...PERIOD, by });
    const rows = new Map(report.rows.map((r) => [r.key, r.figures]));
    for (const { key, ...sums } of expected.groups) expect(rows.get(key), `${by} ${key}`).toMatchObject(sums);
    expect(report.total).toMatchObject(expected.total);
  }
}

async function insertCase(db: Db, s: Spec, n: number) {
  const [row] = await db
    .insert(cases)
    .values({ trackingNumber: String(40_000_000 + n), channel: 'web', category: s.topic, district: s.district, callerPhone: s.citizen, createdAt: new Date(s.at) })
    .returning();
  return row!;
}

withTestDatabases((getDatabase) => {
  describe('written live by the triggers', () => {
    beforeAll(async () => {
      const { db } = getDatabase();
      const repos = createRepositories(getDatabase());
      for (const [i, s] of FINAL.entries()) {
        if (s.kind === 'case') {
          await insertCase(db, s, i);
          continue;
        }
        const late = s.at === '2026-04-27T06:00:00Z';
        await repos.calls.start({ uniqueId: `live-${i}`, caller: s.citizen, startedAt: new Date(s.at) });
        await repos.calls.update(`live-${i}`, { category: late ? null : s.topic, district: s.district });
        if (late) await repos.calls.update(`live-${i}`, { category: s.topic });
      }
      // A case a call opened is no contact of its own: tied to a call, it leaves the table.
      const extra = await insertCase(db, { kind: 'case', citizen: A, at: '2026-04-24T06:00:00Z', topic: 'streets_lighting', district: 3 }, 99);
      expect((await tableFlags(db)).length).toBe(FINAL.length + 1);
      const [call] = await db.select().from(calls).where(eq(calls.uniqueId, 'live-0'));
      await db.update(cases).set({ callId: call!.id }).where(eq(cases.id, extra.id));
      // An outbound call (a survey) is no contact either.
      await repos.calls.start({ uniqueId: 'live-outbound', caller: A, startedAt: new Date('2026-04-26T06:00:00Z'), direction: 'outbound' });
    });

    it('sets repeat and followed as the definitions do, whatever the order of writing', async () => {
      expect(await tableFlags(getDatabase().db)).toEqual(expectedFlags(FINAL));
    });

    it('keeps each citizen’s first contact', async () => {
      const rows = await getDatabase().db.select().from(citizenContacts).where(eq(citizenContacts.citizen, B));
      expect(new Set(rows.map((r) => r.citizenSince.toISOString()))).toEqual(new Set(['2026-04-01T08:00:00.000Z']));
    });

    it('gives the report the definitions’ sums by every grouping', async () => {
      await expectReportToMatchDefinitions(getDatabase().db);
    });
  });
});

describe.each(TEST_DATABASE_KINDS)('backfilled by migration 0028 (%s)', (kind) => {
  let db: Db;
  let close: () => Promise<void>;
  let before: string;

  beforeAll(async () => {
    // The migrations folder as it was before 0028.
    const folder = findMigrationsFolder();
    before = await mkdtemp(path.join(tmpdir(), 'hotline-migrations-'));
    await cp(folder, before, { recursive: true });
    const journalFile = path.join(before, 'meta', '_journal.json');
    const journal = JSON.parse(await readFile(journalFile, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag < '0028');
    await writeFile(journalFile, JSON.stringify(journal));

    if (kind === 'pglite') {
      const client = new PGlite();
      db = drizzlePglite({ client, schema }) as unknown as Db;
      await migratePglite(db as never, { migrationsFolder: before });
      close = () => client.close();
    } else {
      const created = await createTestPostgresDatabase();
      const pool = new pg.Pool({ connectionString: created.url });
      db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
      await migrateNodePg(db as never, { migrationsFolder: before });
      close = async () => {
        await pool.end();
        await created.drop();
      };
    }
    for (const [i, s] of FINAL.entries()) {
      if (s.kind === 'case') await insertCase(db, s, i);
      else await db.insert(calls).values({ uniqueId: `old-${i}`, caller: s.citizen, startedAt: new Date(s.at), category: s.topic, district: s.district });
    }
    await db.insert(calls).values({ uniqueId: 'old-anonymous', caller: 'anonymous', startedAt: new Date('2026-04-24T06:00:00Z'), category: 'other' });
    if (kind === 'pglite') await migratePglite(db as never, { migrationsFolder: folder });
    else await migrateNodePg(db as never, { migrationsFolder: folder });
  });

  afterAll(async () => {
    await close();
    await rm(before, { recursive: true, force: true });
  });

  it('fills the table from the existing calls and cases, flags included', async () => {
    expect(await tableFlags(db)).toEqual(expectedFlags(FINAL));
  });

  it('gives the report the definitions’ sums by every grouping', async () => {
    await expectReportToMatchDefinitions(db);
  });

  it('keeps the backfilled rows up to date once the triggers run', async () => {
    const next: Spec = { kind: 'call', citizen: B, at: '2026-05-05T08:00:00Z', topic: 'parks_trees', district: 5 };
    await db.insert(calls).values({ uniqueId: 'new-0', caller: next.citizen, startedAt: new Date(next.at), category: next.topic, district: next.district });
    expect(await tableFlags(db)).toEqual(expectedFlags([...FINAL, next]));
    await db.delete(calls).where(eq(calls.uniqueId, 'new-0'));
    expect(await tableFlags(db)).toEqual(expectedFlags(FINAL));
  });
});

describe('contacts of one citizen written at once (postgres)', () => {
  let url: string;
  let drop: () => Promise<void>;
  let db: Db;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestPostgresDatabase();
    ({ url, drop } = created);
    const database = await openDatabase({ url });
    db = database.db;
    close = database.close;
  });

  afterAll(async () => {
    await close();
    await drop();
  });

  it('lets the second wait for the first, so each sees the other', async () => {
    const first = new pg.Client({ connectionString: url });
    const second = new pg.Client({ connectionString: url });
    await first.connect();
    await second.connect();
    try {
      const insert = (client: pg.Client, id: string, at: string) =>
        client.query(`insert into calls (unique_id, caller, started_at, category) values ($1, $2, $3, 'parks_trees')`, [id, A, at]);
      await first.query('begin');
      await insert(first, 'at-once-1', '2026-04-22T06:00:00Z');
      await second.query('begin');
      const secondPid = Number((await second.query('select pg_backend_pid() as pid')).rows[0].pid);
      const secondInsert = insert(second, 'at-once-2', '2026-04-23T06:00:00Z').then(() => second.query('commit'));
      // The second waits on the citizen's lock until the first commits (awaited, not slept).
      await expect.poll(async () => (await first.query(`select wait_event_type from pg_stat_activity where pid = $1`, [secondPid])).rows[0]?.wait_event_type, { timeout: 10_000, interval: 20 }).toBe('Lock');
      await first.query('commit');
      await secondInsert;
    } finally {
      await first.end();
      await second.end();
    }
    const rows = await db.select().from(citizenContacts).orderBy(citizenContacts.at);
    expect(rows.map((r) => [r.repeat, r.followed])).toEqual([
      [false, true],
      [true, false],
    ]);
  });
});

withTestDatabases((getDatabase) => {
  describe('a citizen who calls often', () => {
    const C = '09127000003';
    const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 6, minute));
    const sinceOfAll = async () => {
      const rows = await getDatabase().db.select().from(citizenContacts).where(eq(citizenContacts.citizen, C));
      return new Set(rows.map((r) => r.citizenSince.toISOString()));
    };

    beforeAll(async () => {
      const { db } = getDatabase();
      for (let minute = 0; minute < 200; minute++) await db.insert(calls).values({ uniqueId: `often-${minute}`, caller: C, startedAt: at(minute) });
    });

    it('writes a new call of theirs reading a few of their contacts, not every one', async () => {
      const { db } = getDatabase();
      // Tuples of citizen_contacts read so far by this transaction (PostgreSQL's own count).
      const read = async (tx: Pick<Db, 'execute'>) => {
        const result = (await tx.execute(
          sql`select coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) as n from pg_stat_xact_user_tables where relname = 'citizen_contacts'`,
        )) as unknown as { rows: { n: string | number }[] };
        return Number(result.rows[0]?.n ?? 0);
      };
      const used = await db.transaction(async (tx) => {
        // As on a table of millions of contacts: a few hundred rows are cheaper to scan whole.
        await tx.execute(sql`set local enable_seqscan = off`);
        const before = await read(tx);
        // As the IVR writes a call: its row at the answer, its topic at the end.
        await tx.insert(calls).values({ uniqueId: 'often-new', caller: C, startedAt: at(500) });
        await tx.update(calls).set({ category: 'parks_trees', district: 4 }).where(eq(calls.uniqueId, 'often-new'));
        return (await read(tx)) - before;
      });
      // 0028 read all 200 earlier contacts at each of the two writes.
      expect(used).toBeLessThan(20);
      expect(await sinceOfAll()).toEqual(new Set([at(0).toISOString()]));
    });

    it('gives all their contacts the new first contact when the first one goes, moves or comes earlier', async () => {
      const { db } = getDatabase();
      await db.delete(calls).where(eq(calls.uniqueId, 'often-0'));
      expect(await sinceOfAll()).toEqual(new Set([at(1).toISOString()]));
      await db.update(calls).set({ startedAt: at(700) }).where(eq(calls.uniqueId, 'often-1'));
      expect(await sinceOfAll()).toEqual(new Set([at(2).toISOString()]));
      await db.insert(calls).values({ uniqueId: 'often-earlier', caller: C, startedAt: at(-30) });
      expect(await sinceOfAll()).toEqual(new Set([at(-30).toISOString()]));
      // No longer a citizen's call (an outbound survey, say): it leaves, and so does its first place.
      await db.update(calls).set({ direction: 'outbound' }).where(eq(calls.uniqueId, 'often-earlier'));
      expect(await sinceOfAll()).toEqual(new Set([at(2).toISOString()]));
    });
  });
});
