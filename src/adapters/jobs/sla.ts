/**
 * SLA escalation: a BullMQ job scheduler runs a sweep every minute (one run at a time
 * across all instances) that flags open cases past their due time.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { CaseRepo } from '../../domain/cases/ports.js';
import { closeWorker } from './close-worker.js';
import { keepEnsured } from './keep-ensured.js';
import { DEFAULT_QUEUE_PREFIX, SLA_QUEUE } from './queues.js';

export const SLA_SCHEDULER_ID = 'sla-escalation';

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
}

export interface Sla {
  queue: Queue;
  worker: Worker | null;
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
        return escalated.length;
      },
      { connection: deps.connection, prefix, concurrency: 1 },
    );
    worker.on('error', (err) => logger.warn({ err: err.message }, 'sla worker error'));
    worker.on('failed', (_job, err) => logger.warn({ err: err.message }, 'sla sweep failed'));
  }

  return {
    queue,
    worker,
    async close(force = false) {
      scheduling.stop();
      await closeWorker(worker, force, logger);
      await queue.close();
    },
  };
}
