import type { CallRepo } from '../../src/domain/cases/ports.js';

/** A random Iranian mobile number, so each test's caller has a history of its own. */
export function randomMobile(prefix = '0912'): string {
  return prefix + String(Math.floor(1_000_000 + Math.random() * 8_999_999));
}

/**
 * Waits until the engine has written a call's final state: ended, or (when `queued`
 * counts) handed to a queue. Rows have no change feed, so this polls, bounded by the
 * test's timeout.
 */
export async function settledCall(calls: CallRepo, uniqueId: string, opts: { queuedCounts?: boolean } = {}) {
  for (;;) {
    const row = await calls.findByUniqueId(uniqueId);
    if (row && (row.endedAt || (opts.queuedCounts && row.outcome === 'queued'))) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
}
