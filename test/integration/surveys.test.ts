import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredRecordings } from '../../src/adapters/ari/stored-recordings.js';
import type { Database } from '../../src/adapters/db/database.js';
import { createFileRecordingStore, type RecordingStore } from '../../src/adapters/db/recording-store.js';
import type { Repositories } from '../../src/adapters/db/repositories.js';
import { createDoNotCallRepo, createSurveyRepo } from '../../src/outbound/adapters/db/survey-repo.js';
import { buildServer } from '../../src/adapters/http/server.js';
import { startOutboundJobs, OUTBOUND_QUEUE, type OutboundJobs } from '../../src/outbound/adapters/jobs/outbound-jobs.js';
import { surveyOnClose } from '../../src/outbound/adapters/jobs/survey-on-close.js';
import type { SurveyDialler, SurveyJob } from '../../src/outbound/ports.js';
import { DEFAULT_DIALLING_WINDOW, type DiallingWindowConfig } from '../../src/outbound/domain/dialling-window.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAYS_MS } from '../../src/outbound/domain/retry-policy.js';
import type { SurveyResult } from '../../src/outbound/domain/survey-flow.js';
import type { Case } from '../../src/domain/cases/case.js';
import { ENGINE_LOST } from '../../src/outbound/services/outbound-sweep.js';
import { createSurveyService, type SurveyService } from '../../src/outbound/services/survey-service.js';
import { connection, useJobTestBed } from '../helpers/job-test-bed.js';
import { ALL_UP, capturingLogger, officeHours, serviceDeps, TEST_ADMIN_TOKEN } from '../helpers/http-app.js';
import { wav } from '../helpers/wav.js';

const logger = pino({ level: 'silent' });
const HOUR = 3_600_000;
const IN_FLIGHT_LIMIT = 20 * 60_000;

/* Tehran = UTC+03:30; the week of Wed 2026-04-29 (1405/02/09) has no holidays. */
const WED_1000 = new Date('2026-04-29T06:30:00Z');
const WED_1200 = new Date('2026-04-29T08:30:00Z');
const THU_1200 = new Date('2026-04-30T08:30:00Z');
const THU_1900 = new Date('2026-04-30T15:30:00Z');
const FRI_1200 = new Date('2026-05-01T08:30:00Z');
const SAT_0900 = new Date('2026-05-02T05:30:00Z');
const NO_DELAY: DiallingWindowConfig = { ...DEFAULT_DIALLING_WINDOW, firstAttemptDelayMs: 0 };

const PHONE = '09121234567';
const ANSWERED_OK: SurveyResult = { answered: true, solved: true, rating: 5, commentRecording: null, optOut: false };

const bed = useJobTestBed([OUTBOUND_QUEUE]);
const { closers } = bed;
let database: Database;
let repos: Repositories;
let prefix: string;
let clock: Date;
let recordingsDir: string;
let recordings: RecordingStore;

beforeEach(async () => {
  ({ database, repos, prefix } = bed);
  await database.db.execute(sql`truncate table do_not_call`);
  clock = WED_1000;
  recordingsDir = await mkdtemp(path.join(tmpdir(), 'hotline-surveys-'));
  recordings = createFileRecordingStore(recordingsDir);
  closers.push(() => rm(recordingsDir, { recursive: true, force: true }));
});

/**
 * Stands in for ARI: records each originate and keeps the call "on" until the test
 * ends it, counting the calls in flight at once.
 */
function standInDialler() {
  const events = new EventEmitter();
  const calls: { phone: string; surveyId: string }[] = [];
  const onLine = new Set<string>();
  let maxInFlight = 0;
  const dialler: SurveyDialler = {
    async originate(input) {
      calls.push(input);
      onLine.add(input.surveyId);
      maxInFlight = Math.max(maxInFlight, onLine.size);
      events.emit('call');
    },
  };
  return {
    dialler,
    calls,
    onLine,
    get maxInFlight() {
      return maxInFlight;
    },
    /** Resolves once `n` calls in all were placed. */
    placed(n: number): Promise<void> {
      return new Promise((resolve) => {
        const check = () => {
          if (calls.length >= n) {
            events.off('call', check);
            resolve();
          }
        };
        events.on('call', check);
        check();
      });
    },
  };
}

/**
 * Stands in for Asterisk's stored recordings over ARI: the files it holds by name, the
 * names removed, and a hook run on each download (to look at the database meanwhile, or
 * to fail it).
 */
function standInAsterisk(files: Record<string, Buffer> = {}) {
  const held = new Map(Object.entries(files));
  const removed: string[] = [];
  const downloads: string[] = [];
  let onDownload: (name: string) => Promise<void> = async () => undefined;
  const stored: Pick<StoredRecordings, 'download' | 'remove'> = {
    async download(name) {
      downloads.push(name);
      await onDownload(name);
      return held.get(name) ?? null;
    },
    async remove(name) {
      removed.push(name);
      held.delete(name);
    },
  };
  return {
    stored,
    held,
    removed,
    downloads,
    set onDownload(hook: (name: string) => Promise<void>) {
      onDownload = hook;
    },
  };
}

function harness(
  opts: {
    window?: DiallingWindowConfig;
    maxConcurrent?: number;
    workers?: number;
    work?: boolean;
    /** Survey ids whose channel Asterisk still has; null: ARI cannot be asked. */
    live?: Set<string> | null;
    schedule?: (job: SurveyJob) => Promise<void>;
    asterisk?: ReturnType<typeof standInAsterisk>;
    logger?: typeof logger;
    /** SURVEY_POLICY=sms-first: the call's extra wait, and whether the SMS question was answered. */
    smsFirst?: { callDelayMs: number; answered: (caseId: string) => Promise<boolean> };
  } = {},
) {
  const window = opts.window ?? NO_DELAY;
  const asterisk = opts.asterisk ?? standInAsterisk();
  const phone = standInDialler();
  const surveyRepo = createSurveyRepo(database.db);
  const doNotCall = createDoNotCallRepo(database.db);
  const jobs: OutboundJobs[] = [];
  const service: SurveyService = createSurveyService({
    surveys: surveyRepo,
    doNotCall,
    cases: repos.cases,
    schedule: opts.schedule ?? ((job) => jobs[0]!.schedule(job)),
    callOver: (id) => jobs.forEach((j) => j.callOver(id)),
    policy: { maxAttempts: DEFAULT_MAX_ATTEMPTS, retryDelaysMs: DEFAULT_RETRY_DELAYS_MS, window, holidays: [] },
    now: () => clock,
    logger: opts.logger ?? logger,
    inFlightLimitMs: IN_FLIGHT_LIMIT,
    liveCalls: async () => {
      if (opts.live === null) throw new Error('ARI is not connected');
      return opts.live ?? new Set();
    },
    ensureQueued: (job) => jobs[0]!.ensureQueued(job),
    // No pause between download attempts: the failing ones here fail every time.
    comments: { stored: asterisk.stored, recordings, retryDelayMs: 0 },
    ...(opts.smsFirst ? { firstCallDelayMs: opts.smsFirst.callDelayMs } : {}),
  });
  for (let i = 0; i < (opts.workers ?? 1); i++) {
    const j = startOutboundJobs({
      connection,
      prefix,
      maxConcurrent: opts.maxConcurrent ?? 10,
      work: opts.work ?? true,
      surveys: surveyRepo,
      cases: repos.cases,
      doNotCall,
      dialler: phone.dialler,
      window,
      holidays: [],
      callEnded: (input) => service.onCallEnded(input),
      now: () => clock,
      logger,
      pollMs: 100,
      ...(opts.smsFirst ? { answeredElsewhere: async (caseId: string) => ((await opts.smsFirst!.answered(caseId)) ? 'answered_by_sms' : null) } : {}),
    });
    jobs.push(j);
    closers.push(() => j.close(true));
  }
  const cases = surveyOnClose(repos.cases, (c, closedAt) => service.onCaseClosed(c, closedAt), logger);
  const queue = jobs[0]!.queue;

  async function close(c: Case): Promise<Case> {
    const resolved = await cases.transition({ caseId: c.id, from: c.status, to: 'resolved', actor: 'agent-1', note: 'fixed', at: clock });
    return cases.transition({ caseId: c.id, from: resolved.status, to: 'closed', actor: 'agent-1', at: clock });
  }
  async function reopenAndClose(c: Case): Promise<Case> {
    const reopened = await cases.transition({ caseId: c.id, from: c.status, to: 'reopened', actor: 'sup-1', note: 'again', at: clock });
    return close(reopened);
  }
  async function newCase(callerPhone: string | null = PHONE): Promise<Case> {
    return repos.cases.create({ channel: 'phone', category: 'streets_lighting', district: 7, callerPhone, description: 'lamp out', actor: 'agent-1' });
  }
  async function surveysOf(caseId: string) {
    return surveyRepo.listForCase(caseId);
  }
  /** What the ARI side reports at the end of a call (the stand-in call is then off the line). */
  async function endCall(surveyId: string, answered: boolean, cause: number | null, result?: SurveyResult) {
    phone.onLine.delete(surveyId);
    return service.onCallEnded({ surveyId, answered, cause, result });
  }
  return { phone, asterisk, service, jobs, queue, close, reopenAndClose, newCase, surveysOf, endCall, surveyRepo, doNotCall, ready: () => Promise.all(jobs.map((j) => j.ready)) };
}

describe('scheduling on closure', () => {
  it('closing a case yields exactly one survey job, however often the closure is reported', async () => {
    const h = harness({ window: DEFAULT_DIALLING_WINDOW, work: false });
    const closed = await h.close(await h.newCase());

    const [survey] = await h.surveysOf(closed.id);
    expect(survey).toMatchObject({ status: 'pending', surveyNumber: 1, phone: '09121234567', scheduledAt: WED_1200 });
    const job = await h.queue.getJob(`survey-${closed.id}-1`);
    expect(job?.data).toEqual({ surveyId: survey!.id, attempt: 1 });
    expect(job?.delay).toBe(2 * HOUR);

    // Duplicate events of the same closure, some at the same instant.
    await Promise.all([h.service.onCaseClosed(closed), h.service.onCaseClosed(closed), h.service.onCaseClosed(closed)]);
    // Reopened and closed again while the first survey still waits.
    await h.reopenAndClose(closed);

    expect(await h.surveysOf(closed.id)).toHaveLength(1);
    expect(await h.queue.getJobCounts('delayed', 'waiting', 'active')).toEqual({ delayed: 1, waiting: 0, active: 0 });
  });

  it('a closure late on Thursday waits for Saturday 09:00, and a late job is delayed to the next window, not dialled', async () => {
    const h = harness({ window: DEFAULT_DIALLING_WINDOW });
    await h.ready();
    clock = THU_1900;
    const closed = await h.close(await h.newCase());
    const jobId = `survey-${closed.id}-1`;
    const job = (await h.queue.getJob(jobId))!;
    expect(job.delay).toBe(SAT_0900.getTime() - THU_1900.getTime());

    // The job runs on Friday (say the workers were down, or the clock moved): not dialled.
    clock = FRI_1200;
    await job.promote();
    await vi.waitFor(
      async () => {
        const again = (await h.queue.getJob(jobId))!;
        expect(await again.getState()).toBe('delayed');
        expect(again.processedOn).toBeDefined();
      },
      { timeout: 5_000, interval: 50 },
    );
    const again = (await h.queue.getJob(jobId))!;
    const wanted = SAT_0900.getTime() - FRI_1200.getTime();
    expect(Math.abs(again.delay - wanted)).toBeLessThan(2_000);
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'pending', attempts: 0, scheduledAt: SAT_0900 });
    expect(h.phone.calls).toHaveLength(0);
  });
});

describe('attempts', () => {
  it('no answer is retried 2 h later, then the next day, and stops after 3 attempts', async () => {
    const h = harness();
    await h.ready();
    const closed = await h.close(await h.newCase());
    await h.phone.placed(1);
    const surveyId = h.phone.calls[0]!.surveyId;
    expect(h.phone.calls[0]).toEqual({ phone: PHONE, surveyId });
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'dialling', attempts: 1 });

    expect(await h.endCall(surveyId, false, 19)).toEqual({ kind: 'retry', at: WED_1200 });
    const second = (await h.queue.getJob(`survey-${closed.id}-1-attempt-2`))!;
    expect(second.delay).toBe(2 * HOUR);
    expect(await second.getState()).toBe('delayed');

    clock = WED_1200;
    await second.promote();
    await h.phone.placed(2);
    expect(await h.endCall(surveyId, false, 18)).toEqual({ kind: 'retry', at: THU_1200 });
    const third = (await h.queue.getJob(`survey-${closed.id}-1-attempt-3`))!;
    expect(third.delay).toBe(24 * HOUR);

    clock = THU_1200;
    await third.promote();
    await h.phone.placed(3);
    expect(await h.endCall(surveyId, false, 17)).toEqual({ kind: 'give_up', reason: 'attempts_exhausted' });
    // A repeated report of the same end changes nothing.
    expect(await h.endCall(surveyId, false, 17)).toBeNull();

    expect(await h.queue.getJob(`survey-${closed.id}-1-attempt-4`)).toBeUndefined();
    const [survey] = await h.surveysOf(closed.id);
    expect(survey).toMatchObject({ status: 'no_answer', attempts: 3, endReason: 'attempts_exhausted' });
    const attempts = await h.surveyRepo.attempts([surveyId]);
    expect(attempts.map((a) => [a.attempt, a.hangupCause, a.hangupCauseName, a.outcome, a.startedAt.toISOString()])).toEqual([
      [1, 19, 'NO_ANSWER', 'no_answer', WED_1000.toISOString()],
      [2, 18, 'NO_USER_RESPONSE', 'no_answer', WED_1200.toISOString()],
      [3, 17, 'USER_BUSY', 'busy', THU_1200.toISOString()],
    ]);
    await vi.waitFor(async () => expect(await h.queue.getJobCounts('active', 'delayed', 'waiting')).toEqual({ active: 0, delayed: 0, waiting: 0 }), {
      timeout: 5_000,
      interval: 50,
    });
    expect(h.phone.calls).toHaveLength(3);
  });

  it('an invalid number is not retried; the reopened-then-closed case may get a second survey', async () => {
    const h = harness();
    await h.ready();
    const closed = await h.close(await h.newCase());
    await h.phone.placed(1);
    const surveyId = h.phone.calls[0]!.surveyId;
    expect(await h.endCall(surveyId, false, 1)).toEqual({ kind: 'give_up', reason: 'invalid_number' });
    expect(await h.queue.getJob(`survey-${closed.id}-1-attempt-2`)).toBeUndefined();
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'failed', endReason: 'invalid_number', attempts: 1 });

    await h.reopenAndClose(closed);
    const surveys = await h.surveysOf(closed.id);
    expect(surveys.map((s) => [s.surveyNumber, s.status])).toEqual([
      [1, 'failed'],
      [2, expect.stringMatching(/^(pending|dialling)$/)],
    ]);
    expect(await h.queue.getJob(`survey-${closed.id}-2`)).toBeDefined();
  });

  it('an originate that fails is recorded as a failed attempt and retried', async () => {
    const h = harness();
    h.phone.dialler.originate = async () => {
      throw new Error('ARI is not connected');
    };
    await h.ready();
    const closed = await h.close(await h.newCase());
    await vi.waitFor(async () => expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'pending', attempts: 1, scheduledAt: WED_1200 }), {
      timeout: 5_000,
      interval: 50,
    });
    expect(await h.queue.getJob(`survey-${closed.id}-1-attempt-2`)).toBeDefined();
  });
});

describe('answers', () => {
  it('an opt-out puts the number on the do-not-call list, and a later closure schedules nothing', async () => {
    const h = harness();
    await h.ready();
    const first = await h.close(await h.newCase());
    await h.phone.placed(1);
    const surveyId = h.phone.calls[0]!.surveyId;
    expect(await h.endCall(surveyId, true, 16, { ...ANSWERED_OK, rating: null, solved: null, optOut: true })).toEqual({ kind: 'done' });
    expect((await h.surveysOf(first.id))[0]).toMatchObject({ status: 'opted_out', answeredAt: WED_1000 });
    expect(await h.doNotCall.list()).toEqual([expect.objectContaining({ phone: PHONE, reason: 'survey_opt_out', actor: 'survey' })]);

    // Another case of the same citizen, the number spelt differently.
    const later = await h.close(await h.newCase('+98 912 123 4567'));
    expect(await h.surveysOf(later.id)).toEqual([]);
    expect(await h.queue.getJob(`survey-${later.id}-1`)).toBeUndefined();
  });

  it('SURVEY_POLICY=sms-first: the call waits for the SMS answer and is not placed when there is one', async () => {
    const answered = new Set<string>();
    const h = harness({ window: DEFAULT_DIALLING_WINDOW, smsFirst: { callDelayMs: HOUR, answered: async (id) => answered.has(id) } });
    await h.ready();
    const closed = await h.close(await h.newCase());
    // Closed Wednesday 10:00: one hour for the SMS answer, then the usual 2 h.
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'pending', scheduledAt: new Date(WED_1200.getTime() + HOUR) });
    answered.add(closed.id);
    clock = new Date(WED_1200.getTime() + HOUR);
    await (await h.queue.getJob(`survey-${closed.id}-1`))!.promote();
    await vi.waitFor(async () => expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'cancelled', endReason: 'answered_by_sms' }), {
      timeout: 5_000,
      interval: 50,
    });
    expect(h.phone.calls).toHaveLength(0);
  });

  it('a number put on the list after scheduling is not dialled', async () => {
    const h = harness({ window: DEFAULT_DIALLING_WINDOW });
    await h.ready();
    const closed = await h.close(await h.newCase());
    await h.service.doNotCall.add(PHONE, 'asked by phone', 'sup-1');
    clock = WED_1200;
    await (await h.queue.getJob(`survey-${closed.id}-1`))!.promote();
    await vi.waitFor(async () => expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'cancelled', endReason: 'do_not_call' }), {
      timeout: 5_000,
      interval: 50,
    });
    expect(h.phone.calls).toHaveLength(0);
  });

  it('a low rating reopens the case with an event naming the survey and flags it', async () => {
    const h = harness({ asterisk: standInAsterisk({ 'hotline-survey-c1-survey-comment': wav(8000) }) });
    await h.ready();
    const closed = await h.close(await h.newCase());
    await h.phone.placed(1);
    const surveyId = h.phone.calls[0]!.surveyId;
    clock = new Date(WED_1000.getTime() + 60_000);
    await h.endCall(surveyId, true, 16, { ...ANSWERED_OK, solved: true, rating: 2, commentRecording: 'hotline-survey-c1-survey-comment' });

    const found = (await repos.cases.findByTrackingNumber(closed.trackingNumber))!;
    expect(found.status).toBe('reopened');
    const last = found.events.find((e) => e.toStatus === 'reopened')!;
    expect(last).toMatchObject({ fromStatus: 'closed', toStatus: 'reopened', actor: 'survey' });
    expect(last.note).toContain(surveyId);
    expect(last.note).toContain('rating 2/5');
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({
      status: 'answered',
      solved: true,
      rating: 2,
      commentRecording: `survey-${surveyId}-comment.wav`,
      flaggedAt: clock,
    });

    // Answered once: closing the case again brings no second survey.
    await h.close(found);
    expect(await h.surveysOf(closed.id)).toHaveLength(1);
  });

  it('a good answer leaves the case closed and unflagged', async () => {
    const h = harness();
    await h.ready();
    const closed = await h.close(await h.newCase());
    await h.phone.placed(1);
    await h.endCall(h.phone.calls[0]!.surveyId, true, 16, ANSWERED_OK);
    expect((await repos.cases.findById(closed.id))!.status).toBe('closed');
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'answered', rating: 5, flaggedAt: null });
  });
});

describe('voice comments', () => {
  const STORED = 'hotline-survey-survey-abc-survey-comment';
  const NOT_SOLVED: SurveyResult = { answered: true, solved: false, rating: 1, commentRecording: STORED, optOut: false };

  it('is imported into the engine\'s store after the answers are saved, named on the survey, and removed from Asterisk', async () => {
    const audio = wav(12_000);
    const asterisk = standInAsterisk({ [STORED]: audio });
    const h = harness({ asterisk });
    await h.ready();
    const closed = await h.close(await h.newCase());
    await h.phone.placed(1);
    const surveyId = h.phone.calls[0]!.surveyId;
    // What the database holds while Asterisk is asked for the file.
    const seenAtDownload: unknown[] = [];
    asterisk.onDownload = async () => void seenAtDownload.push(await h.surveyRepo.findById(surveyId));

    expect(await h.endCall(surveyId, true, 16, NOT_SOLVED)).toEqual({ kind: 'done' });

    // The answers (and the reopening) were saved before the download began.
    expect(seenAtDownload).toEqual([expect.objectContaining({ status: 'answered', solved: false, rating: 1, commentRecording: null })]);
    const key = `survey-${surveyId}-comment.wav`;
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'answered', solved: false, rating: 1, commentRecording: key, flaggedAt: clock });
    expect(await readFile(path.join(recordingsDir, key))).toEqual(audio);
    expect(asterisk.downloads).toEqual([STORED]);
    expect(asterisk.removed).toEqual([STORED]);
    expect((await repos.cases.findById(closed.id))!.status).toBe('reopened');

    // A repeated report of the same call imports nothing again.
    expect(await h.endCall(surveyId, true, 16, NOT_SOLVED)).toBeNull();
    expect(asterisk.downloads).toHaveLength(1);
  });

  it('that cannot be imported leaves the answers saved, the survey without a comment, and the file in Asterisk', async () => {
    const asterisk = standInAsterisk({ [STORED]: wav(8000) });
    asterisk.onDownload = async () => {
      throw new Error('ARI download recording: HTTP 500');
    };
    const captured = capturingLogger();
    const h = harness({ asterisk, logger: captured.logger });
    await h.ready();
    const closed = await h.close(await h.newCase());
    await h.phone.placed(1);
    const surveyId = h.phone.calls[0]!.surveyId;

    expect(await h.endCall(surveyId, true, 16, NOT_SOLVED)).toEqual({ kind: 'done' });

    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'answered', solved: false, rating: 1, commentRecording: null, flaggedAt: clock });
    expect((await repos.cases.findById(closed.id))!.status).toBe('reopened');
    expect(asterisk.downloads.length).toBeGreaterThan(1);
    expect(asterisk.removed).toEqual([]);
    expect(asterisk.held.has(STORED)).toBe(true);
    const errors = captured.lines.map((l) => JSON.parse(l)).filter((l) => l.level === 50);
    expect(errors).toEqual([expect.objectContaining({ storedName: STORED, surveyId, msg: expect.stringContaining('could not be imported') })]);
  });

  it('that Asterisk does not have (or an empty file) leaves the answers without a comment', async () => {
    const h = harness({ asterisk: standInAsterisk({ [STORED]: Buffer.alloc(44) }) });
    await h.ready();
    const closed = await h.close(await h.newCase());
    await h.phone.placed(1);
    const surveyId = h.phone.calls[0]!.surveyId;
    expect(await h.endCall(surveyId, true, 16, { ...NOT_SOLVED, solved: true, rating: 5 })).toEqual({ kind: 'done' });
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'answered', solved: true, rating: 5, commentRecording: null });
    // An empty file is not a comment: it goes, or every sweep would fetch it again.
    expect(h.asterisk.removed).toEqual([STORED]);
  });

  it('left in Asterisk by an engine that died mid-call is imported once the call is over, once', async () => {
    const audio = wav(9_000);
    const asterisk = standInAsterisk();
    const h = harness({ asterisk });
    await h.ready();
    const closed = await h.close(await h.newCase());
    await h.phone.placed(1);
    const surveyId = h.phone.calls[0]!.surveyId;
    const channelId = `survey-${surveyId}-1796200000000`;
    const left = `hotline-survey-${channelId}-survey-comment`;
    asterisk.held.set(left, audio);
    const names = () => [...asterisk.held.keys(), 'hotline-voicebox/not-a-comment'];

    // While the call is up its file is not final: left alone.
    expect(await h.service.importLeftComments(names(), async () => true)).toBe(0);
    expect(asterisk.downloads).toEqual([]);

    expect(await h.service.importLeftComments(names(), async (id) => id !== channelId)).toBe(1);
    const key = `survey-${surveyId}-comment.wav`;
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ commentRecording: key });
    expect(await readFile(path.join(recordingsDir, key))).toEqual(audio);
    expect(asterisk.removed).toEqual([left]);

    // A second comment file for a survey that has one stays where it is.
    const other = `hotline-survey-survey-${surveyId}-1796200000001-survey-comment`;
    asterisk.held.set(other, wav(9_000));
    expect(await h.service.importLeftComments(names(), async () => false)).toBe(0);
    expect(asterisk.held.has(other)).toBe(true);
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ commentRecording: key });
  });

  it('is not fetched for a call that left no comment', async () => {
    const h = harness();
    await h.ready();
    await h.close(await h.newCase());
    await h.phone.placed(1);
    await h.endCall(h.phone.calls[0]!.surveyId, true, 16, ANSWERED_OK);
    expect(h.asterisk.downloads).toEqual([]);
  });
});

describe('crash recovery (the sweep)', () => {
  /** A survey whose attempt `attempt` was started at `clock` by an engine that then died: no job, no worker. */
  async function diallingWithNoEngine(h: ReturnType<typeof harness>, attempt = 1) {
    const c = await h.newCase();
    const survey = (await h.surveyRepo.create({ caseId: c.id, surveyNumber: 1, phone: PHONE, scheduledAt: clock }))!;
    for (let n = 1; n < attempt; n++) {
      await h.surveyRepo.startAttempt(survey.id, n, clock);
      await h.surveyRepo.endAttempt(survey.id, n, { at: clock, cause: 19, causeName: 'NO_ANSWER', outcome: 'no_answer' });
      await h.surveyRepo.update(survey.id, { status: 'pending', updatedAt: clock });
    }
    expect(await h.surveyRepo.startAttempt(survey.id, attempt, clock)).toBe(true);
    return { c, survey };
  }

  it('an engine killed mid-call: after the bound, the attempt is failed as engine-lost and retried inside the window', async () => {
    // The first engine places the call, then dies (its worker goes away with the call on).
    const first = harness();
    await first.ready();
    const closed = await first.close(await first.newCase());
    await first.phone.placed(1);
    const surveyId = first.phone.calls[0]!.surveyId;
    await first.jobs[0]!.close(true);

    // A new engine, its clock injected: within the bound, the call may still be on.
    const h = harness({ work: false });
    clock = new Date(WED_1000.getTime() + IN_FLIGHT_LIMIT - 60_000);
    expect(await h.service.sweep()).toEqual({ lost: 0, requeued: 0 });
    expect((await h.surveysOf(closed.id))[0]).toMatchObject({ status: 'dialling', attempts: 1 });

    clock = new Date(WED_1000.getTime() + IN_FLIGHT_LIMIT + 60_000);
    expect(await h.service.sweep()).toEqual({ lost: 1, requeued: 0 });
    const [survey] = await h.surveysOf(closed.id);
    // Retried 2 h after the sweep found it lost (Wednesday 12:21, inside the window).
    const retryAt = new Date(clock.getTime() + 2 * HOUR);
    expect(survey).toMatchObject({ status: 'pending', attempts: 1, scheduledAt: retryAt });
    const [attempt] = await h.surveyRepo.attempts([surveyId]);
    expect(attempt).toMatchObject({ attempt: 1, hangupCause: null, hangupCauseName: ENGINE_LOST, outcome: 'failed', endedAt: clock });
    const retry = (await h.queue.getJob(`survey-${closed.id}-1-attempt-2`))!;
    expect(retry.data).toEqual({ surveyId, attempt: 2 });
    expect(await retry.getState()).toBe('delayed');

    // Swept again: nothing more to do, and no second job.
    expect(await h.service.sweep()).toEqual({ lost: 0, requeued: 0 });
    // (The dead engine's own job stays active until BullMQ sees it stalled; it then finds nothing to do.)
    expect(await h.queue.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 1, waiting: 0 });
  });

  it('leaves a call Asterisk still has alone, and waits while ARI cannot say', async () => {
    const live = new Set<string>();
    const h = harness({ work: false, live });
    const { survey } = await diallingWithNoEngine(h);
    live.add(survey.id);
    clock = new Date(WED_1000.getTime() + 2 * IN_FLIGHT_LIMIT);
    expect(await h.service.sweep()).toEqual({ lost: 0, requeued: 0 });

    const blind = harness({ work: false, live: null });
    expect(await blind.service.sweep()).toEqual({ lost: 0, requeued: 0 });
    expect(await h.surveyRepo.findById(survey.id)).toMatchObject({ status: 'dialling' });

    live.clear();
    expect((await h.service.sweep()).lost).toBe(1);
  });

  it('a lost third attempt ends the survey (no fourth job)', async () => {
    const h = harness({ work: false });
    const { c, survey } = await diallingWithNoEngine(h, 3);
    clock = new Date(WED_1000.getTime() + IN_FLIGHT_LIMIT + 1);
    expect(await h.service.sweep()).toEqual({ lost: 1, requeued: 0 });
    expect(await h.surveyRepo.findById(survey.id)).toMatchObject({ status: 'failed', endReason: 'attempts_exhausted', attempts: 3 });
    expect(await h.queue.getJob(`survey-${c.id}-1-attempt-4`)).toBeUndefined();
  });

  it('an end recorded just before the crash, never acted on, is acted on', async () => {
    const h = harness({ work: false });
    const { c, survey } = await diallingWithNoEngine(h);
    await h.surveyRepo.endAttempt(survey.id, 1, { at: clock, cause: 17, causeName: 'USER_BUSY', outcome: 'busy' });
    clock = new Date(WED_1000.getTime() + IN_FLIGHT_LIMIT + 1);
    await h.service.sweep();
    expect(await h.surveyRepo.findById(survey.id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await h.queue.getJob(`survey-${c.id}-1-attempt-2`)).toBeDefined();
    const [attempt] = await h.surveyRepo.attempts([survey.id]);
    expect(attempt).toMatchObject({ hangupCause: 17, outcome: 'busy' });
  });

  it('Redis down when the case closed: the survey stays pending and the sweep queues its job once', async () => {
    const h = harness({
      window: DEFAULT_DIALLING_WINDOW,
      work: false,
      schedule: async () => {
        throw new Error('Connection is closed.');
      },
    });
    const closed = await h.close(await h.newCase());
    const [survey] = await h.surveysOf(closed.id);
    expect(survey).toMatchObject({ status: 'pending', attempts: 0, scheduledAt: WED_1200 });
    expect(await h.queue.getJob(`survey-${closed.id}-1`)).toBeUndefined();

    clock = new Date(WED_1000.getTime() + 60_000);
    expect(await h.service.sweep()).toEqual({ lost: 0, requeued: 1 });
    const job = (await h.queue.getJob(`survey-${closed.id}-1`))!;
    expect(job.data).toEqual({ surveyId: survey!.id, attempt: 1 });
    expect(job.delay).toBe(WED_1200.getTime() - clock.getTime());
    expect(await h.service.sweep()).toEqual({ lost: 0, requeued: 0 });
  });

  it('a job Redis lost, or one left completed while its survey is pending, is queued again and then dialled', async () => {
    const h = harness();
    await h.ready();
    const closed = await h.close(await h.newCase());
    await h.phone.placed(1);
    const surveyId = h.phone.calls[0]!.surveyId;
    await h.endCall(surveyId, false, 19);
    // Redis lost the retry's delayed job.
    await (await h.queue.getJob(`survey-${closed.id}-1-attempt-2`))!.remove();
    expect(await h.service.sweep()).toEqual({ lost: 0, requeued: 1 });
    const again = (await h.queue.getJob(`survey-${closed.id}-1-attempt-2`))!;
    expect(await again.getState()).toBe('delayed');

    // The retry's job ran while the survey looked settled (so it completed with nothing to
    // do), then the survey went back to pending: `add` alone would be a no-op under that id.
    await h.surveyRepo.update(surveyId, { status: 'cancelled', updatedAt: clock });
    await again.promote();
    await vi.waitFor(async () => expect(await again.getState()).toBe('completed'), { timeout: 5_000, interval: 50 });
    await h.surveyRepo.update(surveyId, { status: 'pending', updatedAt: clock });
    clock = WED_1200;
    expect(await h.service.sweep()).toEqual({ lost: 0, requeued: 1 });
    await h.phone.placed(2);
    expect(h.phone.calls[1]).toEqual({ phone: PHONE, surveyId });
  });
});

describe('concurrency', () => {
  it('never has more survey calls on the line than the global cap, across workers, under 50 closures at once', async () => {
    const CAP = 3;
    const TOTAL = 50;
    const h = harness({ maxConcurrent: CAP, workers: 2 });
    await h.ready();
    expect(await h.queue.getGlobalConcurrency()).toBe(CAP);
    const created = await Promise.all(Array.from({ length: TOTAL }, (_, i) => h.newCase(`0912${String(1_000_000 + i).padStart(7, '0')}`)));
    await Promise.all(created.map((c) => h.close(c)));

    let ended = 0;
    while (ended < TOTAL) {
      await h.phone.placed(Math.min(ended + CAP, TOTAL));
      expect(h.phone.onLine.size).toBeLessThanOrEqual(CAP);
      for (const surveyId of [...h.phone.onLine]) {
        await h.endCall(surveyId, true, 16, ANSWERED_OK);
        ended++;
      }
    }
    expect(h.phone.maxInFlight).toBe(CAP);
    expect(new Set(h.phone.calls.map((c) => c.surveyId)).size).toBe(TOTAL);
    expect(h.phone.calls).toHaveLength(TOTAL);
  }, 60_000);
});

describe('HTTP', () => {
  it('manages the do-not-call list (normalised, supervisors only) and shows a case\'s surveys', async () => {
    const h = harness();
    await h.ready();
    const app = await buildServer({
      cases: repos.cases,
      recordings: { stat: async () => null, createReadStream: () => { throw new Error('unused'); } },
      health: async () => ALL_UP,
      hours: await officeHours(repos, logger, []),
      adminToken: TEST_ADMIN_TOKEN,
      ...serviceDeps(repos, logger),
      authenticate: (token) => (token === 'agent' ? { id: 'agent-1', role: 'agent' } : token === 'sup' ? { id: 'sup-1', role: 'supervisor' } : null),
      surveys: h.service,
      logger,
      now: () => clock,
    });
    closers.push(() => app.close());
    const sup = { authorization: 'Bearer sup' };

    expect((await app.inject({ method: 'GET', url: '/api/do-not-call', headers: { authorization: 'Bearer agent' } })).statusCode).toBe(403);
    const added = await app.inject({ method: 'POST', url: '/api/do-not-call', headers: sup, payload: { phone: '+98 912 765 4321', reason: 'asked' } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ phone: '09127654321', reason: 'asked', actor: 'sup-1' });
    expect((await app.inject({ method: 'POST', url: '/api/do-not-call', headers: sup, payload: { phone: 'abc' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/do-not-call', headers: sup })).json()).toHaveLength(1);
    expect((await app.inject({ method: 'DELETE', url: `/api/do-not-call/${encodeURIComponent('+989127654321')}`, headers: sup })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: '/api/do-not-call/09127654321', headers: sup })).statusCode).toBe(404);

    const closed = await h.close(await h.newCase());
    await h.phone.placed(1);
    await h.endCall(h.phone.calls[0]!.surveyId, false, 19);
    const res = await app.inject({ method: 'GET', url: `/api/cases/${closed.trackingNumber}/surveys`, headers: sup });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      expect.objectContaining({
        surveyNumber: 1,
        status: 'pending',
        scheduledAt: WED_1200.toISOString(),
        attempts: [expect.objectContaining({ attempt: 1, hangupCause: 19, hangupCauseName: 'NO_ANSWER', outcome: 'no_answer' })],
      }),
    ]);
    expect((await app.inject({ method: 'GET', url: '/api/cases/99999999/surveys', headers: sup })).statusCode).toBe(404);
  });

  it('plays a survey\'s voice comment to supervisors and admins, and says clearly when there is none', async () => {
    const STORED = 'hotline-survey-survey-http-survey-comment';
    const audio = wav(16_000);
    const h = harness({ asterisk: standInAsterisk({ [STORED]: audio }) });
    await h.ready();
    const app = await buildServer({
      cases: repos.cases,
      recordings,
      health: async () => ALL_UP,
      hours: await officeHours(repos, logger, []),
      adminToken: TEST_ADMIN_TOKEN,
      ...serviceDeps(repos, logger),
      authenticate: (token) =>
        token === 'agent'
          ? { id: 'agent-1', role: 'agent' }
          : token === 'sup'
            ? { id: 'sup-1', role: 'supervisor' }
            : token === 'district'
              ? { id: 'd-1', role: 'district', district: 7 }
              : null,
      surveys: h.service,
      logger,
      now: () => clock,
    });
    closers.push(() => app.close());
    const get = (url: string, token: string | null) =>
      app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

    // Three surveys: one with a comment, one without, one whose comment's audio is gone.
    const withComment = await h.close(await h.newCase());
    const without = await h.close(await h.newCase('09120000001'));
    const lost = await h.close(await h.newCase('09120000002'));
    await h.phone.placed(3);
    const idOf = async (c: Case) => (await h.surveysOf(c.id))[0]!.id;
    const [commented, plain, gone] = [await idOf(withComment), await idOf(without), await idOf(lost)];
    await h.endCall(commented, true, 16, { ...ANSWERED_OK, commentRecording: STORED });
    await h.endCall(plain, true, 16, ANSWERED_OK);
    await h.endCall(gone, true, 16, ANSWERED_OK);
    await h.surveyRepo.update(gone, { commentRecording: `survey-${gone}-comment.wav`, updatedAt: clock });

    for (const token of ['sup', TEST_ADMIN_TOKEN]) {
      const res = await get(`/api/surveys/${commented}/comment`, token);
      expect(res.statusCode, token).toBe(200);
      expect(res.headers['content-type']).toBe('audio/wav');
      expect(res.headers['content-length']).toBe(String(audio.length));
      expect(res.headers['content-disposition']).toBe(`inline; filename="survey-${commented}-comment.wav"`);
      expect(res.rawPayload.equals(audio)).toBe(true);
    }

    const notFound = async (url: string, code: string) => {
      const res = await get(url, 'sup');
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe(code);
      return res.json().error.message as string;
    };
    expect(await notFound(`/api/surveys/${plain}/comment`, 'HOTLINE_ERR_RECORDING_NOT_FOUND')).toBe('This survey has no voice comment');
    expect(await notFound(`/api/surveys/${gone}/comment`, 'HOTLINE_ERR_RECORDING_NOT_FOUND')).toBe("This survey's voice comment is missing");
    await notFound('/api/surveys/00000000-0000-4000-8000-000000000000/comment', 'HOTLINE_ERR_NOT_FOUND');
    await notFound('/api/surveys/not-a-survey/comment', 'HOTLINE_ERR_NOT_FOUND');

    for (const token of ['agent', 'district']) {
      const res = await get(`/api/surveys/${commented}/comment`, token);
      expect(res.statusCode, token).toBe(403);
      expect(res.json().error.code).toBe('HOTLINE_ERR_FORBIDDEN');
    }
    expect((await get(`/api/surveys/${commented}/comment`, null)).statusCode).toBe(401);
  });
});
