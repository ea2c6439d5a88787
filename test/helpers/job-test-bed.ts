import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Database } from '../../src/adapters/db/database.js';
import { createRepositories, type Repositories } from '../../src/adapters/db/repositories.js';
import { queueConnection } from '../../src/adapters/jobs/queues.js';
import { openTestDatabase, truncateAll, type TestDatabase } from './database.js';

export const connection = queueConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

export interface JobTestBed {
  /** Valid in hooks and tests only, as are the others but `closers`. */
  readonly database: Database;
  readonly repos: Repositories;
  /** A fresh BullMQ prefix per test: tests and files never share Redis keys. */
  readonly prefix: string;
  /** Run last first after each test (workers, servers), before the queues are emptied. */
  readonly closers: (() => Promise<unknown>)[];
}

/**
 * The hooks of a BullMQ job suite: one PostgreSQL database for the file, emptied before
 * each test, a fresh prefix per test, and after it the closers, then `queues` under that
 * prefix obliterated. Call at the top of the file, before the file's own hooks.
 */
export function useJobTestBed(queues: string[]): JobTestBed {
  let testDb: TestDatabase | undefined;
  let repos: Repositories | undefined;
  let prefix = '';
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    testDb = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await testDb?.cleanup();
  });
  beforeEach(async () => {
    await truncateAll(testDb!.database);
    repos = createRepositories(testDb!.database);
    prefix = `test-${randomBytes(6).toString('hex')}`;
  });
  afterEach(async () => {
    while (closers.length) await closers.pop()!().catch(() => undefined);
    for (const name of queues) {
      const q = new Queue(name, { connection, prefix });
      await q.obliterate({ force: true });
      await q.close();
    }
  });

  return {
    get database() {
      return testDb!.database;
    },
    get repos() {
      return repos!;
    },
    get prefix() {
      return prefix;
    },
    closers,
  };
}
