/**
 * The hotline's outbound calls on BullMQ: survey calls (one delayed job per attempt) and,
 * on the same queue, queue callbacks (callback-jobs.ts). A job stays active until its
 * call is over, so the queue's global concurrency caps the calls on the trunk at once,
 * surveys and callbacks together, across every worker process (not an in-process counter).
 */
import { DelayedError, Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { Holiday } from '../../../domain/calendar/holidays.js';
import type { CaseRepo } from '../../../domain/cases/ports.js';
import { closeWorker } from '../../../adapters/jobs/close-worker.js';
import { keepEnsured } from '../../../adapters/jobs/keep-ensured.js';
import { DEFAULT_QUEUE_PREFIX } from '../../../adapters/jobs/queues.js';
import { isInsideWindow, nextCallTime, type DiallingWindowConfig } from '../../domain/dialling-window.js';
import { checkBeforeDialling } from '../../domain/survey-eligibility.js';
import { DEFAULT_MAX_CALL_MS, type SurveyCallEnded, type SurveyDialler, type SurveyJob } from '../../ports.js';
import type { DoNotCallRepo, SurveyRepo } from '../db/survey-repo.js';
import { awaitCallEnd } from './call-end.js';
import { CALLBACK_JOB, callbackJobId, type CallbackCalls, type CallbackJobData } from './callback-jobs.js';

export const OUTBOUND_QUEUE = 'outbound-calls';
/** Survey jobs wait behind callback jobs (no priority, which BullMQ runs first) for a slot. */
const SURVEY_JOB_PRIORITY = 10;

export interface SurveyJobData {
  surveyId: string;
  attempt: number;
}

export interface OutboundJobsDeps {
  connection: ConnectionOptions;
  /** Producer side (adding jobs): fails fast while Redis is down, like dispatch's. */
  producerConnection?: ConnectionOptions;
  prefix?: string;
  /** Outbound calls (surveys and callbacks) at once across all workers (SURVEY_MAX_CONCURRENT). */
  maxConcurrent: number;
  /** Runs the callback jobs of the shared queue (bound late: it needs this queue to schedule). */
  callbackCalls?: () => CallbackCalls;
  /** Run a worker in this process (default true). */
  work?: boolean;
  surveys: Pick<SurveyRepo, 'findById' | 'startAttempt' | 'update'>;
  cases: Pick<CaseRepo, 'findById'>;
  doNotCall: Pick<DoNotCallRepo, 'matching'>;
  dialler: SurveyDialler;
  window: DiallingWindowConfig;
  holidays: readonly Holiday[];
  /**
   * Reports an attempt that ended without word from the ARI side (the originate failed,
   * or the call outlived maxCallMs): SurveyService.onCallEnded, bound late.
   */
  callEnded: (input: SurveyCallEnded) => Promise<unknown>;
  now: () => Date;
  logger: Logger;
  /** Longest a call may take, ringing included, before its slot is given back (10 min). */
  maxCallMs?: number;
  /** How often a worker looks in the database for a call ended in another process (2 s). */
  pollMs?: number;
  /** How often the global cap is set again, should Redis have lost it (60 s). */
  ensureEveryMs?: number;
  /** Why the citizen need not be called after all (answered the SMS question: 'answered_by_sms'); null: call. */
  answeredElsewhere?: (caseId: string) => Promise<string | null>;
}

/**
 * Every outbound call job: retried on database or Redis trouble only (startAttempt's
 * compare-and-set keeps a call placed from being placed again).
 */
const CALL_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

export function startOutboundJobs(deps: OutboundJobsDeps) {
  const prefix = deps.prefix ?? DEFAULT_QUEUE_PREFIX;
  const logger = deps.logger.child({ component: 'survey-jobs' });
  const maxCallMs = deps.maxCallMs ?? DEFAULT_MAX_CALL_MS;
  const pollMs = deps.pollMs ?? 2_000;
  const queue = new Queue<SurveyJobData | CallbackJobData>(OUTBOUND_QUEUE, { connection: deps.producerConnection ?? deps.connection, prefix });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'survey queue error'));

  /** Workers of this process waiting for their call to end, by survey id. */
  const waiting = new Map<string, () => void>();

  /** Resolves 'ended' when the attempt is over (here or in another process), 'timeout' otherwise. */
  function callOver(surveyId: string, attempt: number): { done: Promise<'ended' | 'timeout'>; cancel(): void } {
    const over = awaitCallEnd(
      async () => {
        const s = await deps.surveys.findById(surveyId);
        return !s || s.status !== 'dialling' || s.attempts !== attempt;
      },
      { pollMs, maxMs: maxCallMs },
    );
    waiting.set(surveyId, over.end);
    const done = over.done.finally(() => waiting.delete(surveyId));
    return {
      done,
      cancel() {
        over.cancel();
        waiting.delete(surveyId);
      },
    };
  }

  async function dial(data: SurveyJobData, moveToDelayed: (at: number) => Promise<void>): Promise<string> {
    const { surveyId, attempt } = data;
    const survey = await deps.surveys.findById(surveyId);
    if (!survey || survey.status !== 'pending' || survey.attempts !== attempt - 1) return 'nothing to do';
    const now = deps.now();
    const c = await deps.cases.findById(survey.caseId);
    const check = c
      ? checkBeforeDialling({ status: c.status, phone: c.callerPhone, doNotCall: await deps.doNotCall.matching(c.callerPhone) })
      : ({ ok: false, reason: 'case_gone' } as const);
    const reason = !check.ok ? check.reason : deps.answeredElsewhere ? await deps.answeredElsewhere(survey.caseId) : null;
    if (!check.ok || reason !== null) {
      await deps.surveys.update(surveyId, { status: 'cancelled', endReason: reason, endedAt: now, updatedAt: now });
      return `cancelled: ${reason}`;
    }
    if (!isInsideWindow(now, deps.window, deps.holidays)) {
      // A job that ran late (workers down, a long queue) waits for the next window.
      const next = nextCallTime(now, deps.window, deps.holidays);
      await deps.surveys.update(surveyId, { scheduledAt: next, updatedAt: now });
      await moveToDelayed(next.getTime() - now.getTime());
      throw new DelayedError();
    }
    if (!(await deps.surveys.startAttempt(surveyId, attempt, now))) return 'already dialled';
    const over = callOver(surveyId, attempt);
    try {
      await deps.dialler.originate({ phone: check.phone, surveyId });
    } catch (err) {
      over.cancel();
      logger.warn({ surveyId, attempt, err: (err as Error).message }, 'survey originate failed');
      await deps.callEnded({ surveyId, answered: false, cause: null });
      return 'originate failed';
    }
    const how = await over.done;
    if (how === 'timeout') {
      logger.warn({ surveyId, attempt }, 'no end reported for the survey call; attempt recorded as failed');
      await deps.callEnded({ surveyId, answered: false, cause: null });
    }
    return how;
  }

  const worker =
    deps.work === false
      ? null
      : new Worker<SurveyJobData | CallbackJobData>(
          OUTBOUND_QUEUE,
          (job, token) => {
            const moveToDelayed = async (delayMs: number) => {
              await job.moveToDelayed(Date.now() + delayMs, token);
            };
            if (job.name === CALLBACK_JOB) {
              const calls = deps.callbackCalls?.();
              if (!calls) throw new Error('no callback handler in this worker');
              return calls.run(job.data as CallbackJobData, moveToDelayed);
            }
            return dial(job.data as SurveyJobData, moveToDelayed);
          },
          // The global cap decides; a local one as high lets one worker use all of it.
          { connection: deps.connection, prefix, concurrency: deps.maxConcurrent, autorun: false },
        );
  worker?.on('error', (err) => logger.warn({ err: err.message }, 'survey worker error'));
  worker?.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message }, 'outbound call job failed'));

  // The cap is set before this worker takes a job; while Redis is down, keep trying; and
  // set again every minute, as a flushed Redis forgets it.
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const setup = keepEnsured(
    async () => {
      await queue.setGlobalConcurrency(deps.maxConcurrent);
      if (worker && !worker.isRunning()) void worker.run().catch((err: Error) => logger.error({ err: err.message }, 'survey worker stopped'));
      markReady();
    },
    logger,
    { what: 'outbound calls cap', everyMs: deps.ensureEveryMs },
  );

  async function schedule(job: SurveyJob): Promise<void> {
    const delay = Math.max(0, job.at.getTime() - deps.now().getTime());
    await queue.add(
      'dial',
      { surveyId: job.surveyId, attempt: job.attempt },
      { ...CALL_JOB_OPTIONS, jobId: job.jobId, delay, priority: SURVEY_JOB_PRIORITY },
    );
  }

  async function scheduleCallback(callbackId: string, attempt = 1, at?: Date): Promise<void> {
    await queue.add(
      CALLBACK_JOB,
      { callbackId, attempt },
      { ...CALL_JOB_OPTIONS, jobId: callbackJobId(callbackId, attempt), delay: at ? Math.max(0, at.getTime() - deps.now().getTime()) : 0 },
    );
  }

  /**
   * For the sweeps: queues a job unless it is waiting, delayed or running. A job left
   * completed or failed under this id while its survey or callback is still pending (it
   * reverted after a crash, or the job ran out of retries on database trouble) would make
   * `add` a no-op, so it is removed first. startAttempt's compare-and-set keeps a call
   * from being placed twice whatever happens here.
   */
  async function ensure(jobId: string, add: () => Promise<void>): Promise<boolean> {
    const existing = await queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
      if (state !== 'unknown') await existing.remove();
    }
    await add();
    return true;
  }

  return {
    queue,
    worker,
    /** Resolves once the global cap is set and the worker (if any) runs. */
    ready,
    schedule,
    /** Queues attempt `attempt` of a callback at `at` (now when absent); the same attempt twice: one job. */
    scheduleCallback,
    /** For the survey sweep (see ensure). */
    ensureQueued: (job: SurveyJob): Promise<boolean> => ensure(job.jobId, () => schedule(job)),
    /** For the callback sweep (see ensure). */
    ensureCallbackQueued: (callbackId: string, attempt: number, at?: Date): Promise<boolean> =>
      ensure(callbackJobId(callbackId, attempt), () => scheduleCallback(callbackId, attempt, at)),
    /** SurveyService calls this after recording an ended call: the waiting worker lets go of its slot. */
    callOver(surveyId: string): void {
      waiting.get(surveyId)?.();
    },
    async close(force = false): Promise<void> {
      setup.stop();
      for (const end of [...waiting.values()]) end();
      await closeWorker(worker, force, logger);
      await queue.close();
    },
  };
}

export type OutboundJobs = ReturnType<typeof startOutboundJobs>;
