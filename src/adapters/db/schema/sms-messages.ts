import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { MESSAGE_KINDS } from '../../../sms/domain/sms-policy.js';
import { oneOf } from './check-in.js';
import { cases } from './cases.js';

export const SMS_MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'skipped'] as const;
export type SmsMessageStatus = (typeof SMS_MESSAGE_STATUSES)[number];
export const SMS_VERDICTS = ['accept', 'object'] as const;

/**
 * One text to a citizen: what it says, its send job's state, and the provider's delivery
 * reports. One row per case, kind and occurrence (the district of a dispatch, the time of
 * a resolution…): the same happening seen twice never texts twice.
 */
export const smsMessages = pgTable(
  'sms_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** A number for providers whose idempotency key must be numeric (Kavenegar's `localid`). */
    localId: bigserial('local_id', { mode: 'number' }).notNull(),
    caseId: uuid('case_id').references(() => cases.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    occurrence: text('occurrence').notNull(),
    /** Canonical mobile number (normalizePhone). */
    phone: text('phone').notNull(),
    body: text('body').notNull(),
    segments: smallint('segments').notNull(),
    encoding: text('encoding').notNull(),
    status: text('status').$type<SmsMessageStatus>().notNull().default('queued'),
    /** Why it was not sent (do_not_contact, kind_off…). */
    skipReason: text('skip_reason'),
    provider: text('provider'),
    providerMessageId: text('provider_message_id'),
    /** The provider's last status as it gave it (Kavenegar: 1, 4, 10, 11…). */
    providerStatus: text('provider_status'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** Not before this (quiet hours move it to the morning). */
    sendAfter: timestamp('send_after', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    /** The citizen's answer to a satisfaction question, as texted and as understood. */
    reply: text('reply'),
    replyVerdict: text('reply_verdict'),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('sms_messages_status_check', oneOf(t.status, SMS_MESSAGE_STATUSES)),
    check('sms_messages_kind_check', oneOf(t.kind, MESSAGE_KINDS)),
    check('sms_messages_reply_verdict_check', sql`${t.replyVerdict} is null or ${oneOf(t.replyVerdict, SMS_VERDICTS)}`),
    uniqueIndex('sms_messages_local_id_idx').on(t.localId),
    uniqueIndex('sms_messages_case_kind_occurrence_idx').on(t.caseId, t.kind, t.occurrence),
    // Texts about no case (the answer to a forwarded inbound text) are unique per kind and occurrence.
    uniqueIndex('sms_messages_caseless_kind_occurrence_idx')
      .on(t.kind, t.occurrence)
      .where(sql`${t.caseId} is null`),
    index('sms_messages_provider_message_idx').on(t.provider, t.providerMessageId),
    index('sms_messages_phone_kind_idx').on(t.phone, t.kind, t.createdAt),
    index('sms_messages_pending_idx')
      .on(t.updatedAt)
      .where(sql`${t.status} in ('queued', 'sending')`),
  ],
);
