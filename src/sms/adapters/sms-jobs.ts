/**
 * Texts go out as BullMQ jobs: one queue per provider (`sms-<provider>`), so the
 * provider's rate limit is the queue's limiter across every worker; one job per message
 * (job id `sms-<message id>`, so queueing it again is a no-op), retried with exponential
 * backoff. What a job does is the service's `deliver`; this file maps its outcome onto
 * BullMQ (a later time → delayed again, a refusal → not retried).
 */
import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { closeWorker } from '../../adapters/jobs/close-worker.js';
import type { SmsMessage } from '../domain/ports.js';
import type { DeliverResult } from '../services/sms-service.js';

export interface SmsJobData {
  messageId: string;
}

export interface SmsJobsConfig {
  /** Sends per second to the provider, across all workers. */
  ratePerSecond: number;
  attempts: number;
  backoffMs: number;
}

export function smsQueueName(provider: string): string {
  return `sms-${provider}`;
}

export function startSmsJobs(deps: {
  connection: ConnectionOptions;
  producerConnection?: ConnectionOptions;
  prefix: string;
  provider: string;
  work: boolean;
  config: SmsJobsConfig;
  deliver: (messageId: string) => Promise<DeliverResult>;
  gaveUp: (messageId: string, error: string) => Promise<void>;
  now: () => Date;
  logger: Logger;
}) {
  const name = smsQueueName(deps.provider);
  const logger = deps.logger.child({ component: 'sms-jobs' });
  const queue = new Queue<SmsJobData>(name, { connection: deps.producerConnection ?? deps.connection, prefix: deps.prefix });
  queue.on('error', (err) => logger.debug({ err: err.message }, 'sms queue error'));

  let worker: Worker<SmsJobData> | null = null;
  if (deps.work) {
    worker = new Worker<SmsJobData>(
      name,
      async (job, token) => {
        const result = await deps.deliver(job.data.messageId);
        switch (result.outcome) {
          case 'done':
            return result.status;
          case 'later':
            // Quiet hours: the test clock and the real one may differ, so the wait is measured on the engine's clock.
            await job.moveToDelayed(Date.now() + Math.max(0, result.at.getTime() - deps.now().getTime()), token);
            throw new DelayedError();
          case 'give_up':
            throw new UnrecoverableError(result.error);
          case 'retry':
            throw new Error(result.error);
        }
      },
      { connection: deps.connection, prefix: deps.prefix, concurrency: 4, limiter: { max: deps.config.ratePerSecond, duration: 1000 } },
    );
    worker.on('failed', (job, err) => {
      if (!job) return;
      const exhausted = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      if (exhausted && !(err instanceof UnrecoverableError)) {
        void deps.gaveUp(job.data.messageId, err.message).catch((e: Error) => logger.warn({ err: e.message }, 'SMS failure not recorded'));
      }
    });
    worker.on('error', (err) => logger.debug({ err: err.message }, 'sms worker error'));
  }

  return {
    queue,
    async enqueue(message: SmsMessage, delayMs: number): Promise<void> {
      await queue.add(
        'send',
        { messageId: message.id },
        {
          jobId: `sms-${message.id}`,
          delay: delayMs,
          attempts: deps.config.attempts,
          backoff: { type: 'exponential', delay: deps.config.backoffMs },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      );
    },
    async close(force = false): Promise<void> {
      await closeWorker(worker, force, logger);
      await queue.close().catch(() => undefined);
    },
  };
}
export type SmsJobs = ReturnType<typeof startSmsJobs>;
