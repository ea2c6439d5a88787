import { describe, expect, it } from 'vitest';
import { overdueSummary, sameOverdue } from './overdue.js';

describe('overdue summary', () => {
  it('orders districts by number, the undistricted last, and drops empty rows', () => {
    const s = overdueSummary([
      { district: null, count: 2 },
      { district: 12, count: 1 },
      { district: 3, count: 4 },
      { district: 5, count: 0 },
    ]);
    expect(s).toEqual({
      total: 7,
      byDistrict: [
        { district: 3, count: 4 },
        { district: 12, count: 1 },
        { district: null, count: 2 },
      ],
    });
  });

  it('tells a change from a repeat', () => {
    const a = overdueSummary([{ district: 3, count: 1 }]);
    expect(sameOverdue(a, overdueSummary([{ district: 3, count: 1 }]))).toBe(true);
    expect(sameOverdue(a, overdueSummary([{ district: 3, count: 2 }]))).toBe(false);
    expect(sameOverdue(a, overdueSummary([{ district: 4, count: 1 }]))).toBe(false);
    expect(sameOverdue(a, overdueSummary([]))).toBe(false);
  });
});
