/**
 * Escalation reaches people: every case the SLA sweep escalates is POSTed, signed like
 * the district webhooks, to ESCALATION_WEBHOOK_URL (a supervisors' chat bot, an e-mail
 * gateway). One job per case and escalation, so a sweep run twice notifies once; a
 * failed delivery is retried with backoff, and the receiver can drop repeats by the
 * Idempotency-Key header.
 */
import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { isOpen, type Case } from '../../domain/cases/case.js';
import type { CaseRepo } from '../../domain/cases/ports.js';
import { closeWorker } from './close-worker.js';
import { DEFAULT_QUEUE_PREFIX, ESCALATION_NOTIFY_QUEUE } from './queues.js';
import { postWebhook } from './webhook.js';
import { isPermanentWebhookFailure } from './webhook-retry.js';

export interface EscalationWebhook {
  url: string;
  /** Signs every body (HMAC-SHA256, X-Hotline-Signature), as the district webhooks are. */
  secret: string;
}

export interface EscalationJobData {
  caseId: string;
  /** The escalation notified (ISO): a case escalated again later is a new notification. */
  escalatedAt: string;
}

export interface EscalationNotifyOptions {
  attempts: number;
  /** First retry delay; each next one doubles. */
  backoffMs: number;
  timeoutMs: number;
}

export const DEFAULT_ESCALATION_NOTIFY_OPTIONS: EscalationNotifyOptions = { attempts: 8, backoffMs: 30_000, timeoutMs: 10_000 };

/** Completed jobs are kept this long, so the same escalation added again is a no-op. */
const KEEP_COMPLETED = { age: 30 * 24 * 3600 };

export interface EscalationNotifyDeps {
  connection: ConnectionOptions;
  prefix?: string;
  webhook: EscalationWebhook;
  cases: Pick<CaseRepo, 'findById'>;
  logger: Logger;
  now: () => Date;
  options?: Partial<EscalationNotifyOptions>;
  /** Run a worker in this process (default true). */
  worker?: boolean;
  fetch?: typeof fetch;
}

export interface EscalationNotify {
  queue: Queue<EscalationJobData>;
  worker: Worker<EscalationJobData> | null;
  /** Queues one notification per escalated case (again for the same escalation: nothing new). */
  enqueue(escalated: readonly Case[]): Promise<void>;
  close(force?: boolean): Promise<void>;
}

/** BullMQ ids must not contain ':'. */
export function escalationJobId(caseId: string, escalatedAt: Date): string {
  return `case-${caseId}-escalated-${escalatedAt.getTime()}`;
}

export function startEscalationNotify(deps: EscalationNotifyDeps): EscalationNotify {
  const prefix = deps.prefix ?? DEFAULT_QUEUE_PREFIX;
  const opts = { ...DEFAULT_ESCALATION_NOTIFY_OPTIONS, ...deps.options };
  const logger = deps.logger.child({ component: 'escalation-notify' });
  const queue = new Queue<EscalationJobData>(ESCALATION_NOTIFY_QUEUE, { connection: deps.connection, prefix });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'escalation queue error'));

  let worker: Worker<EscalationJobData> | null = null;
  if (deps.worker !== false) {
    worker = new Worker<EscalationJobData>(
      ESCALATION_NOTIFY_QUEUE,
      async (job) => {
        const found = await deps.cases.findById(job.data.caseId);
        if (!found) return 'case gone';
        // Resolved or closed while the notice waited: nobody needs to chase it any more.
        if (!isOpen(found.status)) return 'no longer open';
        const body = JSON.stringify({ event: 'case.escalated', escalatedAt: job.data.escalatedAt, case: escalatedCase(found) });
        try {
          await postWebhook(
            { url: deps.webhook.url, body, secret: deps.webhook.secret, idempotencyKey: job.id!, timeoutMs: opts.timeoutMs, sentAt: deps.now() },
            deps.fetch,
          );
        } catch (err) {
          // A refusing receiver (4xx) refuses every retry too.
          if (isPermanentWebhookFailure(err)) throw new UnrecoverableError((err as Error).message);
          throw err;
        }
        return 'notified';
      },
      { connection: deps.connection, prefix, concurrency: 4 },
    );
    worker.on('error', (err) => logger.warn({ err: err.message }, 'escalation worker error'));
    worker.on('failed', (job, err) =>
      logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'escalation notice not delivered'),
    );
  }

  return {
    queue,
    worker,
    async enqueue(escalated) {
      await queue.addBulk(
        escalated
          .filter((c) => c.escalatedAt !== null)
          .map((c) => ({
            name: 'notify',
            data: { caseId: c.id, escalatedAt: c.escalatedAt!.toISOString() },
            opts: {
              jobId: escalationJobId(c.id, c.escalatedAt!),
              attempts: opts.attempts,
              backoff: { type: 'exponential', delay: opts.backoffMs },
              removeOnComplete: KEEP_COMPLETED,
              removeOnFail: 1000,
            },
          })),
      );
    },
    async close(force = false) {
      await closeWorker(worker, force, logger);
      await queue.close();
    },
  };
}

/** What the receiver needs to chase the case; the caller's number stays in the back office. */
function escalatedCase(c: Case) {
  return {
    id: c.id,
    trackingNumber: c.trackingNumber,
    status: c.status,
    channel: c.channel,
    category: c.category,
    district: c.district,
    unit: c.unit,
    description: c.description,
    address: c.address,
    createdAt: c.createdAt.toISOString(),
    dueAt: c.dueAt?.toISOString() ?? null,
  };
}
