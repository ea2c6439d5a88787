import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, jsonb, pgTable, text, timestamp, unique, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { QueueName } from '../../../domain/cases/case.js';
import { DISPUTE_STATUSES, type Criterion, type DisputeStatus, type Answers } from '../../../quality/domain/scoring.js';
import { oneOf } from './check-in.js';
import { callRecordings } from './call-recordings.js';
import { calls } from './calls.js';
import { users } from './users.js';

/** A supervisors' evaluation form: weighted criteria, some of them critical. */
export const qaForms = pgTable(
  'qa_forms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    criteria: jsonb('criteria').$type<Criterion[]>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [check('qa_forms_criteria_check', sql`jsonb_typeof(${t.criteria}) = 'array'`)],
);

/**
 * One supervisor's scoring of one recorded call. A second supervisor scoring the same
 * recording is calibration; the agent may dispute a score once.
 */
export const qaEvaluations = pgTable(
  'qa_evaluations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordingId: uuid('recording_id')
      .notNull()
      .references((): AnyPgColumn => callRecordings.id, { onDelete: 'cascade' }),
    formId: uuid('form_id')
      .notNull()
      .references((): AnyPgColumn => qaForms.id),
    callId: uuid('call_id')
      .notNull()
      .references((): AnyPgColumn => calls.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
    queue: text('queue').$type<QueueName>(),
    evaluatorId: text('evaluator_id').notNull(),
    answers: jsonb('answers').$type<Answers>().notNull(),
    score: doublePrecision('score').notNull(),
    criticalFailed: boolean('critical_failed').notNull(),
    comment: text('comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the call was: reports group evaluations by the call's period. */
    callStartedAt: timestamp('call_started_at', { withTimezone: true }).notNull(),
    disputeStatus: text('dispute_status').$type<DisputeStatus>(),
    disputeReason: text('dispute_reason'),
    disputedAt: timestamp('disputed_at', { withTimezone: true }),
    resolvedBy: text('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolutionNote: text('resolution_note'),
  },
  (t) => [
    unique('qa_evaluations_one_per_evaluator').on(t.recordingId, t.evaluatorId),
    check('qa_evaluations_score_check', sql`${t.score} between 0 and 100`),
    check('qa_evaluations_dispute_status_check', oneOf(t.disputeStatus, DISPUTE_STATUSES)),
    index('qa_evaluations_agent_id_idx').on(t.agentId, t.callStartedAt),
    index('qa_evaluations_call_started_at_idx').on(t.callStartedAt),
  ],
);
