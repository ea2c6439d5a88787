import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, pglitePoolOptions, type Database } from '../../src/adapters/db/database.js';
import { PgliteThread } from '../../src/adapters/db/pglite-thread.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openPglite(): Promise<Database> {
  const database = await openDatabase({});
  cleanups.push(() => database.close());
  return database;
}

async function rows<T>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** What a failing query says: drizzle wraps the driver's error ("Failed query: …") as its cause. */
async function failure(query: Promise<unknown>): Promise<string> {
  try {
    await query;
  } catch (err) {
    const cause = (err as Error).cause;
    return cause instanceof Error ? cause.message : (err as Error).message;
  }
  throw new Error('the query did not fail');
}

/** A PGlite thread and a pool on it, as openDatabase builds them, with the thread at hand. */
async function openThread(): Promise<{ thread: PgliteThread; pool: pg.Pool }> {
  const thread = await PgliteThread.start(undefined);
  const pool = new pg.Pool(pglitePoolOptions(thread));
  pool.on('error', () => undefined);
  cleanups.push(async () => {
    await pool.end().catch(() => undefined);
    await thread.close();
  });
  return { thread, pool };
}

describe('PGlite on its own thread, through pg', () => {
  it('is migrated, and answers as pg answers PostgreSQL (types parsed by pg)', async () => {
    const database = await openPglite();
    expect(database.kind).toBe('pglite');
    const [row] = await rows<{ n: number; big: unknown }>(
      database,
      sql`select (select count(*)::int from drizzle.__drizzle_migrations) as n, 9007199254740993::bigint as big`,
    );
    expect(row?.n).toBeGreaterThan(20);
    // pg's default for int8: a string, never a rounded number.
    expect(row?.big).toBe('9007199254740993');
  });

  it('runs concurrent queries and a transaction on its one session, each query its own answer', async () => {
    const database = await openPglite();
    await database.db.execute(sql`create table t (n int not null)`);
    const inserted = Array.from({ length: 40 }, (_, n) => database.db.execute(sql`insert into t values (${n}) returning n`));
    const committed = database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into t values (1000)`);
      await tx.execute(sql`insert into t values (1001)`);
    });
    const rolledBack = database.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into t values (2000)`);
        throw new Error('changed my mind');
      })
      .catch((err: Error) => err.message);
    const answers = await Promise.all(inserted);
    expect(answers.map((r) => (r as unknown as { rows: { n: number }[] }).rows[0]?.n)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    await committed;
    expect(await rolledBack).toBe('changed my mind');
    const [count] = await rows<{ all: number; big: number }>(database, sql`select count(*)::int as all, count(*) filter (where n >= 1000)::int as big from t`);
    expect(count).toEqual({ all: 42, big: 2 });
  });

  it('stays usable after a failing statement, in or out of a transaction', async () => {
    const database = await openPglite();
    // Simple protocol, then extended (a parameter): both leave the session ready.
    expect(await failure(database.db.execute(sql.raw('select 1/0')))).toMatch(/division by zero/);
    expect(await failure(database.db.execute(sql`select ${'x'}::int`))).toMatch(/invalid input syntax/);
    expect(
      await failure(
        database.db.transaction(async (tx) => {
          await tx.execute(sql`select 1/0`);
        }),
      ),
    ).toMatch(/division by zero/);
    const [row] = await rows<{ n: number; open: boolean }>(database, sql`select 1 as n, pg_current_xact_id_if_assigned() is not null as open`);
    expect(row).toEqual({ n: 1, open: false });
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('is gone once closed, when in memory', async () => {
    const first = await openPglite();
    await first.db.execute(sql`create table kept (n int)`);
    await first.close();
    expect(await failure(first.ping())).toMatch(/after calling end on the pool/);
    const second = await openPglite();
    expect(await failure(second.db.execute(sql`select * from kept`))).toMatch(/does not exist/);
  });

  it('gives each new connection a fresh session, as a server does (no transaction or prepared statement left over)', async () => {
    const { pool } = await openThread();
    const first = await pool.connect();
    await first.query({ name: 'answer', text: 'select $1::int as n', values: [1] });
    await first.query('begin');
    await first.query('create table left_over (n int)');
    first.release(new Error('dropped, as pg drops a broken client'));
    const second = await pool.connect();
    try {
      // pg prepares "answer" again on its new connection: PGlite must not still have it.
      expect((await second.query({ name: 'answer', text: 'select $1::int as n', values: [2] })).rows).toEqual([{ n: 2 }]);
      expect((await second.query(`select to_regclass('left_over') is null as gone`)).rows).toEqual([{ gone: true }]);
    } finally {
      second.release();
    }
  });

  it('fails a query in flight, and every later one, with a clear error when its thread dies', async () => {
    const { thread, pool } = await openThread();
    expect((await pool.query('select 1 as n')).rows).toEqual([{ n: 1 }]);
    // Long enough (seconds of WebAssembly) to be running still when the thread is stopped.
    const inFlight = pool.query('select count(*) from generate_series(1, 200000000)');
    const settled = inFlight.then(
      () => 'answered',
      (err: Error) => err.message,
    );
    await thread.terminate();
    expect(await settled).toMatch(/PGlite database thread stopped/);
    await expect(pool.query('select 1')).rejects.toThrow(/PGlite database thread stopped/);
  });

  it('reports the database down (ping fails) rather than hanging once its thread is gone', async () => {
    const { thread, pool } = await openThread();
    const db = drizzle({ client: pool });
    await db.execute(sql`select 1`);
    await thread.terminate();
    expect(await failure(db.execute(sql`select 1`))).toMatch(/PGlite database thread stopped/);
    expect(await failure(db.execute(sql`select 1`))).toMatch(/PGlite database thread stopped/);
  });
});
