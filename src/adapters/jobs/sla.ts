/**
 * SLA escalation: a BullMQ job scheduler runs a sweep every minute (one run at a time
 * across all instances) that flags open cases past their due time.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { CaseRepo } from '../../domain/cases/ports.js';
import { keepTrying } from './dispatch.js';
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
  // Upserted by every instance at start: one schedule, whatever the number of replicas.
  const scheduling = keepTrying(
    () =>
      queue.upsertJobScheduler(
        SLA_SCHEDULER_ID,
        { every: deps.everyMs ?? 60_000 },
        { name: 'escalate', opts: { removeOnComplete: true, removeOnFail: 100 } },
      ),
    logger,
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
      await worker?.close(force);
      await queue.close();
    },
  };
}
