import { boolean, index, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { CaseCategory } from '../../../domain/cases/case.js';

/**
 * Every contact of a citizen (domain/reports/loyalty.ts): an inbound call from a citizen's
 * number, or a case with a number that no call opened; `id` is that call's or case's id.
 * Written by triggers on `calls` and `cases` (migration 0028), so every way a call or case
 * is recorded — repositories, the fallback import, a hand-made row — keeps it true. The
 * flags are the definitions' per-contact facts, set when a contact is written so that the
 * citizen report is a scan of a period with sums (docs/benchmarks.md):
 * - `repeat`: the same citizen had a contact on the same topic in the 7 days before;
 * - `followed`: the same citizen had a contact on the same topic in the 7 days after;
 * - `citizenSince`: the citizen's first contact (whether they were "returning" in a period).
 * A write refreshes the flags of the contacts within 7 days of it, so out-of-order and
 * changed rows (a category chosen after the call started) stay right.
 */
export const citizenContacts = pgTable(
  'citizen_contacts',
  {
    id: uuid('id').primaryKey(),
    citizen: text('citizen').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    topic: text('topic').$type<CaseCategory>(),
    district: smallint('district'),
    repeat: boolean('repeat').notNull().default(false),
    followed: boolean('followed').notNull().default(false),
    citizenSince: timestamp('citizen_since', { withTimezone: true }).notNull(),
  },
  (t) => [
    // The probes for the flags: the same citizen and topic around an instant.
    index('citizen_contacts_issue_idx').on(t.citizen, t.topic, t.at),
    // The report: a period's rows with every column it reads (index-only scan).
    index('citizen_contacts_report_idx').on(t.at, t.citizen, t.topic, t.district, t.repeat, t.followed, t.citizenSince),
  ],
);
