import { DelayedError, Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { CallbackRepo } from '../db/callback-repo.js';
import { asteriskQueue, type QueueName } from '../../domain/cases/case.js';

export const CALLBACK_QUEUE = 'callbacks';
/** While no agent is free, look again this often. */
const AGENT_POLL_MS = 10_000;
const MAX_ATTEMPTS = 3;

export interface Dialler {
  /** Originates the call into the `hotline` Stasis app with appArgs `callback,<id>`. */
  originate(input: { phone: string; callbackId: string }): Promise<void>;
  /** Agents free to take a call in an app_queue queue right now. */
  availableAgents(queue: string): Promise<number>;
}

/**
 * The callback dialler on BullMQ: one job per request (job id from the request, so a
 * request is dialled once however often it is scheduled). The call is placed only when
 * an agent of that queue is free; a failed originate is retried with backoff.
 */
export function startCallbackJobs(deps: {
  connection: ConnectionOptions;
  callbacks: CallbackRepo;
  dialler: Dialler;
  now: () => Date;
  logger: Logger;
  prefix?: string;
  /** Run the worker in this process (default true). */
  work?: boolean;
}) {
  const prefix = deps.prefix ?? 'hotline';
  const queue = new Queue<{ callbackId: string }>(CALLBACK_QUEUE, { connection: deps.connection, prefix });
  queue.on('error', (err) => deps.logger.warn({ err: err.message }, 'callback queue error'));

  const worker =
    deps.work === false
      ? null
      : new Worker<{ callbackId: string }>(
          CALLBACK_QUEUE,
          async (job, token) => {
            const callback = await deps.callbacks.findById(job.data.callbackId);
            if (!callback || callback.status !== 'pending') return 'nothing to do';
            const available = await deps.dialler.availableAgents(asteriskQueue(callback.queue as QueueName));
            if (available < 1) {
              deps.logger.debug({ callbackId: callback.id, queue: callback.queue }, 'no agent free yet; callback waits');
              await job.moveToDelayed(Date.now() + AGENT_POLL_MS, token);
              throw new DelayedError();
            }
            await deps.callbacks.markAttempt(callback.id, deps.now());
            try {
              await deps.dialler.originate({ phone: callback.phone, callbackId: callback.id });
            } catch (err) {
              const last = job.attemptsMade + 1 >= MAX_ATTEMPTS;
              await deps.callbacks.setStatus(callback.id, last ? 'failed' : 'pending', (err as Error).message);
              throw err;
            }
            return 'dialled';
          },
          { connection: deps.connection, prefix, concurrency: 5 },
        );
  worker?.on('error', (err) => deps.logger.warn({ err: err.message }, 'callback worker error'));
  worker?.on('failed', (job, err) =>
    deps.logger.warn({ err: err.message, callbackId: job?.data.callbackId, attempt: job?.attemptsMade }, 'callback dialling failed'),
  );
  worker?.on('completed', (job, result) => deps.logger.info({ callbackId: job.data.callbackId, result }, 'callback job done'));

  return {
    queue,
    async schedule(callbackId: string): Promise<void> {
      await queue.add(
        'dial',
        { callbackId },
        {
          jobId: `callback-${callbackId}`,
          attempts: MAX_ATTEMPTS,
          backoff: { type: 'exponential', delay: 30_000 },
          removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
      );
    },
    /** `force`: do not wait for running jobs (nor for an unreachable Redis); they are retried. */
    async close(force = false): Promise<void> {
      await worker?.close(force);
      await queue.close();
    },
  };
}
