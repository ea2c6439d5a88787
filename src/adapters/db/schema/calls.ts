import { check, index, integer, jsonb, pgTable, smallint, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { CASE_CATEGORIES, DISTRICT_COUNT, QUEUES, type CaseCategory, type QueueName } from '../../../domain/cases/case.js';
import { CALL_OUTCOMES, QUEUE_RESULTS, type CallOutcome, type QueueResult } from '../../../domain/cases/ports.js';
import { oneOf } from './check-in.js';
import { cases } from './cases.js';
import { users } from './users.js';

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;



/** One row per call, keyed by Asterisk's channel uniqueid. */
export const calls = pgTable(
  'calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    uniqueId: text('unique_id').notNull().unique(),
    caller: text('caller'),
    direction: text('direction').$type<(typeof CALL_DIRECTIONS)[number]>().notNull().default('inbound'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    ivrPath: jsonb('ivr_path').$type<string[]>().notNull().default([]),
    outcome: text('outcome').$type<CallOutcome>().notNull().default('in_ivr'),
    queue: text('queue').$type<QueueName>(),
    category: text('category').$type<CaseCategory>(),
    district: smallint('district'),
    caseId: uuid('case_id').references((): AnyPgColumn => cases.id, { onDelete: 'set null' }),
    // From AMI queue events: the supervisor statistics are computed from these.
    queueJoinedAt: timestamp('queue_joined_at', { withTimezone: true }),
    queueLeftAt: timestamp('queue_left_at', { withTimezone: true }),
    queueResult: text('queue_result').$type<QueueResult>(),
    /** Seconds in queue until answered or abandoned (app_queue's HoldTime). */
    waitSeconds: integer('wait_seconds'),
    agentId: uuid('agent_id').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    talkSeconds: integer('talk_seconds'),
    wrapUpSeconds: integer('wrap_up_seconds'),
  },
  (t) => [
    check('calls_direction_check', oneOf(t.direction, CALL_DIRECTIONS)),
    check('calls_outcome_check', oneOf(t.outcome, CALL_OUTCOMES)),
    check('calls_queue_check', oneOf(t.queue, QUEUES)),
    check('calls_category_check', oneOf(t.category, CASE_CATEGORIES)),
    check('calls_district_check', sql`${t.district} between 1 and ${sql.raw(String(DISTRICT_COUNT))}`),
    check('calls_ivr_path_check', sql`jsonb_typeof(${t.ivrPath}) = 'array'`),
    index('calls_caller_started_at_idx').on(t.caller, t.startedAt),
    index('calls_started_at_idx').on(t.startedAt),
    check('calls_queue_result_check', oneOf(t.queueResult, QUEUE_RESULTS)),
    index('calls_agent_id_idx').on(t.agentId),
    // Reports: a covering index over queued calls, so a year's sums are an index-only scan.
    index('calls_report_idx')
      .on(t.startedAt, t.queue, t.queueResult, t.waitSeconds, t.talkSeconds, t.wrapUpSeconds, t.district, t.category)
      .where(sql`${t.queueJoinedAt} is not null`),
  ],
);
