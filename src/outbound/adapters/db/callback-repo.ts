import { and, asc, count, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { QueueName } from '../../../domain/cases/case.js';
import { endAttemptOnce, type AttemptEnd } from './attempt-end.js';
import type { Db } from '../../../adapters/db/database.js';
import { callbackAttempts } from '../../../adapters/db/schema/callback-attempts.js';
import { callbacks, type CallbackStatus } from '../../../adapters/db/schema/callbacks.js';

export type CallbackRow = typeof callbacks.$inferSelect;
export type CallbackAttemptRow = typeof callbackAttempts.$inferSelect;

/** A callback with its current attempt, for the sweep. */
export interface InFlightCallback {
  callback: CallbackRow;
  attempt: CallbackAttemptRow;
}

export function createCallbackRepo(db: Db) {
  return {
    async create(input: { phone: string; queue: QueueName; callId: string | null; caseId: string | null; waitingSince: Date }): Promise<CallbackRow> {
      const [row] = await db.insert(callbacks).values(input).returning();
      return row!;
    },
    async findById(id: string): Promise<CallbackRow | null> {
      const [row] = await db.select().from(callbacks).where(eq(callbacks.id, id)).limit(1);
      return row ?? null;
    },
    /** An open request for this number, so a caller pressing 1 twice gets one callback. */
    async findOpenByPhone(phone: string): Promise<CallbackRow | null> {
      const [row] = await db
        .select()
        .from(callbacks)
        .where(and(eq(callbacks.phone, phone), sql`${callbacks.status} in ('pending', 'dialling')`))
        .limit(1);
      return row ?? null;
    },
    /**
     * Starts attempt `attempt` if the request is still pending and this is its next
     * attempt (compare-and-set: a redelivered job does not place a second call).
     */
    async startAttempt(id: string, attempt: number, at: Date): Promise<boolean> {
      return db.transaction(async (tx) => {
        const updated = await tx
          .update(callbacks)
          .set({ status: 'dialling', attempts: attempt, lastAttemptAt: at })
          .where(and(eq(callbacks.id, id), eq(callbacks.status, 'pending'), eq(callbacks.attempts, attempt - 1)))
          .returning({ id: callbacks.id });
        if (updated.length === 0) return false;
        await tx.insert(callbackAttempts).values({ callbackId: id, attempt, startedAt: at });
        return true;
      });
    },
    /** Ends the attempt in progress; false when it already ended (a repeated report). */
    async endAttempt(id: string, attempt: number, end: AttemptEnd): Promise<boolean> {
      return endAttemptOnce(db, { table: callbackAttempts, owner: callbackAttempts.callbackId }, id, attempt, end);
    },
    async attempts(id: string): Promise<CallbackAttemptRow[]> {
      return db.select().from(callbackAttempts).where(eq(callbackAttempts.callbackId, id)).orderBy(asc(callbackAttempts.attempt));
    },
    /** Whether attempt `attempt` is over (its end recorded). */
    async attemptEnded(id: string, attempt: number): Promise<boolean> {
      const [row] = await db
        .select({ endedAt: callbackAttempts.endedAt })
        .from(callbackAttempts)
        .where(and(eq(callbackAttempts.callbackId, id), eq(callbackAttempts.attempt, attempt)))
        .limit(1);
      return row !== undefined && row.endedAt !== null;
    },
    async setStatus(id: string, status: CallbackStatus, lastResult: string | null): Promise<void> {
      await db.update(callbacks).set({ status, lastResult }).where(eq(callbacks.id, id));
    },
    async listPending(): Promise<CallbackRow[]> {
      return db.select().from(callbacks).where(eq(callbacks.status, 'pending')).orderBy(callbacks.waitingSince).limit(500);
    },
    /**
     * Callbacks whose current attempt started before `startedBefore` and is not settled:
     * still 'dialling' (its end unrecorded, or recorded but never acted on), or answered
     * ('connected') with no end recorded. Oldest first.
     */
    async listInFlight(startedBefore: Date, limit = 500): Promise<InFlightCallback[]> {
      return db
        .select({ callback: callbacks, attempt: callbackAttempts })
        .from(callbacks)
        .innerJoin(callbackAttempts, and(eq(callbackAttempts.callbackId, callbacks.id), eq(callbackAttempts.attempt, callbacks.attempts)))
        .where(
          and(
            lt(callbackAttempts.startedAt, startedBefore),
            or(eq(callbacks.status, 'dialling'), and(eq(callbacks.status, 'connected'), isNull(callbackAttempts.endedAt))),
          ),
        )
        .orderBy(asc(callbackAttempts.startedAt))
        .limit(limit);
    },
    async countPending(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(callbacks).where(sql`${callbacks.status} in ('pending', 'dialling')`);
      return Number(row?.n ?? 0);
    },
    /** Open requests (pending or being dialled) per queue; queues with none are absent. */
    async countPendingByQueue(): Promise<Partial<Record<QueueName, number>>> {
      const rows = await db
        .select({ queue: callbacks.queue, n: count() })
        .from(callbacks)
        .where(sql`${callbacks.status} in ('pending', 'dialling')`)
        .groupBy(callbacks.queue);
      return Object.fromEntries(rows.map((r) => [r.queue, Number(r.n)]));
    },
  };
}

export type CallbackRepo = ReturnType<typeof createCallbackRepo>;
