import { and, count, inArray, isNotNull } from 'drizzle-orm';
import { OPEN_STATUSES } from '../../domain/cases/case.js';
import { overdueSummary, type OverdueSummary } from '../../domain/cases/overdue.js';
import type { Db } from './database.js';
import { cases } from './schema/index.js';

/** Overdue open cases per district: the same rule as the `overdue` filter of the case list. */
export function createOverdueRepo(db: Db) {
  return {
    async summary(): Promise<OverdueSummary> {
      const rows = await db
        .select({ district: cases.district, count: count() })
        .from(cases)
        .where(and(isNotNull(cases.escalatedAt), inArray(cases.status, OPEN_STATUSES)))
        .groupBy(cases.district);
      return overdueSummary(rows.map((r) => ({ district: r.district, count: Number(r.count) })));
    },
  };
}
