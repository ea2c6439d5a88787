/**
 * The retention purge: a BullMQ job scheduler runs it every hour (one run at a time
 * across all instances), deleting the audio of recordings past their kind's retention.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { closeWorker } from '../../adapters/jobs/close-worker.js';
import { keepEnsured } from '../../adapters/jobs/keep-ensured.js';

export const RETENTION_QUEUE = 'recording-retention';
export const RETENTION_SCHEDULER_ID = 'recording-retention';

export interface RetentionJob {
  queue: Queue;
  close(force?: boolean): Promise<void>;
}

export function startRetentionJob(deps: {
  connection: ConnectionOptions;
  prefix: string;
  purge: () => Promise<number>;
  worker: boolean;
  logger: Logger;
  everyMs?: number;
}): RetentionJob {
  const logger = deps.logger.child({ component: 'recording-retention' });
  const queue = new Queue(RETENTION_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'retention queue error'));
  const scheduling = keepEnsured(
    () =>
      queue.upsertJobScheduler(
        RETENTION_SCHEDULER_ID,
        { every: deps.everyMs ?? 3_600_000 },
        { name: 'purge', opts: { removeOnComplete: true, removeOnFail: 100 } },
      ),
    logger,
    { what: 'recording retention scheduler' },
  );
  let worker: Worker | null = null;
  if (deps.worker) {
    worker = new Worker(RETENTION_QUEUE, () => deps.purge(), { connection: deps.connection, prefix: deps.prefix, concurrency: 1 });
    worker.on('error', (err) => logger.warn({ err: err.message }, 'retention worker error'));
    worker.on('failed', (_job, err) => logger.warn({ err: err.message }, 'retention purge failed'));
  }
  return {
    queue,
    async close(force = false) {
      scheduling.stop();
      await closeWorker(worker, force, logger);
      await queue.close();
    },
  };
}
