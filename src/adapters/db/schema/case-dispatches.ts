import { integer, pgTable, smallint, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.js';

/**
 * Successful deliveries of a case to one target of a district (`inbox` or a webhook
 * URL). A retried dispatch job skips the targets already here, so a webhook that
 * failed once does not make the others receive the case twice. A new routing of the
 * case to the same district (after a decline) delivers afresh.
 */
export const caseDispatches = pgTable(
  'case_dispatches',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    district: smallint('district').notNull(),
    target: text('target').notNull(),
    /** The case's routing generation (cases.routing) this delivery belongs to. */
    routing: integer('routing').notNull().default(0),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('case_dispatches_case_district_target_routing_key').on(t.caseId, t.district, t.target, t.routing)],
);
