/**
 * What the wallboard shows of overdue cases: how many open cases are past their SLA,
 * per district (null: not yet routed). Pure: the counts come from storage.
 */
export interface OverdueSummary {
  total: number;
  /** Districts with at least one overdue case, by district number (undistricted last). */
  byDistrict: { district: number | null; count: number }[];
}

export const NO_OVERDUE: OverdueSummary = Object.freeze({ total: 0, byDistrict: [] });

/** Builds the summary from per-district counts in any order. */
export function overdueSummary(rows: readonly { district: number | null; count: number }[]): OverdueSummary {
  const byDistrict = rows
    .filter((r) => r.count > 0)
    .map((r) => ({ district: r.district, count: r.count }))
    .sort((a, b) => (a.district ?? Number.MAX_SAFE_INTEGER) - (b.district ?? Number.MAX_SAFE_INTEGER));
  return { total: byDistrict.reduce((sum, r) => sum + r.count, 0), byDistrict };
}

/** Whether two summaries show the same: pushing an unchanged one would only redraw the board. */
export function sameOverdue(a: OverdueSummary, b: OverdueSummary): boolean {
  return (
    a.total === b.total &&
    a.byDistrict.length === b.byDistrict.length &&
    a.byDistrict.every((r, i) => r.district === b.byDistrict[i]!.district && r.count === b.byDistrict[i]!.count)
  );
}
