import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** The phone a supervisor (or admin) listens to agents' calls on. */
export const supervisorPhones = pgTable(
  'supervisor_phones',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** PJSIP endpoint (and SIP username): sup-<username>. */
    endpoint: text('endpoint').notNull().unique(),
    /** What the engine originates to: PJSIP/<endpoint>, or e.g. a Local channel to a mobile. */
    interface: text('interface').notNull().unique(),
    sipPassword: text('sip_password').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('supervisor_phones_endpoint_check', sql`${t.endpoint} ~ '^sup-[a-z0-9][a-z0-9._-]{1,39}$'`)],
);
