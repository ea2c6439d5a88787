import { and, count, eq, sql } from 'drizzle-orm';
import type { QueueName } from '../../domain/cases/case.js';
import type { Db } from './database.js';
import { callbacks, type CallbackStatus } from './schema/callbacks.js';

export type CallbackRow = typeof callbacks.$inferSelect;

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
    async markAttempt(id: string, at: Date): Promise<void> {
      await db
        .update(callbacks)
        .set({ status: 'dialling', attempts: sql`${callbacks.attempts} + 1`, lastAttemptAt: at })
        .where(eq(callbacks.id, id));
    },
    async setStatus(id: string, status: CallbackStatus, lastResult: string | null): Promise<void> {
      await db.update(callbacks).set({ status, lastResult }).where(eq(callbacks.id, id));
    },
    async listPending(): Promise<CallbackRow[]> {
      return db.select().from(callbacks).where(eq(callbacks.status, 'pending')).orderBy(callbacks.waitingSince).limit(500);
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
