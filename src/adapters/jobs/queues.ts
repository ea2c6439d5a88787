/** BullMQ queue names, job ids and payloads shared by producers and workers. */
import type { ConnectionOptions } from 'bullmq';

export const DISPATCH_QUEUE = 'dispatch';
export const SLA_QUEUE = 'sla';
export const ESCALATION_NOTIFY_QUEUE = 'escalation-notify';

/** Key prefix of every queue in Redis (BullMQ's default is `bull`). */
export const DEFAULT_QUEUE_PREFIX = 'hotline';

export interface DispatchJobData {
  caseId: string;
  district: number;
  /** The case's routing generation (absent in jobs queued before it existed: 0). */
  routing?: number;
}

/**
 * One job per case, district and routing of the case: adding it again while it waits,
 * runs, failed or recently completed is a no-op, but routing the case anew (back to a
 * district that declined it) is a new job. The first routing keeps the id jobs had
 * before generations, so an upgrade queues nothing twice. (BullMQ ids must not contain ':'.)
 */
export function dispatchJobId(caseId: string, district: number, routing = 0): string {
  return `case-${caseId}-district-${district}` + (routing > 0 ? `-routing-${routing}` : '');
}

/**
 * Connection options for BullMQ from REDIS_URL. Options rather than a client: each
 * queue and worker then opens (and closes) its own connections, and BullMQ sets
 * `maxRetriesPerRequest: null` on the blocking ones itself.
 */
export function queueConnection(redisUrl: string): ConnectionOptions {
  return { url: redisUrl };
}
