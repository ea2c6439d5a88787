import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { oneOf } from './check-in.js';
import { cases } from './cases.js';
import { SURVEY_RECORD_STATUSES, type SurveyRecordStatus } from '../../../outbound/domain/survey-eligibility.js';

/** A satisfaction survey call about a closed case: its state, and the answers once given. */
export const surveys = pgTable(
  'surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    /** 1 for the case's first survey, 2 for the one after an unanswered first. */
    surveyNumber: smallint('survey_number').notNull(),
    /** Canonical number dialled (normalizePhone). */
    phone: text('phone').notNull(),
    status: text('status').$type<SurveyRecordStatus>().notNull().default('pending'),
    /** Attempts placed so far (the survey_attempts rows). */
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due (the delayed job's time). */
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }).notNull(),
    /** Why the survey ended without answers (invalid_number, attempts_exhausted, do_not_call…). */
    endReason: text('end_reason'),
    /**
     * When the survey reached its final state (answered, no_answer, failed, opted_out,
     * cancelled): the satisfaction report's period is judged by it.
     */
    endedAt: timestamp('ended_at', { withTimezone: true }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    solved: boolean('solved'),
    rating: smallint('rating'),
    /** Key of the voice comment recording. */
    commentRecording: text('comment_recording'),
    /** Set when the answers reopened the case: a supervisor should look at it. */
    flaggedAt: timestamp('flagged_at', { withTimezone: true }),
    /** A supervisor has looked at the flagged answers (the first review is kept). */
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewedBy: text('reviewed_by'),
    reviewNote: text('review_note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('surveys_status_check', oneOf(t.status, SURVEY_RECORD_STATUSES)),
    check('surveys_rating_check', sql`${t.rating} between 1 and 5`),
    check('surveys_survey_number_check', sql`${t.surveyNumber} >= 1`),
    // A second closure, or the same closure seen twice, cannot make a second survey.
    uniqueIndex('surveys_case_id_survey_number_idx').on(t.caseId, t.surveyNumber),
    // Never two surveys of one case under way at once.
    uniqueIndex('surveys_case_id_open_idx')
      .on(t.caseId)
      .where(sql`${t.status} in ('pending', 'dialling')`),
    index('surveys_flagged_idx').on(t.flaggedAt).where(sql`${t.flaggedAt} is not null`),
    // Satisfaction report: every column it reads, so a year of surveys is an index-only scan.
    index('surveys_report_idx')
      .on(t.endedAt, t.status, t.caseId, t.rating, t.solved)
      .where(sql`${t.endedAt} is not null`),
  ],
);

/** One row per call placed for a survey, with how it ended. */
export const surveyAttempts = pgTable(
  'survey_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    attempt: smallint('attempt').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** Q.850 cause from Asterisk; null when the originate itself failed. */
    hangupCause: integer('hangup_cause'),
    hangupCauseName: text('hangup_cause_name'),
    /** AttemptOutcome (outbound/domain/retry-policy.ts); null while the call is on. */
    outcome: text('outcome'),
  },
  (t) => [uniqueIndex('survey_attempts_survey_id_attempt_idx').on(t.surveyId, t.attempt)],
);
