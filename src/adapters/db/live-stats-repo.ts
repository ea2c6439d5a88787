import { and, gte, isNotNull, lt } from 'drizzle-orm';
import { addDays, tehranDate, tehranInstant } from '../../domain/calendar/tehran-time.js';
import type { CallRowSummary } from '../../domain/queues/live-stats.js';
import type { Db } from './database.js';
import { calls } from './schema/index.js';

type Row = Pick<
  typeof calls.$inferSelect,
  'uniqueId' | 'queue' | 'queueJoinedAt' | 'queueResult' | 'endedAt' | 'waitSeconds' | 'talkSeconds' | 'wrapUpSeconds'
>;

/**
 * A queued call as the statistics read it. A row with no queue result is still
 * waiting, unless the call ended: then the engine missed its end and it only counts
 * as offered (`left`), never as an open call that could still be answered.
 */
export function summarise(row: Row): CallRowSummary | null {
  if (!row.queue || !row.queueJoinedAt) return null;
  const outcome: CallRowSummary['outcome'] =
    row.queueResult === 'answered' ? 'answered'
    : row.queueResult === 'abandoned' ? 'abandoned'
    : row.queueResult === 'exited' || row.endedAt ? 'left'
    : 'waiting';
  return {
    uniqueId: row.uniqueId,
    queue: row.queue,
    joinedAt: row.queueJoinedAt,
    outcome,
    waitSec: row.waitSeconds ?? 0,
    talkSec: row.talkSeconds,
    wrapSec: row.wrapUpSeconds,
  };
}

/** Today's queued calls (Tehran day), so the wallboard survives an engine restart. */
export function createLiveStatsRepo(db: Db) {
  return {
    async todaysQueuedCalls(at: Date): Promise<CallRowSummary[]> {
      const today = tehranDate(at);
      const from = tehranInstant(today, 0, 0);
      const to = tehranInstant(addDays(today, 1), 0, 0);
      const rows = await db
        .select({
          uniqueId: calls.uniqueId,
          queue: calls.queue,
          queueJoinedAt: calls.queueJoinedAt,
          queueResult: calls.queueResult,
          endedAt: calls.endedAt,
          waitSeconds: calls.waitSeconds,
          talkSeconds: calls.talkSeconds,
          wrapUpSeconds: calls.wrapUpSeconds,
        })
        .from(calls)
        .where(and(isNotNull(calls.queue), gte(calls.queueJoinedAt, from), lt(calls.queueJoinedAt, to)));
      return rows.map(summarise).filter((r): r is CallRowSummary => r !== null);
    },
  };
}

export type LiveStatsRepo = ReturnType<typeof createLiveStatsRepo>;
