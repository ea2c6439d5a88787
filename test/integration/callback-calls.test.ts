import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallbackRepo } from '../../src/outbound/adapters/db/callback-repo.js';
import type { Database } from '../../src/adapters/db/database.js';
import type { Repositories } from '../../src/adapters/db/repositories.js';
import { createDoNotCallRepo, createSurveyRepo } from '../../src/outbound/adapters/db/survey-repo.js';
import { createCallbackCalls } from '../../src/outbound/adapters/jobs/callback-jobs.js';
import { OUTBOUND_QUEUE, startOutboundJobs } from '../../src/outbound/adapters/jobs/outbound-jobs.js';
import { DEFAULT_CALLBACK_MAX_CALL_MS, type CallbackDialler } from '../../src/outbound/ports.js';
import { DEFAULT_DIALLING_WINDOW, type DiallingWindowConfig } from '../../src/outbound/domain/dialling-window.js';
import { CALLBACK_RETRY_DELAYS_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAYS_MS } from '../../src/outbound/domain/retry-policy.js';
import { createCallbackService } from '../../src/outbound/services/callback-service.js';
import { ENGINE_LOST } from '../../src/outbound/services/outbound-sweep.js';
import { createSurveyService } from '../../src/outbound/services/survey-service.js';
import { connection, useJobTestBed } from '../helpers/job-test-bed.js';
import { NO_COMMENTS } from '../helpers/surveyed-cases.js';

const logger = pino({ level: 'silent' });
/* Tehran = UTC+03:30: Wednesday 2026-04-29 10:00, no holidays that week. */
const WED_1000 = new Date('2026-04-29T06:30:00Z');
const FRI_1200 = new Date('2026-05-01T08:30:00Z');
const NO_DELAY: DiallingWindowConfig = { ...DEFAULT_DIALLING_WINDOW, firstAttemptDelayMs: 0 };
const MIN = 60_000;

const bed = useJobTestBed([OUTBOUND_QUEUE]);
const { closers } = bed;
let database: Database;
let repos: Repositories;
let prefix: string;
let clock: Date;

beforeEach(async () => {
  ({ database, repos, prefix } = bed);
  clock = WED_1000;
});

/**
 * One engine: the shared outbound queue (cap `cap`) running survey and callback jobs
 * against stand-in diallers. `live`: the callback ids Asterisk still has a channel for
 * (null: ARI cannot be asked); `work: false` runs no worker (a sweeping engine only).
 */
function engine(cap = 5, opts: { live?: Set<string> | null; work?: boolean } = {}) {
  const callbackRepo = createCallbackRepo(database.db);
  const surveyRepo = createSurveyRepo(database.db);
  const doNotCall = createDoNotCallRepo(database.db);
  const placed: string[] = [];
  const onLine = new Set<string>();
  let agentsFree = 1;
  const dialler: CallbackDialler = {
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
    liveCalls: async () => {
      if (opts.live === null) throw new Error('ARI is not connected');
      return opts.live ?? new Set();
    },
    ensureQueued: (id, attempt, at) => jobs.ensureCallbackQueued(id, attempt, at),
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
    comments: NO_COMMENTS,
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
  const jobs = startOutboundJobs({
    connection,
    prefix,
    maxConcurrent: cap,
    work: opts.work ?? true,
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

describe('crash recovery (the callback sweep)', () => {
  /** The sweep's bound: twice the longest a callback job waits on its call. */
  const BOUND = 2 * DEFAULT_CALLBACK_MAX_CALL_MS;
  const after = (ms: number) => new Date(WED_1000.getTime() + ms);

  /** A callback whose attempt `attempt` was started at `clock` by an engine that then died: no job, no worker. */
  async function diallingWithNoEngine(e: ReturnType<typeof engine>, attempt = 1) {
    const callback = await e.callbackRepo.create({ phone: '09121112233', queue: 'general', callId: null, caseId: null, waitingSince: clock });
    for (let n = 1; n < attempt; n++) {
      await e.callbackRepo.startAttempt(callback.id, n, clock);
      await e.callbackRepo.endAttempt(callback.id, n, { at: clock, cause: 19, causeName: 'NO_ANSWER', outcome: 'no_answer' });
      await e.callbackRepo.setStatus(callback.id, 'pending', 'no_answer');
    }
    expect(await e.callbackRepo.startAttempt(callback.id, attempt, clock)).toBe(true);
    return callback.id;
  }

  it('an engine killed while the callback rang: after the bound, the attempt is failed as engine-lost and retried 10 min later', async () => {
    const first = engine();
    await first.jobs.ready;
    const id = await first.request('09121112233');
    await first.waitPlaced(1);
    await first.jobs.close(true);

    const e = engine(5, { work: false });
    clock = after(BOUND - MIN);
    expect(await e.callbacks.sweep()).toEqual({ lost: 0, requeued: 0 });
    expect(await e.callbackRepo.findById(id)).toMatchObject({ status: 'dialling', attempts: 1 });

    clock = after(BOUND + MIN);
    expect(await e.callbacks.sweep()).toEqual({ lost: 1, requeued: 0 });
    expect(await e.callbackRepo.findById(id)).toMatchObject({ status: 'pending', attempts: 1, lastResult: 'failed' });
    expect(await e.callbackRepo.attempts(id)).toMatchObject([{ attempt: 1, hangupCause: null, hangupCauseName: ENGINE_LOST, outcome: 'failed', endedAt: clock }]);
    const retry = (await e.jobs.queue.getJob(`callback-${id}-attempt-2`))!;
    expect(retry.data).toEqual({ callbackId: id, attempt: 2 });
    expect(retry.delay).toBe(10 * MIN);
    expect(await retry.getState()).toBe('delayed');

    // Swept again: nothing more to do, and no second job.
    expect(await e.callbacks.sweep()).toEqual({ lost: 0, requeued: 0 });
    expect(await e.jobs.queue.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 1, waiting: 0 });
  });

  it('leaves a call Asterisk still has alone, and waits while ARI cannot say', async () => {
    const live = new Set<string>();
    const e = engine(5, { work: false, live });
    const id = await diallingWithNoEngine(e);
    live.add(id);
    clock = after(2 * BOUND);
    expect(await e.callbacks.sweep()).toEqual({ lost: 0, requeued: 0 });

    const blind = engine(5, { work: false, live: null });
    expect(await blind.callbacks.sweep()).toEqual({ lost: 0, requeued: 0 });
    expect(await e.callbackRepo.findById(id)).toMatchObject({ status: 'dialling' });
    expect((await e.callbackRepo.attempts(id))[0]!.endedAt).toBeNull();

    live.clear();
    expect((await e.callbacks.sweep()).lost).toBe(1);
  });

  it('an answered callback whose end never came is closed after the bound, stays connected and is not called again', async () => {
    const live = new Set<string>();
    const e = engine(5, { live });
    await e.jobs.ready;
    const id = await e.request('09121112233');
    await e.waitPlaced(1);
    await e.callbackRepo.setStatus(id, 'connected', 'answered'); // what callbacks.answered does
    await e.jobs.close(true); // the engine dies during the conversation
    live.add(id);

    // Still talking to an agent past the bound: left alone.
    clock = after(BOUND + MIN);
    expect(await e.callbacks.sweep()).toEqual({ lost: 0, requeued: 0 });
    expect((await e.callbackRepo.attempts(id))[0]!.endedAt).toBeNull();

    live.clear();
    expect(await e.callbacks.sweep()).toEqual({ lost: 1, requeued: 0 });
    expect(await e.callbackRepo.findById(id)).toMatchObject({ status: 'connected', attempts: 1 });
    expect(await e.callbackRepo.attempts(id)).toMatchObject([{ attempt: 1, hangupCause: null, hangupCauseName: ENGINE_LOST, outcome: 'answered', endedAt: clock }]);
    expect(await e.callbacks.sweep()).toEqual({ lost: 0, requeued: 0 });
    expect(e.placed).toHaveLength(1);
  });

  it('a lost third attempt gives the callback up; an end recorded just before the crash is acted on', async () => {
    const e = engine(5, { work: false });
    const third = await diallingWithNoEngine(e, 3);
    const busy = await diallingWithNoEngine(e);
    await e.callbackRepo.endAttempt(busy, 1, { at: clock, cause: 17, causeName: 'USER_BUSY', outcome: 'busy' });
    clock = after(BOUND + 1);

    expect(await e.callbacks.sweep()).toEqual({ lost: 1, requeued: 0 });
    expect(await e.callbackRepo.findById(third)).toMatchObject({ status: 'failed', lastResult: 'failed: attempts exhausted', attempts: 3 });
    expect(await e.jobs.queue.getJob(`callback-${third}-attempt-4`)).toBeUndefined();

    expect(await e.callbackRepo.findById(busy)).toMatchObject({ status: 'pending', lastResult: 'busy', attempts: 1 });
    expect((await e.callbackRepo.attempts(busy))[0]).toMatchObject({ hangupCause: 17, hangupCauseName: 'USER_BUSY', outcome: 'busy' });
    expect((await e.jobs.queue.getJob(`callback-${busy}-attempt-2`))!.delay).toBe(10 * MIN);
  });

  it('a retry job Redis lost, or one left completed while its callback is pending, is queued again and then dialled', async () => {
    const e = engine();
    await e.jobs.ready;
    const id = await e.request('09121112233');
    await e.waitPlaced(1);
    clock = after(2 * MIN);
    await e.end(id, false, 19);
    // Redis lost the retry's delayed job: queued again, still 10 min after the attempt.
    await (await e.jobs.queue.getJob(`callback-${id}-attempt-2`))!.remove();
    expect(await e.callbacks.sweep()).toEqual({ lost: 0, requeued: 1 });
    const again = (await e.jobs.queue.getJob(`callback-${id}-attempt-2`))!;
    expect(again.delay).toBe(after(10 * MIN).getTime() - clock.getTime());
    expect(await again.getState()).toBe('delayed');
    expect(await e.callbacks.sweep()).toEqual({ lost: 0, requeued: 0 });

    // The retry ran while the request looked settled (completed with nothing to do), then
    // it went back to pending: `add` alone would be a no-op under that id.
    await e.callbackRepo.setStatus(id, 'cancelled', null);
    await again.promote();
    await vi.waitFor(async () => expect(await again.getState()).toBe('completed'), { timeout: 5_000, interval: 25 });
    await e.callbackRepo.setStatus(id, 'pending', 'no_answer');
    clock = after(10 * MIN);
    expect(await e.callbacks.sweep()).toEqual({ lost: 0, requeued: 1 });
    await e.waitPlaced(2);
    expect(e.placed).toEqual([`callback:${id}`, `callback:${id}`]);
    expect(await e.callbackRepo.findById(id)).toMatchObject({ status: 'dialling', attempts: 2 });
  });
});
