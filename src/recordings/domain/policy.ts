import type { QueueName } from '../../domain/cases/case.js';

/** Which queue calls are recorded (RECORDING_SHARE_PERCENT, RECORDING_QUEUES_OFF). */
export interface RecordingPolicy {
  /** 0..100: the share of answered queue calls recorded. */
  sharePercent: number;
  /** Queues never recorded (the per-queue switch). */
  queuesOff: readonly QueueName[];
}

/**
 * A call's place in 0..9999, from its id alone (FNV-1a): the same call always gets the
 * same answer, whichever engine instance sees it connect and however often, so a test
 * (or an auditor) can tell in advance which calls fall into the share.
 */
export function shareBucket(callId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < callId.length; i++) {
    hash ^= callId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 10_000;
}

export function shouldRecord(call: { callId: string; queue: QueueName }, policy: RecordingPolicy): boolean {
  if (policy.queuesOff.includes(call.queue)) return false;
  return shareBucket(call.callId) < Math.round(policy.sharePercent * 100);
}
