import type { Worker } from 'bullmq';
import type { Logger } from 'pino';

/** Longest a worker's close may take before the stop goes on without it. */
const CLOSE_WITHIN_MS = 5_000;

/**
 * Closes a BullMQ worker, but never waits on it for ever: closed just after Redis came
 * back from a restart, BullMQ's worker.close() can wait on a blocking connection that
 * never settles (taskforcesh/bullmq#4656, reproduced in test/integration/redis-loss.test.ts),
 * which would hang the engine's stop. A job still running then is retried by another
 * worker once its lock expires.
 */
export async function closeWorker(worker: Pick<Worker, 'close' | 'disconnect' | 'name'> | null, force: boolean, logger: Logger, withinMs = CLOSE_WITHIN_MS): Promise<void> {
  if (!worker) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), withinMs);
    timer.unref();
  });
  const closed = worker.close(force).then(
    () => 'closed' as const,
    (err: Error) => {
      logger.warn({ err: err.message, queue: worker.name }, 'worker close failed');
      return 'closed' as const;
    },
  );
  const how = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (how === 'late') {
    logger.warn({ queue: worker.name, withinMs }, 'worker did not close in time; going on without it');
    void worker.disconnect().catch(() => undefined);
  }
}
