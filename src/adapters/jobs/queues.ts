/** BullMQ queue names, job ids and payloads shared by producers and workers. */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

export const DISPATCH_QUEUE = 'dispatch';
export const SLA_QUEUE = 'sla';

/** Key prefix of every queue in Redis (BullMQ's default is `bull`). */
export const DEFAULT_QUEUE_PREFIX = 'hotline';

export interface DispatchJobData {
  caseId: string;
  district: number;
}

/**
 * One job per case and district: adding it again while it waits, runs, failed or
 * recently completed is a no-op. (BullMQ ids must not contain ':'.)
 */
export function dispatchJobId(caseId: string, district: number): string {
  return `case-${caseId}-district-${district}`;
}

/**
 * A connection for BullMQ: workers block on Redis and must retry forever instead of
 * failing a command after a few reconnects (`maxRetriesPerRequest: null`).
 */
export function queueConnection(redisUrl: string, extra: RedisOptions = {}): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, ...extra });
}

export type QueueConnection = ConnectionOptions;
