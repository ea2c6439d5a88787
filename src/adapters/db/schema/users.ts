import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { DISTRICT_COUNT } from '../../../domain/cases/case.js';
import { USER_ROLES, type UserRole } from '../../../domain/users/user.js';
import { oneOf } from './check-in.js';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    role: text('role').$type<UserRole>().notNull(),
    district: smallint('district'),
    /** scrypt, self-describing: `scrypt$N$r$p$salt$hash` (see services/passwords.ts). */
    passwordHash: text('password_hash').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('users_role_check', oneOf(t.role, USER_ROLES)),
    // A district user without a district would see nothing, or (worse) everything.
    check(
      'users_district_check',
      sql`(${t.role} = 'district') = (${t.district} is not null) and (${t.district} is null or ${t.district} between 1 and ${sql.raw(String(DISTRICT_COUNT))})`,
    ),
  ],
);
