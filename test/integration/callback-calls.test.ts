import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallbackRepo } from '../../src/adapters/db/callback-repo.js';
import type { Database } from '../../src/adapters/db/database.js';
import { createRepositories, type Repositories } from '../../src/adapters/db/repositories.js';
import { createDoNotCallRepo, createSurveyRepo } from '../../src/adapters/db/survey-repo.js';
import { createCallbackCalls, type Dialler } from '../../src/adapters/jobs/callback-jobs.js';
import { queueConnection } from '../../src/adapters/jobs/queues.js';
import { OUTBOUND_QUEUE, startSurveyJobs } from '../../src/adapters/jobs/survey-jobs.js';
import { DEFAULT_DIALLING_WINDOW, type DiallingWindowConfig } from '../../src/domain/callbacks/dialling-window.js';
import { CALLBACK_RETRY_DELAYS_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAYS_MS } from '../../src/domain/callbacks/retry-policy.js';
import { createCallbackService } from '../../src/services/callback-service.js';
import { createSurveyService } from '../../src/services/survey-service.js';
import { openTestDatabase, truncateAll, type TestDatabase } from '../helpers/database.js';

const connection = queueConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const logger = pino({ level: 'silent' });
/* Tehran = UTC+03:30: Wednesday 2026-04-29 10:00, no holidays that week. */
const WED_1000 = new Date('2026-04-29T06:30:00Z');
const FRI_1200 = new Date('2026-05-01T08:30:00Z');
const NO_DELAY: DiallingWindowConfig = { ...DEFAULT_DIALLING_WINDOW, firstAttemptDelayMs: 0 };
const MIN = 60_000;

let testDb: TestDatabase;
let database: Database;
let repos: Repositories;
let prefix: string;
let clock: Date;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  testDb = await openTestDatabase('postgres');
  database = testDb.database;
});
afterAll(async () => {
  await testDb?.cleanup();
});
beforeEach(async () => {
  await truncateAll(database);
  repos = createRepositories(database);
  prefix = `test-${randomBytes(6).toString('hex')}`;
  clock = WED_1000;
});
afterEach(async () => {
  while (closers.length) await closers.pop()!().catch(() => undefined);
  const q = new Queue(OUTBOUND_QUEUE, { connection, prefix });
  await q.obliterate({ force: true });
  await q.close();
});

/** One engine: the shared outbound queue (cap `cap`) running survey and callback jobs against stand-in diallers. */
function engine(cap = 5) {
  const callbackRepo = createCallbackRepo(database.db);
  const surveyRepo = createSurveyRepo(database.db);
  const doNotCall = createDoNotCallRepo(database.db);
  const placed: string[] = [];
  const onLine = new Set<string>();
  let agentsFree = 1;
  const dialler: Dialler = {
    async originate({ callbackId }) {
      placed.push(`callback:${callbackId}`);
      onLine.add(callbackId);
    },
    availableAgents: async () => agentsFree,
  };
  const policy = { maxAttempts: DEFAULT_MAX_ATTEMPTS, window: NO_DELAY, holidays: [] };
  const callbacks = createCallbackService({
    callbacks: callbackRepo,
    calls: repos.calls,
    schedule: (id, attempt, at) => jobs.scheduleCallback(id, attempt, at),
    policy: { ...policy, retryDelaysMs: CALLBACK_RETRY_DELAYS_MS },
    now: () => clock,
    logger,
  });
  const surveys = createSurveyService({
    surveys: surveyRepo,
    doNotCall,
    cases: repos.cases,
    schedule: (job) => jobs.schedule(job),
    callOver: (id) => jobs.callOver(id),
    policy: { ...policy, retryDelaysMs: DEFAULT_RETRY_DELAYS_MS },
    now: () => clock,
    logger,
  });
  const callbackCalls = createCallbackCalls({
    callbacks: callbackRepo,
    dialler,
    window: NO_DELAY,
    holidays: [],
    callEnded: (input) => callbacks.onCallEnded(input),
    now: () => clock,
    logger,
    pollMs: 50,
  });
  const jobs = startSurveyJobs({
    connection,
    prefix,
    maxConcurrent: cap,
    callbackCalls: () => callbackCalls,
    surveys: surveyRepo,
    cases: repos.cases,
    doNotCall,
    dialler: {
      async originate({ surveyId }) {
        placed.push(`survey:${surveyId}`);
        onLine.add(surveyId);
      },
    },
    window: NO_DELAY,
    holidays: [],
    callEnded: (input) => surveys.onCallEnded(input),
    now: () => clock,
    logger,
    pollMs: 50,
  });
  closers.push(() => jobs.close(true));
  async function request(phone: string): Promise<string> {
    const id = `cb-${randomBytes(4).toString('hex')}`;
    await repos.calls.start({ uniqueId: id, caller: phone, startedAt: clock });
    await repos.calls.update(id, { queue: 'general', queueJoinedAt: clock });
    return callbacks.request({ callUniqueId: id, caller: phone });
  }
  const waitPlaced = (n: number) => vi.waitFor(() => expect(placed.length).toBeGreaterThanOrEqual(n), { timeout: 10_000, interval: 25 });
  return {
    jobs,
    callbacks,
    surveys,
    callbackRepo,
    doNotCall,
    placed,
    onLine,
    request,
    waitPlaced,
    setAgentsFree: (n: number) => (agentsFree = n),
    async end(callbackId: string, answered: boolean, cause: number | null) {
      onLine.delete(callbackId);
      return callbacks.onCallEnded({ callbackId, answered, cause });
    },
  };
}

describe('queue callbacks on the shared dialler', () => {
  it('no answer is retried 10 min later, then 30 min later; each attempt and cause is recorded; 3 in all', async () => {
    const e = engine();
    await e.jobs.ready;
    const id = await e.request('09121112233');
    await e.waitPlaced(1);
    expect(await e.callbackRepo.findById(id)).toMatchObject({ status: 'dialling', attempts: 1 });

    expect(await e.end(id, false, 19)).toEqual({ kind: 'retry', at: new Date(WED_1000.getTime() + 10 * MIN) });
    const second = (await e.jobs.queue.getJob(`callback-${id}-attempt-2`))!;
    expect(await second.getState()).toBe('delayed');
    clock = new Date(WED_1000.getTime() + 10 * MIN);
    await second.promote();
    await e.waitPlaced(2);
    expect(await e.end(id, false, 17)).toEqual({ kind: 'retry', at: new Date(clock.getTime() + 30 * MIN) });
    clock = new Date(clock.getTime() + 30 * MIN);
    await (await e.jobs.queue.getJob(`callback-${id}-attempt-3`))!.promote();
    await e.waitPlaced(3);
    expect(await e.end(id, false, 34)).toEqual({ kind: 'give_up', reason: 'attempts_exhausted' });
    expect(await e.end(id, false, 34)).toBeNull();

    expect(await e.callbackRepo.findById(id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await e.callbackRepo.attempts(id)).map((a) => [a.attempt, a.hangupCause, a.hangupCauseName, a.outcome])).toEqual([
      [1, 19, 'NO_ANSWER', 'no_answer'],
      [2, 17, 'USER_BUSY', 'busy'],
      [3, 34, 'NORMAL_CIRCUIT_CONGESTION', 'congestion'],
    ]);
    expect(await e.jobs.queue.getJob(`callback-${id}-attempt-4`)).toBeUndefined();
  });

  it('an invalid number fails at once; an answered call is connected and not retried', async () => {
    const e = engine();
    await e.jobs.ready;
    const bad = await e.request('09121112233');
    await e.waitPlaced(1);
    expect(await e.end(bad, false, 1)).toEqual({ kind: 'give_up', reason: 'invalid_number' });
    expect(await e.callbackRepo.findById(bad)).toMatchObject({ status: 'failed', lastResult: 'invalid_number', attempts: 1 });

    const good = await e.request('09124445566');
    await e.waitPlaced(2);
    await e.callbackRepo.setStatus(good, 'connected', 'answered'); // what callbacks.answered does
    expect(await e.end(good, true, 16)).toEqual({ kind: 'done' });
    expect(await e.callbackRepo.findById(good)).toMatchObject({ status: 'connected' });
    expect((await e.callbackRepo.attempts(good))[0]).toMatchObject({ outcome: 'answered', hangupCause: 16 });
  });

  it('ignores the do-not-call list (the citizen asked for this call), but waits for an agent and for the window', async () => {
    const e = engine();
    await e.jobs.ready;
    await e.doNotCall.add({ phone: '09121112233', reason: 'survey_opt_out', actor: 'survey', at: clock });
    e.setAgentsFree(0);
    clock = FRI_1200;
    const id = await e.request('09121112233');
    const job = (await e.jobs.queue.getJob(`callback-${id}`))!;
    // Friday: outside the dialling window, delayed to Saturday 09:00.
    await vi.waitFor(async () => expect(await job.getState()).toBe('delayed'), { timeout: 5_000, interval: 25 });
    expect(e.placed).toEqual([]);
    clock = new Date('2026-05-02T05:30:00Z');
    await job.promote();
    // Inside the window, but no agent free: delayed again, not dialled.
    await vi.waitFor(
      async () => {
        const again = (await e.jobs.queue.getJob(`callback-${id}`))!;
        expect(again.attemptsStarted).toBeGreaterThanOrEqual(2);
        expect(await again.getState()).toBe('delayed');
      },
      { timeout: 5_000, interval: 25 },
    );
    expect(e.placed).toEqual([]);
    e.setAgentsFree(1);
    await (await e.jobs.queue.getJob(`callback-${id}`))!.promote();
    await e.waitPlaced(1);
    expect(e.placed).toEqual([`callback:${id}`]);
  });

  it('one global cap for survey and callback calls: a callback waits for the slot a survey holds, then goes first', async () => {
    const e = engine(1);
    await e.jobs.ready;
    expect(await e.jobs.queue.getGlobalConcurrency()).toBe(1);
    const c1 = await repos.cases.create({ channel: 'phone', category: 'streets_lighting', district: 7, callerPhone: '09127778899', description: 'x', actor: 'a' });
    const c2 = await repos.cases.create({ channel: 'phone', category: 'streets_lighting', district: 7, callerPhone: '09127778800', description: 'x', actor: 'a' });
    for (const c of [c1, c2]) {
      const resolved = await repos.cases.transition({ caseId: c.id, from: 'new', to: 'resolved', actor: 'a', note: 'ok', at: clock });
      const closed = await repos.cases.transition({ caseId: c.id, from: resolved.status, to: 'closed', actor: 'a', at: clock });
      await e.surveys.onCaseClosed(closed, clock);
    }
    await e.waitPlaced(1);
    expect(e.placed[0]).toMatch(/^survey:/);
    const id = await e.request('09121112233');
    // The slot is taken: the callback job waits (not active) and nothing else is dialled.
    expect(await (await e.jobs.queue.getJob(`callback-${id}`))!.getState()).toBe('waiting');
    expect(await e.jobs.queue.getJobCounts('active')).toEqual({ active: 1 });
    expect(e.placed).toHaveLength(1);
    expect(e.onLine.size).toBe(1);

    const surveyId = e.placed[0]!.slice('survey:'.length);
    e.onLine.delete(surveyId);
    await e.surveys.onCallEnded({ surveyId, answered: true, cause: 16 });
    await e.waitPlaced(2);
    expect(e.placed[1]).toBe(`callback:${id}`);
    expect(e.onLine.size).toBe(1);
  });
});
