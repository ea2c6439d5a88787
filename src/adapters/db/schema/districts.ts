import { boolean, check, jsonb, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { WeeklyHours } from '../../../domain/calendar/office-hours.js';
import type { Contact } from '../../../domain/cases/unit.js';
import type { AreaGeometry } from '../../../domain/geo/point-in-polygon.js';
import { DISTRICT_COUNT } from '../../../domain/cases/case.js';

/** Tehran's municipal districts and where their cases are delivered. Seeded 1..22 by a migration. */
export const districts = pgTable(
  'districts',
  {
    id: smallint('id').primaryKey(),
    name: text('name').notNull(),
    /** Null: the default district hours (src/domain/cases/district.ts). */
    officeHours: jsonb('office_hours').$type<WeeklyHours>(),
    webhookUrls: jsonb('webhook_urls').$type<string[]>().notNull().default([]),
    webhookSecret: text('webhook_secret'),
    inboxEnabled: boolean('inbox_enabled').notNull().default(true),
    /** Its outline (GeoJSON Polygon or MultiPolygon, WGS 84), from npm run districts:import. */
    boundary: jsonb('boundary').$type<AreaGeometry>(),
    contacts: jsonb('contacts').$type<Contact[]>().notNull().default([]),
    /** Hours per category that replace the hotline's SLA for the district's cases; null: none. */
    slaHours: jsonb('sla_hours').$type<Record<string, number>>(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('districts_id_check', sql`${t.id} between 1 and ${sql.raw(String(DISTRICT_COUNT))}`),
    check('districts_webhook_urls_check', sql`jsonb_typeof(${t.webhookUrls}) = 'array'`),
    // A webhook nobody can verify would let anyone forge cases to the district.
    check('districts_webhook_secret_check', sql`${t.webhookUrls} = '[]'::jsonb or ${t.webhookSecret} is not null`),
  ],
);
