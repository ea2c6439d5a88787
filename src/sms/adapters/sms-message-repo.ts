import { and, asc, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../adapters/db/database.js';
import { smsMessages } from '../../adapters/db/schema/sms-messages.js';
import type { DeliveryState, SmsMessage, SmsMessageRepo } from '../domain/ports.js';
import type { MessageKind } from '../domain/sms-policy.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Row = typeof smsMessages.$inferSelect;
const toMessage = (r: Row): SmsMessage => ({ ...r, kind: r.kind as MessageKind });

/** Statuses a later report may still move on from (a report of `delivered` settles it). */
const REPORTABLE = ['sending', 'sent', 'undelivered', 'failed'] as const;

export function createSmsMessageRepo(db: Db): SmsMessageRepo {
  return {
    async create(input) {
      const [row] = await db
        .insert(smsMessages)
        .values({
          caseId: input.caseId,
          kind: input.kind,
          occurrence: input.occurrence,
          phone: input.phone,
          body: input.body,
          segments: input.segments,
          encoding: input.encoding,
          sendAfter: input.sendAfter,
          status: input.skipReason ? 'skipped' : 'queued',
          skipReason: input.skipReason ?? null,
          createdAt: input.at,
          updatedAt: input.at,
        })
        .onConflictDoNothing()
        .returning();
      if (row) return { message: toMessage(row), created: true };
      const [existing] = await db
        .select()
        .from(smsMessages)
        .where(
          and(
            input.caseId === null ? isNull(smsMessages.caseId) : eq(smsMessages.caseId, input.caseId),
            eq(smsMessages.kind, input.kind),
            eq(smsMessages.occurrence, input.occurrence),
          ),
        )
        .limit(1);
      if (!existing) throw new Error('sms message neither inserted nor found');
      return { message: toMessage(existing), created: false };
    },
    async findById(id) {
      if (!UUID.test(id)) return null;
      const [row] = await db.select().from(smsMessages).where(eq(smsMessages.id, id)).limit(1);
      return row ? toMessage(row) : null;
    },
    async listForCase(caseId) {
      if (!UUID.test(caseId)) return [];
      const rows = await db.select().from(smsMessages).where(eq(smsMessages.caseId, caseId)).orderBy(asc(smsMessages.createdAt));
      return rows.map(toMessage);
    },
    async claim(id, at) {
      return db.transaction(async (tx) => {
        const [before] = await tx
          .select()
          .from(smsMessages)
          .where(and(eq(smsMessages.id, id), inArray(smsMessages.status, ['queued', 'sending'])))
          .for('update');
        if (!before) return null;
        await tx
          .update(smsMessages)
          .set({ status: 'sending', attempts: sql`${smsMessages.attempts} + 1`, updatedAt: at })
          .where(eq(smsMessages.id, id));
        return toMessage(before);
      });
    },
    async markSent(id, provider, receipt, at) {
      await db
        .update(smsMessages)
        .set({
          status: receipt.state,
          provider,
          providerMessageId: receipt.providerMessageId,
          providerStatus: receipt.providerStatus,
          sentAt: at,
          deliveredAt: receipt.state === 'delivered' ? at : null,
          lastError: null,
          updatedAt: at,
        })
        .where(eq(smsMessages.id, id));
    },
    async markFailed(id, error, at) {
      await db
        .update(smsMessages)
        .set({ status: 'failed', lastError: error.slice(0, 500), updatedAt: at })
        .where(and(eq(smsMessages.id, id), inArray(smsMessages.status, ['queued', 'sending'])));
    },
    async markSkipped(id, reason, at) {
      await db
        .update(smsMessages)
        .set({ status: 'skipped', skipReason: reason, updatedAt: at })
        .where(and(eq(smsMessages.id, id), inArray(smsMessages.status, ['queued', 'sending'])));
    },
    async noteError(id, error, at) {
      await db.update(smsMessages).set({ lastError: error.slice(0, 500), updatedAt: at }).where(eq(smsMessages.id, id));
    },
    async recordDelivery(provider, providerMessageId, state: DeliveryState, providerStatus, at) {
      const [row] = await db
        .update(smsMessages)
        .set({
          status: state,
          providerStatus,
          deliveredAt: state === 'delivered' ? at : null,
          updatedAt: at,
        })
        .where(
          and(
            eq(smsMessages.provider, provider),
            eq(smsMessages.providerMessageId, providerMessageId),
            inArray(smsMessages.status, [...REPORTABLE]),
          ),
        )
        .returning();
      if (row) return toMessage(row);
      // Already delivered (a repeated report), or unknown: report the row as it is.
      const [found] = await db
        .select()
        .from(smsMessages)
        .where(and(eq(smsMessages.provider, provider), eq(smsMessages.providerMessageId, providerMessageId)))
        .limit(1);
      return found ? toMessage(found) : null;
    },
    async listPending(before, limit) {
      const rows = await db
        .select()
        .from(smsMessages)
        .where(and(inArray(smsMessages.status, ['queued', 'sending']), lt(smsMessages.updatedAt, before)))
        .orderBy(asc(smsMessages.updatedAt))
        .limit(limit);
      return rows.map(toMessage);
    },
    async openSatisfactionQuestion(phone, since) {
      const [row] = await db
        .select()
        .from(smsMessages)
        .where(
          and(
            eq(smsMessages.phone, phone),
            eq(smsMessages.kind, 'satisfaction'),
            inArray(smsMessages.status, ['sending', 'sent', 'delivered', 'undelivered']),
            isNull(smsMessages.replyVerdict),
            gte(smsMessages.createdAt, since),
          ),
        )
        .orderBy(desc(smsMessages.createdAt))
        .limit(1);
      return row ? toMessage(row) : null;
    },
    async recordReply(id, reply, verdict, at) {
      const rows = await db
        .update(smsMessages)
        .set({ reply: reply.slice(0, 500), replyVerdict: verdict, repliedAt: at, updatedAt: at })
        .where(and(eq(smsMessages.id, id), isNull(smsMessages.replyVerdict)))
        .returning({ id: smsMessages.id });
      return rows.length > 0;
    },
  };
}
