import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * `column IN ('a', 'b', …)` for a check constraint. Text columns checked against the
 * domain's constant lists rather than pgEnum: a new value is then a plain
 * drop/add constraint in a migration, with no ALTER TYPE restrictions on transactions.
 */
export function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  for (const v of values) {
    if (!/^[a-z0-9_]+$/.test(v)) throw new Error(`unsafe enum literal in schema: ${v}`);
  }
  return sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`;
}
