import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { oneOf } from './check-in.js';
import { cases } from './cases.js';

/**
 * Every e-mail Message-ID that belongs to a case: the ones citizens sent (in) and our
 * answers (out), so a reply's In-Reply-To / References finds its case, and a message read
 * twice adds nothing twice.
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    messageId: text('message_id').primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    direction: text('direction').$type<'in' | 'out'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('email_messages_direction_check', oneOf(t.direction, ['in', 'out'])), index('email_messages_case_id_idx').on(t.caseId)],
);
