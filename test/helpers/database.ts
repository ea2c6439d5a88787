import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/db/database.js';

export const TEST_DATABASE_KINDS = ['pglite', 'postgres'] as const;
export type TestDatabaseKind = (typeof TEST_DATABASE_KINDS)[number];

export interface TestDatabase {
  database: Database;
  /** Closes the database and, for PostgreSQL, drops the throw-away database. */
  cleanup(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (!url) {
    // Failing rather than skipping: a green run must mean PostgreSQL was really tested.
    throw new Error(
      'TEST_DATABASE_URL is not set: the PostgreSQL tests need a server URL ' +
        '(npm test starts one; e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:54329/postgres)',
    );
  }
  return url;
}

/**
 * A fresh, empty PostgreSQL database `hotline_test_<random>` on the TEST_DATABASE_URL
 * server, so parallel test files and runs never share rows. `drop` removes it even if
 * connections are still open.
 */
export async function createTestPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = serverUrl();
  const name = `hotline_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A migrated database of the given kind: PGlite in memory, or a fresh PostgreSQL database. */
export async function openTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await openDatabase({});
    return { database, cleanup: () => database.close() };
  }
  const created = await createTestPostgresDatabase();
  try {
    const database = await openDatabase({ url: created.url });
    return {
      database,
      async cleanup() {
        await database.close();
        await created.drop();
      },
    };
  } catch (err) {
    await created.drop();
    throw err;
  }
}

/**
 * Empties every table, for suites that share one database across tests. A statement the
 * previous test left running in the background (a job's last write) can hold one of the
 * tables while TRUNCATE holds another: PostgreSQL then aborts the TRUNCATE as a deadlock
 * (seen in CI). It is tried again once that statement is through.
 */
export async function truncateAll(database: Database): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await database.db.execute(sql`truncate table case_events, cases, calls, citizen_contacts, settings cascade`);
      return;
    } catch (err) {
      const code = (err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code;
      if (code !== '40P01' || attempt >= 5) throw err;
    }
  }
}

/**
 * Declares `suite` once per database kind, each inside its own describe block with
 * its own database, opened before and dropped after that block.
 * `getDatabase()` is only valid inside hooks and tests.
 */
export function withTestDatabases(suite: (getDatabase: () => Database, kind: TestDatabaseKind) => void): void {
  for (const kind of TEST_DATABASE_KINDS) {
    describe(kind, () => {
      let opened: TestDatabase | undefined;
      let failure: unknown;
      beforeAll(async () => {
        // Kept and rethrown by every test: a failing beforeAll would only mark them skipped.
        opened = await openTestDatabase(kind).catch((err: unknown) => {
          failure = err;
          return undefined;
        });
      });
      afterAll(async () => {
        await opened?.cleanup();
      });
      suite(() => {
        if (!opened) throw failure ?? new Error(`the ${kind} test database is not open yet`);
        return opened.database;
      }, kind);
    });
  }
}
