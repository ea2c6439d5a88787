import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Small persistent key/value settings (office-hours override, import cursors…). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
