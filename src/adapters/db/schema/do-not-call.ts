import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Numbers the hotline never calls back (surveys, callbacks): canonical form (normalizePhone). */
export const doNotCall = pgTable('do_not_call', {
  phone: text('phone').primaryKey(),
  /** 'survey_opt_out' when the citizen pressed 9, or what a supervisor wrote. */
  reason: text('reason').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** User id, or 'survey' for an opt-out during a call. */
  actor: text('actor').notNull(),
});
