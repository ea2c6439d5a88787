import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallbackRepo } from '../../src/outbound/adapters/db/callback-repo.js';
import { openDatabase, type Database } from '../../src/adapters/db/database.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { DEFAULT_DIALLING_WINDOW } from '../../src/outbound/domain/dialling-window.js';
import { CALLBACK_RETRY_DELAYS_MS, DEFAULT_MAX_ATTEMPTS } from '../../src/outbound/domain/retry-policy.js';
import { createCallbackService } from '../../src/outbound/services/callback-service.js';

const policy = { maxAttempts: DEFAULT_MAX_ATTEMPTS, retryDelaysMs: CALLBACK_RETRY_DELAYS_MS, window: DEFAULT_DIALLING_WINDOW, holidays: [] };

let database: Database;

beforeAll(async () => {
  database = await openDatabase({});
});
afterAll(async () => {
  await database?.close();
});

describe('callback requests', () => {
  it('keep the place in line, answer the caller even when the job queue hangs, and are queued by the sweep', async () => {
    const repos = createRepositories(database);
    const callbacks = createCallbackRepo(database.db);
    const joinedAt = new Date('2026-11-27T07:00:00Z');
    await repos.calls.start({ uniqueId: 'cb-1', caller: '09121112233', startedAt: new Date('2026-11-27T06:59:00Z') });
    await repos.calls.update('cb-1', { queue: 'parks_trees', queueJoinedAt: joinedAt });

    // Redis unreachable: scheduling never settles.
    const hanging = createCallbackService({
      callbacks,
      calls: repos.calls,
      policy,
      schedule: () => new Promise(() => undefined),
      now: () => new Date('2026-11-27T07:01:00Z'),
      logger: pino({ level: 'silent' }),
    });
    const started = Date.now();
    const id = await hanging.request({ callUniqueId: 'cb-1', caller: '+98 912 111 2233' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await callbacks.findById(id)).toMatchObject({ phone: '09121112233', queue: 'parks_trees', status: 'pending', waitingSince: joinedAt });

    // Pressing 1 again while the first request is open does not make a second one.
    expect(await hanging.request({ callUniqueId: 'cb-1', caller: '09121112233' })).toBe(id);

    const scheduled: string[] = [];
    const working = createCallbackService({
      callbacks,
      calls: repos.calls,
      policy,
      schedule: async () => undefined,
      now: () => new Date(),
      logger: pino({ level: 'silent' }),
      ensureQueued: async (callbackId, attempt, at) => {
        scheduled.push(`${callbackId}#${attempt}@${at?.toISOString() ?? 'now'}`);
        return true;
      },
    });
    expect(await working.sweep()).toEqual({ lost: 0, requeued: 1 });
    expect(scheduled).toEqual([`${id}#1@now`]);
  });

  it('refuses a caller without a number (nobody to call back)', async () => {
    const repos = createRepositories(database);
    const service = createCallbackService({
      callbacks: createCallbackRepo(database.db),
      calls: repos.calls,
      policy,
      schedule: async () => undefined,
      now: () => new Date(),
      logger: pino({ level: 'silent' }),
    });
    await expect(service.request({ callUniqueId: 'nobody', caller: null })).rejects.toThrow(/no number/);
  });
});
