/**
 * District dispatch: one BullMQ job per case and district delivers the case to each of
 * the district's targets (its inbox here, its HTTP webhooks), then marks it `dispatched`.
 */
import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Holiday } from '../../domain/calendar/holidays.js';
import type { Case } from '../../domain/cases/case.js';
import { deliveryTime } from '../../domain/cases/district.js';
import { checkTransition, isRoutable } from '../../domain/cases/lifecycle.js';
import type { CaseRepo, DispatchRepo, DistrictRepo, UnitRepo } from '../../domain/cases/ports.js';
import { hotlineError, isHotlineError } from '../../domain/errors.js';
import { closeWorker } from './close-worker.js';
import { DistrictSlots } from './district-slots.js';
import { keepEnsured } from './keep-ensured.js';
import { postWebhook } from './webhook.js';
import { isPermanentWebhookFailure } from './webhook-retry.js';
import { DEFAULT_QUEUE_PREFIX, DISPATCH_QUEUE, dispatchJobId, type DispatchJobData } from './queues.js';

export const INBOX_TARGET = 'inbox';
const SWEEP_JOB = 'sweep';
const SWEEP_SCHEDULER_ID = 'dispatch-sweep';
const SWEEP_GRACE_MS = 60_000;
const SWEEP_BATCH = 200;
/**
 * Deliveries at once per worker, and per district among them: 22 districts × 2, so one
 * district whose receiver hangs holds 2 slots and the others keep theirs.
 */
const DEFAULT_CONCURRENCY = 44;
const DEFAULT_PER_DISTRICT = 2;
/** A job of a district already using its share waits this long, then tries for a slot again. */
const DISTRICT_BUSY_DELAY_MS = 1_000;

export interface DispatchOptions {
  /** Tries per job, the first included (8). */
  attempts: number;
  /** First retry delay; each next one doubles (30 s → 8 tries over ~64 min). */
  backoffMs: number;
  /** Per webhook request (10 s). */
  timeoutMs: number;
}

export const DEFAULT_DISPATCH_OPTIONS: DispatchOptions = { attempts: 8, backoffMs: 30_000, timeoutMs: 10_000 };

// Completed jobs are trimmed, but kept a week so that re-adding a delivered case's job
// id stays a no-op; delivery bookkeeping in the database covers the time after.
const KEEP_COMPLETED = { age: 7 * 24 * 3600, count: 10_000 };

export interface DispatchDeps {
  /** BullMQ connection: options, or an ioredis client with `maxRetriesPerRequest: null`. */
  connection: ConnectionOptions;
  /**
   * Connection of the producer side (adding jobs) if not `connection`: the service
   * gives one with `enableOfflineQueue: false`, so that with Redis down creating a case
   * does not wait on it; the sweep queues what was missed.
   */
  producerConnection?: ConnectionOptions;
  /** How often cases left without a job are queued again (60 s); 0 turns the sweep off. */
  sweepEveryMs?: number;
  /** How often the sweep's scheduler is set again, should Redis have lost it (60 s). */
  ensureEveryMs?: number;
  /** Key prefix in Redis; tests use a fresh one each. */
  prefix?: string;
  cases: Pick<CaseRepo, 'findById' | 'transition' | 'listUndispatched'>;
  districts: Pick<DistrictRepo, 'get'>;
  /** A case routed to a unit with webhooks of its own is delivered there instead of the district's webhooks. */
  units?: Pick<UnitRepo, 'get'>;
  dispatches: DispatchRepo;
  holidays: readonly Holiday[];
  logger: Logger;
  now: () => Date;
  options?: Partial<DispatchOptions>;
  /** Run a worker in this process (default true); false only adds jobs. */
  worker?: boolean;
  /** Deliveries at once in this worker (44). */
  concurrency?: number;
  /** Of which one district may hold at most this many (2): a hanging receiver stalls only its own. */
  perDistrict?: number;
  /** Lock and stall timing of the worker (tests shorten them to see a dead worker's job move on). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  fetch?: typeof fetch;
}

export interface RetryResult {
  jobId: string;
  caseId: string;
  trackingNumber: string | null;
}

export interface Dispatch {
  queue: Queue<DispatchJobData>;
  worker: Worker<DispatchJobData> | null;
  /**
   * Adds the delivery job of a case that has a district (nothing otherwise). Voice
   * messages recorded out of the district's hours wait for its next opening.
   */
  enqueue(c: Case): Promise<void>;
  /** Re-runs a job that failed for good (POST /api/dispatch/:jobId/retry). */
  retry(jobId: string, actor: string): Promise<RetryResult>;
  /** `force`: do not wait for running jobs (nor for an unreachable Redis); they are retried. */
  close(force?: boolean): Promise<void>;
}

/** A webhook URL in logs and notes: its origin only, as a query may carry a token. */
function safeUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '[invalid url]';
  }
}

export function startDispatch(deps: DispatchDeps): Dispatch {
  const opts = { ...DEFAULT_DISPATCH_OPTIONS, ...deps.options };
  const prefix = deps.prefix ?? DEFAULT_QUEUE_PREFIX;
  const logger = deps.logger.child({ component: 'dispatch' });
  const queue = new Queue<DispatchJobData>(DISPATCH_QUEUE, { connection: deps.producerConnection ?? deps.connection, prefix });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'dispatch queue error'));

  async function deliver(job: Job<DispatchJobData>, token: string | undefined): Promise<string> {
    const { caseId, district } = job.data;
    const routing = job.data.routing ?? 0;
    const found = await deps.cases.findById(caseId);
    if (!found) return 'case gone';
    // Routed again since the job was added: that routing has its own job.
    if (found.district !== district || found.routing !== routing) return 'rerouted';
    const target = await deps.districts.get(district);
    if (!target) throw new UnrecoverableError(`district ${district} does not exist`);
    // The calendar may have changed since the job was queued (a closure declared this
    // morning, new hours): a message that must wait for the office waits again.
    const now = deps.now();
    const due = deliveryTime(found.channel, target, deps.holidays, now).getTime() - now.getTime();
    if (due > 0) {
      await job.moveToDelayed(Date.now() + due, token);
      throw new DelayedError();
    }

    // A unit with its own receiver takes the case there; the district's inbox still shows it.
    const unit = found.unit && deps.units ? await deps.units.get(found.unit) : null;
    const receiver = unit && unit.webhookUrls.length > 0 ? unit : target;
    const targets = [...(target.inboxEnabled ? [INBOX_TARGET] : []), ...receiver.webhookUrls];
    if (targets.length === 0) throw new Error(`district ${district} has no delivery target`);
    const done = new Set(await deps.dispatches.deliveredTargets(caseId, district, routing));
    const body = JSON.stringify({ event: 'case.dispatched', district, unit: found.unit, case: webhookCase(found) });
    const failures: string[] = [];
    let refused = false;
    for (const t of targets) {
      if (done.has(t)) continue;
      try {
        if (t !== INBOX_TARGET) {
          if (!receiver.webhookSecret) throw new Error('no webhook secret');
          await postWebhook(
            { url: t, body, secret: receiver.webhookSecret, idempotencyKey: job.id!, timeoutMs: opts.timeoutMs, sentAt: deps.now() },
            deps.fetch,
          );
        }
        await deps.dispatches.recordDelivery(caseId, district, t, deps.now(), routing);
      } catch (err) {
        refused ||= isPermanentWebhookFailure(err);
        failures.push(`${t === INBOX_TARGET ? t : safeUrl(t)}: ${(err as Error).message}`);
      }
    }
    // A target that refuses (a 4xx) will refuse every retry: the job can no longer succeed
    // by itself, so it goes to a supervisor's manual retry now instead of in an hour.
    if (refused) throw new UnrecoverableError(failures.join('; '));
    if (failures.length > 0) throw new Error(failures.join('; '));
    await markDispatched(found);
    return 'delivered';
  }

  async function markDispatched(c: Case): Promise<void> {
    let current: Case | null = c;
    // Two tries: a concurrent change (an agent's note) may win the first compare-and-set.
    for (let i = 0; i < 2 && current; i++) {
      if (!checkTransition(current.status, 'dispatched', { role: 'system' }, current.district).ok) return;
      try {
        await deps.cases.transition({ caseId: current.id, from: current.status, to: 'dispatched', actor: 'dispatch', at: deps.now() });
        return;
      } catch (err) {
        if (!isHotlineError(err) || err.code !== 'HOTLINE_ERR_CONFLICT') throw err;
        current = await deps.cases.findById(c.id);
      }
    }
  }

  async function sweep(): Promise<string> {
    // Younger cases may still be on their way into the queue from their creation.
    const missed = await deps.cases.listUndispatched(new Date(deps.now().getTime() - SWEEP_GRACE_MS), SWEEP_BATCH);
    for (const c of missed) await enqueue(c);
    return `${missed.length} checked`;
  }

  async function enqueue(c: Case): Promise<void> {
    if (c.district === null || !isRoutable(c.status)) return;
    const district = await deps.districts.get(c.district);
    if (!district) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `No district ${c.district}`);
    const now = deps.now();
    const delay = Math.max(0, deliveryTime(c.channel, district, deps.holidays, now).getTime() - now.getTime());
    const job = await queue.add(
      'deliver',
      { caseId: c.id, district: c.district, routing: c.routing },
      {
        jobId: dispatchJobId(c.id, c.district, c.routing),
        delay,
        attempts: opts.attempts,
        backoff: { type: 'exponential', delay: opts.backoffMs },
        removeOnComplete: KEEP_COMPLETED,
        // Kept for supervisors to replay.
        removeOnFail: false,
      },
    );
    logger.debug({ jobId: job.id, delayMs: delay }, 'dispatch queued');
  }

  const sweepEvery = deps.sweepEveryMs ?? 60_000;
  const scheduling =
    sweepEvery > 0
      ? keepEnsured(
          async () => {
            await queue.waitUntilReady();
            await queue.upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: sweepEvery }, { name: SWEEP_JOB, opts: { removeOnComplete: true, removeOnFail: 100 } });
          },
          logger,
          { what: 'dispatch sweep scheduler', everyMs: deps.ensureEveryMs },
        )
      : null;

  const slots = new DistrictSlots(deps.perDistrict ?? DEFAULT_PER_DISTRICT);
  let worker: Worker<DispatchJobData> | null = null;
  if (deps.worker !== false) {
    worker = new Worker<DispatchJobData>(
      DISPATCH_QUEUE,
      async (job, token) => {
        if (job.name === SWEEP_JOB) return sweep();
        const { district } = job.data;
        if (!slots.tryTake(district)) {
          // Not an attempt: the job steps aside for other districts and comes back shortly.
          await job.moveToDelayed(Date.now() + DISTRICT_BUSY_DELAY_MS, token);
          throw new DelayedError();
        }
        try {
          return await deliver(job, token);
        } catch (err) {
          if (err instanceof DelayedError) throw err;
          const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          if (last) {
            await deps.dispatches
              .flagFailed(job.data.caseId, deps.now(), `delivery to district ${job.data.district} failed: ${(err as Error).message}`)
              .catch((flagErr: Error) => logger.error({ err: flagErr.message, jobId: job.id }, 'could not flag failed dispatch'));
          }
          throw err;
        } finally {
          slots.release(district);
        }
      },
      {
        connection: deps.connection,
        prefix,
        concurrency: deps.concurrency ?? DEFAULT_CONCURRENCY,
        ...(deps.lockDurationMs ? { lockDuration: deps.lockDurationMs } : {}),
        ...(deps.stalledIntervalMs ? { stalledInterval: deps.stalledIntervalMs } : {}),
      },
    );
    worker.on('error', (err) => logger.warn({ err: err.message }, 'dispatch worker error'));
    worker.on('failed', (job, err) =>
      logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'dispatch attempt failed'),
    );
  }

  return {
    queue,
    worker,

    enqueue,

    async retry(jobId, actor) {
      const job = await queue.getJob(jobId);
      if (!job) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No dispatch job has this id', { jobId });
      const state = await job.getState();
      if (state !== 'failed') {
        throw hotlineError('HOTLINE_ERR_CONFLICT', 'Only a failed dispatch job can be retried', { jobId, state });
      }
      await job.retry('failed');
      await deps.dispatches.clearFailed(job.data.caseId, actor, deps.now());
      const found = await deps.cases.findById(job.data.caseId);
      return { jobId, caseId: job.data.caseId, trackingNumber: found?.trackingNumber ?? null };
    },

    async close(force = false) {
      scheduling?.stop();
      await closeWorker(worker, force, logger);
      await queue.close();
    },
  };
}

/** What a district receives: the case as the API shows it, minus internal flags. */
function webhookCase(c: Case) {
  return {
    id: c.id,
    trackingNumber: c.trackingNumber,
    channel: c.channel,
    category: c.category,
    district: c.district,
    unit: c.unit,
    callerPhone: c.callerPhone,
    description: c.description,
    hasRecording: c.recording !== null,
    createdAt: c.createdAt.toISOString(),
    dueAt: c.dueAt?.toISOString() ?? null,
  };
}
