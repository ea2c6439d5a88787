import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { AGENT_ACTIVITY_KINDS, type AgentActivityKind } from '../../../domain/reports/agents.js';
import { oneOf } from './check-in.js';
import { calls } from './calls.js';
import { users } from './users.js';

/**
 * What the per-agent report needs that no call row holds, written by the agent service
 * as it handles app_queue's events and its own QueuePause: a pause (with its reason) when
 * it ends, a ring the agent let go unanswered, a hold on the agent's call when it ends.
 */
export const agentActivity = pgTable(
  'agent_activity',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agentId: uuid('agent_id')
      .notNull()
      .references((): AnyPgColumn => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<AgentActivityKind>().notNull(),
    /** The pause reason (PAUSE_REASONS); null for rings and holds. */
    reason: text('reason'),
    callId: uuid('call_id').references((): AnyPgColumn => calls.id, { onDelete: 'set null' }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    /** Length of a pause or hold; 0 for a missed ring. */
    seconds: integer('seconds').notNull().default(0),
  },
  (t) => [
    check('agent_activity_kind_check', oneOf(t.kind, AGENT_ACTIVITY_KINDS)),
    check('agent_activity_seconds_check', sql`${t.seconds} >= 0`),
    // The report: a period's rows, then per agent and kind.
    index('agent_activity_report_idx').on(t.startedAt, t.agentId, t.kind, t.reason, t.seconds),
  ],
);
