import { check, jsonb, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { Contact, UnitKind } from '../../../domain/cases/unit.js';
import type { AreaGeometry } from '../../../domain/geo/point-in-polygon.js';
import { districts } from './districts.js';

/**
 * Units inside a district (kind `unit`) and city-wide bodies (kind `body`, such as the
 * water or the traffic organisation, with no district): cases can be routed to them.
 */
export const units = pgTable(
  'units',
  {
    /** Short lowercase id, also what a boundary file's properties.unit names. */
    id: text('id').primaryKey(),
    kind: text('kind').$type<UnitKind>().notNull(),
    district: smallint('district').references(() => districts.id),
    name: text('name').notNull(),
    webhookUrls: jsonb('webhook_urls').$type<string[]>().notNull().default([]),
    webhookSecret: text('webhook_secret'),
    contacts: jsonb('contacts').$type<Contact[]>().notNull().default([]),
    /** Hours per category that replace the hotline's SLA for cases routed here; null: none. */
    slaHours: jsonb('sla_hours').$type<Record<string, number>>(),
    boundary: jsonb('boundary').$type<AreaGeometry>(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('units_id_check', sql`${t.id} ~ '^[a-z0-9][a-z0-9-]{0,39}$'`),
    check('units_kind_check', sql`${t.kind} in ('unit', 'body')`),
    check('units_district_check', sql`(${t.kind} = 'unit') = (${t.district} is not null)`),
    check('units_webhook_urls_check', sql`jsonb_typeof(${t.webhookUrls}) = 'array'`),
    check('units_webhook_secret_check', sql`${t.webhookUrls} = '[]'::jsonb or ${t.webhookSecret} is not null`),
  ],
);
