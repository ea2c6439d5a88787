import {
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import {
  CASE_CATEGORIES,
  CASE_CHANNELS,
  CASE_STATUSES,
  DISTRICT_COUNT,
  type CaseCategory,
  type CaseChannel,
  type CaseStatus,
} from '../../../domain/cases/case.js';
import { oneOf } from './check-in.js';
import { calls } from './calls.js';
import { units } from './units.js';

export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    trackingNumber: text('tracking_number').notNull().unique(),
    channel: text('channel').$type<CaseChannel>().notNull(),
    category: text('category').$type<CaseCategory>(),
    district: smallint('district'),
    /** A unit of the district, or a city-wide body (then no district). */
    unit: text('unit').references(() => units.id),
    callerPhone: text('caller_phone'),
    description: text('description'),
    /** Key in the recording store, not a path: the files live beside the database. */
    recording: text('recording'),
    // Unique so that a retried creation for the same call cannot make a second case.
    callId: uuid('call_id')
      .unique()
      .references((): AnyPgColumn => calls.id, { onDelete: 'set null' }),
    address: text('address'),
    lat: doublePrecision('lat'),
    long: doublePrecision('long'),
    /** A channel's own message id (SMS gateway); unique per channel so a redelivery makes no second case. */
    externalId: text('external_id'),
    /** How the reporter asked to be reached (Open311, e-mail): for staff only, never published. */
    reporterEmail: text('reporter_email'),
    reporterFirstName: text('reporter_first_name'),
    reporterLastName: text('reporter_last_name'),
    /** A number as the reporter gave it when it is not an Iranian one (callerPhone holds those). */
    reporterPhone: text('reporter_phone'),
    status: text('status').$type<CaseStatus>().notNull().default('new'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** First time the case reached `resolved`: reports measure time to resolve from it. */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    dispatchFailedAt: timestamp('dispatch_failed_at', { withTimezone: true }),
    /**
     * Bumped by every change of district: each routing is its own dispatch job and
     * deliveries, so a case routed back to a district that declined it is delivered again.
     */
    routing: integer('routing').notNull().default(0),
    duplicateOf: uuid('duplicate_of').references((): AnyPgColumn => cases.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('cases_tracking_number_check', sql`${t.trackingNumber} ~ '^[1-9][0-9]{7}([0-9]{2})?$'`),
    check('cases_channel_check', oneOf(t.channel, CASE_CHANNELS)),
    check('cases_category_check', oneOf(t.category, CASE_CATEGORIES)),
    check('cases_status_check', oneOf(t.status, CASE_STATUSES)),
    check('cases_district_check', sql`${t.district} between 1 and ${sql.raw(String(DISTRICT_COUNT))}`),
    check('cases_lat_check', sql`${t.lat} between -90 and 90`),
    check('cases_long_check', sql`${t.long} between -180 and 180`),
    check('cases_position_check', sql`(${t.lat} is null) = (${t.long} is null)`),
    uniqueIndex('cases_channel_external_id_idx').on(t.channel, t.externalId),
    index('cases_caller_phone_created_at_idx').on(t.callerPhone, t.createdAt),
    index('cases_status_idx').on(t.status),
    index('cases_district_idx').on(t.district),
    index('cases_unit_idx').on(t.unit),
    index('cases_category_idx').on(t.category),
    index('cases_created_at_idx').on(t.createdAt),
    // The SLA sweep only ever looks at cases not yet escalated.
    index('cases_due_at_idx').on(t.dueAt).where(sql`${t.escalatedAt} is null`),
    // Reports: every column the case report reads, so a year of cases is an index-only scan.
    index('cases_report_idx').on(t.createdAt, t.category, t.district, t.status, t.resolvedAt),
  ],
);
