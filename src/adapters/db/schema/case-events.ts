import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { CASE_EVENT_KINDS, CASE_STATUSES, type CaseEventKind, type CaseStatus } from '../../../domain/cases/case.js';
import { oneOf } from './check-in.js';
import { cases } from './cases.js';

/** The history of a case: every status change (and routing, escalation, failed delivery), who and why. Append-only. */
export const caseEvents = pgTable(
  'case_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<CaseEventKind>().notNull().default('status'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    fromStatus: text('from_status').$type<CaseStatus>(),
    toStatus: text('to_status').$type<CaseStatus>().notNull(),
    note: text('note'),
  },
  (t) => [
    check('case_events_kind_check', oneOf(t.kind, CASE_EVENT_KINDS)),
    check('case_events_from_status_check', oneOf(t.fromStatus, CASE_STATUSES)),
    check('case_events_to_status_check', oneOf(t.toStatus, CASE_STATUSES)),
    index('case_events_case_id_at_idx').on(t.caseId, t.at),
    // Reports: time to resolve reads only the `resolved` events, a fraction of the history.
    index('case_events_resolved_idx').on(t.caseId, t.at).where(sql`${t.toStatus} = 'resolved'`),
  ],
);
