import { integer, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { callbacks } from './callbacks.js';

/** One row per call placed for a queue callback, with how it ended (as survey_attempts). */
export const callbackAttempts = pgTable(
  'callback_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    callbackId: uuid('callback_id')
      .notNull()
      .references(() => callbacks.id, { onDelete: 'cascade' }),
    attempt: smallint('attempt').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** Q.850 cause from Asterisk; null when the originate itself failed. */
    hangupCause: integer('hangup_cause'),
    /** Asterisk's name for the cause, or why none came (`engine-lost`). */
    hangupCauseName: text('hangup_cause_name'),
    /** AttemptOutcome (outbound/domain/retry-policy.ts); null while the call is on. */
    outcome: text('outcome'),
  },
  (t) => [uniqueIndex('callback_attempts_callback_id_attempt_idx').on(t.callbackId, t.attempt)],
);
