import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { findMigrationsFolder } from './migrations-folder.js';
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
}

// Arbitrary but fixed: every instance of the service migrates under the same lock.
const MIGRATION_LOCK_ID = 137_0001;

/** Opens the database and brings its schema up to date before handing it out. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url) : openPglite(opts.pgliteDir);
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url });
  // An idle client dropped by the server emits 'error' on the pool; unhandled it would
  // crash the process. The next query fails instead and health reports the database down.
  pool.on('error', () => undefined);
  try {
    // Two replicas starting together must not apply the same migration twice.
    const client = await pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      try {
        await migrateNodePg(drizzleNodePg({ client, schema }), { migrationsFolder: findMigrationsFolder() });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
      }
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    throw err;
  }
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

async function openPglite(dir: string | undefined): Promise<Database> {
  if (dir) await mkdir(dir, { recursive: true });
  const client = dir ? new PGlite(dir) : new PGlite();
  const db = drizzlePglite({ client, schema });
  try {
    await client.waitReady;
    await migratePglite(db, { migrationsFolder: findMigrationsFolder() });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}
