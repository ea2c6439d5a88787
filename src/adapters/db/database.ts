import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { findMigrationsFolder } from './migrations-folder.js';
import { initialisePgliteFolder, PgliteThread } from './pglite-thread.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The query API both drivers share; repositories only ever see this. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection URL; when absent, an embedded PGlite database is used. */
  url?: string;
  /** PGlite data folder (created if missing); undefined = in memory. */
  pgliteDir?: string;
  /** PostgreSQL time limits (config.databaseTimeouts); the defaults below when absent. */
  timeouts?: Partial<PostgresTimeouts>;
}

export interface PostgresTimeouts {
  connectMs: number;
  statementMs: number;
  queryMs: number;
  idleInTransactionMs: number;
}

const DEFAULT_TIMEOUTS: PostgresTimeouts = { connectMs: 5_000, statementMs: 10_000, queryMs: 12_000, idleInTransactionMs: 30_000 };

// Arbitrary but fixed: every instance of the service migrates under the same lock.
const MIGRATION_LOCK_ID = 137_0001;

/** Opens the database and brings its schema up to date before handing it out. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, { ...DEFAULT_TIMEOUTS, ...opts.timeouts }) : openPglite(opts.pgliteDir);
}

/**
 * pg waits forever by default: for a connection, for a statement, for a server that
 * stopped answering (SIGSTOP, a dead link). Every call of the IVR waits on these, so a
 * hung database meant silence for the caller; with limits the query fails and the IVR
 * takes its fallback (the message is kept, the caller is told so).
 */
export function poolOptions(url: string, t: PostgresTimeouts): pg.PoolConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: t.connectMs,
    statement_timeout: t.statementMs,
    query_timeout: t.queryMs,
    idle_in_transaction_session_timeout: t.idleInTransactionMs,
  };
}

async function openPostgres(url: string, timeouts: PostgresTimeouts): Promise<Database> {
  await migratePostgres(url, timeouts.connectMs);
  const pool = new pg.Pool(poolOptions(url, timeouts));
  // An idle client dropped by the server emits 'error' on the pool; unhandled it would
  // crash the process. The next query fails instead and health reports the database down.
  pool.on('error', () => undefined);
  const db = drizzleNodePg({ client: pool, schema });
  let closing: Promise<void> | undefined;
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    // pg's Pool throws on a second end(); shutdown paths may close twice.
    close: () => (closing ??= pool.end()),
  };
}

/**
 * Migrates on a connection of its own, without statement limits: waiting for another
 * replica's migration (the advisory lock) or a long migration is not a hung database.
 */
async function migratePostgres(url: string, connectMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectMs });
  client.on('error', () => undefined);
  await client.connect();
  try {
    // Two replicas starting together must not apply the same migration twice.
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await migrateNodePg(drizzleNodePg({ client, schema }), { migrationsFolder: findMigrationsFolder() });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * PGlite runs on a thread of its own (pglite-thread.ts) and is spoken to through `pg`
 * over the PostgreSQL wire protocol, like a server: the engine's event loop never runs a
 * statement, and both databases go through the same driver and migrator.
 */
async function openPglite(dir: string | undefined): Promise<Database> {
  if (dir) {
    await mkdir(dir, { recursive: true });
    if (!existsSync(path.join(dir, 'PG_VERSION'))) {
      // initdb writes PG_VERSION early: run in place, a first start killed midway would
      // leave a half-made database that every later start takes for a whole one. So it
      // runs in a folder of its own, renamed into place once complete.
      const staging = `${dir}.initdb`;
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      await initialisePgliteFolder(staging);
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    }
  }
  return startPglite(dir);
}

export function pglitePoolOptions(thread: PgliteThread): pg.PoolConfig {
  return {
    stream: () => thread.connect(),
    // PGlite is one session: one connection, on which the pool queues queries and a
    // transaction holds it. Kept open (no idle timeout): reconnecting buys nothing.
    max: 1,
    idleTimeoutMillis: 0,
    // Explicit, so PGUSER/PGSSLMODE meant for a PostgreSQL server do not apply here.
    user: 'postgres',
    database: 'postgres',
    ssl: false,
  };
}

/** PGlite on a new thread, migrated, behind a one-connection `pg` pool. */
async function startPglite(dir: string | undefined): Promise<Database> {
  const thread = await PgliteThread.start(dir);
  const pool = new pg.Pool(pglitePoolOptions(thread));
  // As for PostgreSQL: a session that fails while idle must not crash the process.
  pool.on('error', () => undefined);
  const db = drizzleNodePg({ client: pool, schema });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await pool.end().catch(() => undefined);
      await thread.close();
    })());
  try {
    await migrateNodePg(db, { migrationsFolder: findMigrationsFolder() });
  } catch (err) {
    await close();
    throw err;
  }
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close,
  };
}
