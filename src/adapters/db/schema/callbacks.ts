import { check, index, integer, pgTable, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { QUEUES, type QueueName } from '../../../domain/cases/case.js';
import { oneOf } from './check-in.js';
import { calls } from './calls.js';
import { cases } from './cases.js';

export const CALLBACK_STATUSES = ['pending', 'dialling', 'connected', 'failed', 'cancelled'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** A caller who chose to be called back instead of waiting on the line. */
export const callbacks = pgTable(
  'callbacks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    phone: text('phone').notNull(),
    queue: text('queue').$type<QueueName>().notNull(),
    /** The call the request was made from, and its place in line (when it joined the queue). */
    callId: uuid('call_id').references((): AnyPgColumn => calls.id, { onDelete: 'set null' }),
    caseId: uuid('case_id').references((): AnyPgColumn => cases.id, { onDelete: 'set null' }),
    waitingSince: timestamp('waiting_since', { withTimezone: true }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    status: text('status').$type<CallbackStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastResult: text('last_result'),
  },
  (t) => [
    check('callbacks_status_check', oneOf(t.status, CALLBACK_STATUSES)),
    check('callbacks_queue_check', oneOf(t.queue, QUEUES)),
    index('callbacks_status_idx').on(t.status, t.waitingSince),
  ],
);
