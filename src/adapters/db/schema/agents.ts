import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { QUEUES, type QueueName } from '../../../domain/cases/case.js';
import { PAUSE_REASONS, type PauseReason } from '../../../domain/agents/agent.js';
import { oneOf } from './check-in.js';
import { users } from './users.js';

/**
 * An agent's phone and the state the engine last gave them in app_queue. The state is
 * kept here so that a restarted engine (or a restarted Asterisk, whose dynamic members
 * are gone) puts every agent back as they were.
 */
export const agents = pgTable(
  'agents',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** PJSIP endpoint (and SIP username) of the agent's phone. */
    endpoint: text('endpoint').notNull().unique(),
    /** What app_queue dials; PJSIP/<endpoint> unless the agent works from another line. */
    interface: text('interface').notNull().unique(),
    sipPassword: text('sip_password').notNull(),
    loggedIn: boolean('logged_in').notNull().default(false),
    pauseReason: text('pause_reason').$type<PauseReason>(),
    stateSince: timestamp('state_since', { withTimezone: true }).notNull().defaultNow(),
    wrapUpUntil: timestamp('wrap_up_until', { withTimezone: true }),
    missedInARow: integer('missed_in_a_row').notNull().default(0),
  },
  (t) => [
    check('agents_pause_reason_check', oneOf(t.pauseReason, PAUSE_REASONS)),
    check('agents_endpoint_check', sql`${t.endpoint} ~ '^[a-z0-9][a-z0-9._-]{1,39}$'`),
  ],
);

/** The queues (skills) an agent serves, with app_queue's penalty for each. */
export const agentQueues = pgTable(
  'agent_queues',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => agents.userId, { onDelete: 'cascade' }),
    queue: text('queue').$type<QueueName>().notNull(),
    penalty: smallint('penalty').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.queue] }),
    check('agent_queues_queue_check', oneOf(t.queue, QUEUES)),
    check('agent_queues_penalty_check', sql`${t.penalty} between 0 and 100`),
  ],
);
