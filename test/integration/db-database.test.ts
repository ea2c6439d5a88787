import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/db/database.js';
import { findMigrationsFolder } from '../../src/adapters/db/migrations-folder.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { createTestPostgresDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';

/** Every migration in the journal is applied exactly once, however often the database is opened. */
const MIGRATION_COUNT = (
  JSON.parse(readFileSync(path.join(findMigrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;

const root = path.resolve(import.meta.dirname, '../..');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hotline-db-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function open(kind: 'pglite' | 'postgres'): Promise<TestDatabase> {
  const opened = await openTestDatabase(kind);
  cleanups.push(() => opened.cleanup());
  return opened;
}

type Shape = { columns: unknown[]; constraints: unknown[]; indexes: unknown[] };

async function rows<T>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await database.db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

async function shape(database: Database): Promise<Shape> {
  return {
    columns: await rows(
      database,
      sql`select table_name, column_name, data_type, is_nullable, column_default
          from information_schema.columns where table_schema = 'public' order by 1, 2`,
    ),
    constraints: await rows(
      database,
      sql`select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def
          from pg_constraint
          -- PGlite's newer PostgreSQL also lists NOT NULL here; nullability is compared via columns.
          where connamespace = 'public'::regnamespace and contype <> 'n' order by 1, 2`,
    ),
    indexes: await rows(
      database,
      sql`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2`,
    ),
  };
}

describe('migrations folder', () => {
  it('is found from src/ and from a built dist/ alike', () => {
    const expected = path.join(root, 'migrations');
    expect(findMigrationsFolder()).toBe(expected);
    expect(findMigrationsFolder(pathToFileURL(path.join(root, 'dist/adapters/db/database.js')).href)).toBe(expected);
  });

  it('says where it looked when there is none', () => {
    expect(() => findMigrationsFolder(pathToFileURL('/nowhere/at/all.js').href)).toThrow(/_journal\.json above/);
  });
});

describe('openDatabase', () => {
  it('gives PGlite and PostgreSQL the very same schema from the same migrations', async () => {
    const [lite, postgres] = await Promise.all([open('pglite'), open('postgres')]);
    const [a, b] = await Promise.all([shape(lite.database), shape(postgres.database)]);
    expect(a.columns.length).toBeGreaterThan(30);
    expect(a.constraints.length).toBeGreaterThan(15);
    expect(a).toEqual(b);
  });

  it('keeps PGlite data in its folder across restarts and migrates only once', async () => {
    const dir = path.join(await tempDir(), 'nested', 'pglite');
    const first = await openDatabase({ pgliteDir: dir });
    expect(first.kind).toBe('pglite');
    await createRepositories(first).settings.set('k', 'v');
    await first.close();

    const second = await openDatabase({ pgliteDir: dir });
    cleanups.push(() => second.close());
    expect(await createRepositories(second).settings.get('k')).toBe('v');
    const applied = await rows<{ n: number }>(second, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(applied[0]?.n).toBe(MIGRATION_COUNT);
  });

  it('lets several service instances start on one PostgreSQL database at once', async () => {
    const created = await createTestPostgresDatabase();
    cleanups.push(() => created.drop());
    const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ url: created.url })));
    for (const database of opened) cleanups.push(() => database.close());
    expect(opened.map((d) => d.kind)).toEqual(['postgres', 'postgres', 'postgres']);
    const applied = await rows<{ n: number }>(opened[0]!, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(applied[0]?.n).toBe(MIGRATION_COUNT);
  });

  it.each(['pglite', 'postgres'] as const)('%s: ping fails once closed', async (kind) => {
    const { database } = await open(kind);
    await expect(database.ping()).resolves.toBeUndefined();
    await database.close();
    await expect(database.ping()).rejects.toThrow();
    await expect(database.close()).resolves.toBeUndefined();
  });

  it('ends a statement that runs past DB_STATEMENT_TIMEOUT_MS instead of waiting on it', async () => {
    const created = await createTestPostgresDatabase();
    cleanups.push(() => created.drop());
    const database = await openDatabase({ url: created.url, timeouts: { statementMs: 300 } });
    cleanups.push(() => database.close());
    const failure = await database.db.execute(sql`select pg_sleep(5)`).then(() => null, (err: Error) => err);
    // drizzle wraps the driver's error: the server's own reason is its cause.
    expect((failure?.cause as Error | undefined)?.message).toMatch(/statement timeout/);
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('gives up on a server that accepts connections but never answers (a hung database)', async () => {
    // A socket that takes the connection and says nothing: what a SIGSTOPped server looks like.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    await expect(openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/none`, timeouts: { connectMs: 300 } })).rejects.toThrow(
      /timeout/i,
    );
  });

  it('fails clearly when the PostgreSQL server cannot be reached', async () => {
    await expect(openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('test database fixture', () => {
  it('fails, rather than skips, the PostgreSQL suite without TEST_DATABASE_URL', async () => {
    const saved = process.env.TEST_DATABASE_URL;
    delete process.env.TEST_DATABASE_URL;
    try {
      await expect(openTestDatabase('postgres')).rejects.toThrow(/TEST_DATABASE_URL is not set/);
    } finally {
      process.env.TEST_DATABASE_URL = saved;
    }
  });
});
