import { sql } from 'drizzle-orm';
import { check, index, pgTable, serial, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import type { HolidayKind } from '../../../domain/calendar/holidays.js';
import { districts } from './districts.js';

/** Holidays and closures (Jalali dates), edited on /hours; seeded once from config/holidays.json. */
export const holidays = pgTable(
  'holidays',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').$type<HolidayKind>().notNull(),
    /** Null for a solar holiday (every year). */
    jy: smallint('jy'),
    jm: smallint('jm').notNull(),
    jd: smallint('jd').notNull(),
    name: text('name').notNull(),
    /** Closed in this district only; null: the whole city. */
    district: smallint('district').references(() => districts.id, { onDelete: 'cascade' }),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('holidays_kind_check', sql`${t.kind} in ('solar', 'lunar', 'closure')`),
    check('holidays_year_check', sql`(${t.kind} = 'solar') = (${t.jy} is null)`),
    check('holidays_date_check', sql`${t.jm} between 1 and 12 and ${t.jd} between 1 and 31`),
    check('holidays_name_check', sql`length(${t.name}) between 1 and 200`),
    index('holidays_jy_idx').on(t.jy),
  ],
);
