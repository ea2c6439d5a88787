/**
 * SLA escalation: a BullMQ job scheduler runs a sweep every minute (one run at a time
 * across all instances) that flags open cases past their due time.
 */
import { Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { Case } from '../../domain/cases/case.js';
import type { CaseRepo } from '../../domain/cases/ports.js';
import { closeWorker } from './close-worker.js';
import { keepEnsured } from './keep-ensured.js';
import { DEFAULT_QUEUE_PREFIX, SLA_QUEUE } from './queues.js';

export const SLA_SCHEDULER_ID = 'sla-escalation';
/** How long a forced close waits for the sweep events' connection before cutting it. */
const EVENTS_FORCED_CLOSE_MS = 100;

export interface SlaDeps {
  connection: ConnectionOptions;
  prefix?: string;
  cases: Pick<CaseRepo, 'escalateOverdue'>;
  logger: Logger;
  now: () => Date;
  /** How often the sweep runs (60 s). */
  everyMs?: number;
  /** How often the scheduler is set again, should Redis have lost it (60 s). */
  ensureEveryMs?: number;
  /** Run a worker in this process (default true). */
  worker?: boolean;
  /**
   * Told of the cases a sweep of this process escalated (to notify people). A failure
   * fails the sweep, which runs again a minute later; the cases stay escalated.
   */
  onEscalated?: (escalated: Case[]) => Promise<void>;
}

export interface Sla {
  queue: Queue;
  worker: Worker | null;
  /**
   * Calls `listener` after every sweep, on any instance, that escalated cases (through
   * the queue's events in Redis, so a separate worker process counts too). Resolves once
   * it listens: sweeps that end before are not heard.
   */
  onSwept(listener: () => void): Promise<void>;
  close(force?: boolean): Promise<void>;
}

export function startSla(deps: SlaDeps): Sla {
  const prefix = deps.prefix ?? DEFAULT_QUEUE_PREFIX;
  const logger = deps.logger.child({ component: 'sla' });
  const queue = new Queue(SLA_QUEUE, { connection: deps.connection, prefix });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'sla queue error'));
  // Upserted by every instance at start and every minute after: one schedule, whatever
  // the number of replicas, and back soon after Redis lost its data.
  const scheduling = keepEnsured(
    () =>
      queue.upsertJobScheduler(
        SLA_SCHEDULER_ID,
        { every: deps.everyMs ?? 60_000 },
        { name: 'escalate', opts: { removeOnComplete: true, removeOnFail: 100 } },
      ),
    logger,
    { what: 'SLA scheduler', everyMs: deps.ensureEveryMs },
  );

  let worker: Worker | null = null;
  if (deps.worker !== false) {
    worker = new Worker(
      SLA_QUEUE,
      async () => {
        const escalated = await deps.cases.escalateOverdue(deps.now());
        for (const c of escalated) {
          logger.warn({ caseId: c.id, trackingNumber: c.trackingNumber, dueAt: c.dueAt }, 'case overdue: escalated');
        }
        if (escalated.length > 0) await deps.onEscalated?.(escalated);
        return escalated.length;
      },
      { connection: deps.connection, prefix, concurrency: 1 },
    );
    worker.on('error', (err) => logger.warn({ err: err.message }, 'sla worker error'));
    worker.on('failed', (_job, err) => logger.warn({ err: err.message }, 'sla sweep failed'));
  }

  // Opened on first use: only a process that shows overdue counts listens.
  let events: QueueEvents | null = null;
  const sweptListeners: (() => void)[] = [];
  return {
    queue,
    worker,
    async onSwept(listener) {
      sweptListeners.push(listener);
      if (events) return events.waitUntilReady().then(() => undefined);
      events = new QueueEvents(SLA_QUEUE, { connection: deps.connection, prefix });
      events.on('error', (err) => logger.warn({ err: err.message }, 'sla queue events error'));
      events.on('completed', ({ returnvalue }) => {
        if (Number(returnvalue) > 0) for (const l of sweptListeners) l();
      });
      await events.waitUntilReady();
    },
    async close(force = false) {
      scheduling.stop();
      await closeWorker(worker, force, logger);
      // Its blocking read never settles while Redis is away: with `force`, it is cut off at once.
      await closeWorker(events, force, logger, force ? EVENTS_FORCED_CLOSE_MS : undefined);
      await queue.close();
    },
  };
}
