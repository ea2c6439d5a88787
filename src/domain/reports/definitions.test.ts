import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../queues/live-stats.js';
import { toCsv } from './csv.js';
import { reportRange } from './date-range.js';
import {
  callReport,
  callTable,
  caseReport,
  caseTable,
  csvFileName,
  label,
  type CallAggregate,
  type CaseAggregate,
} from './definitions.js';

const RANGE = reportRange('1405-01-01', '1405-01-03');
const CONFIG = defaultConfig({ wrapUpSec: { general: 10 } });

function agg(partial: Partial<CallAggregate>): CallAggregate {
  return {
    key: null,
    queue: 'general',
    offered: 0,
    answered: 0,
    answeredInTime: 0,
    abandoned: 0,
    abandonedLate: 0,
    holdSecAnswered: 0,
    handled: 0,
    handleSec: 0,
    handledWithoutWrapUp: 0,
    ...partial,
  };
}

describe('callReport', () => {
  it('computes service level, ASA, abandonment and AHT as the wallboard does', () => {
    // 2026-03-21 is 1405-01-01. Two queues on the same day are summed.
    const report = callReport(
      [
        agg({ key: '2026-03-21', queue: 'general', offered: 10, answered: 6, answeredInTime: 4, abandoned: 3, abandonedLate: 2, holdSecAnswered: 90, handled: 5, handleSec: 500, handledWithoutWrapUp: 2 }),
        agg({ key: '2026-03-21', queue: 'parks_trees', offered: 2, answered: 2, answeredInTime: 2, holdSecAnswered: 10, handled: 1, handleSec: 100, handledWithoutWrapUp: 1 }),
      ],
      'day',
      RANGE,
      CONFIG,
    );
    expect(report.rows.map((r) => r.key)).toEqual(['1405-01-01', '1405-01-02', '1405-01-03']);
    const first = report.rows[0]!.figures;
    expect(first.offered).toBe(12);
    // (4 + 2) in time ÷ (8 answered + 2 abandoned late)
    expect(first.serviceLevel).toBeCloseTo(6 / 10);
    expect(first.asaSec).toBeCloseTo(100 / 8);
    expect(first.abandonmentRate).toBeCloseTo(3 / 12);
    // 500 + 2 × general's 10 s wrap-up, 100 + 1 × the default 15 s; six completed calls.
    expect(first.ahtSec).toBeCloseTo((520 + 115) / 6);
    expect(report.rows[1]!.figures).toMatchObject({ offered: 0, serviceLevel: null, asaSec: null, ahtSec: null });
    expect(report.total.offered).toBe(12);
    expect(report.rows[0]!.label).toBe('۱۴۰۵/۰۱/۰۱');
  });

  it('lists every queue and keeps calls with no queue recorded as unknown', () => {
    const report = callReport([agg({ key: null, queue: null, offered: 1 })], 'queue', RANGE, CONFIG);
    expect(report.rows).toHaveLength(9);
    expect(report.rows.at(-1)).toMatchObject({ key: null, label: 'نامشخص' });
    expect(report.rows.at(-1)!.figures.offered).toBe(1);
  });
});

describe('caseReport', () => {
  const cases = (p: Partial<CaseAggregate>): CaseAggregate => ({ key: null, category: null, opened: 0, resolved: 0, overdue: 0, resolveSec: 0, ...p });

  it('gives the mean time to resolve over resolved cases only', () => {
    const report = caseReport(
      [cases({ key: '7', category: 'other', opened: 4, resolved: 2, overdue: 1, resolveSec: 2 * 3600 + 4 * 3600 })],
      'district',
      RANGE,
    );
    expect(report.rows).toHaveLength(22);
    expect(report.rows[6]).toMatchObject({ key: '7', label: 'منطقه ۷', figures: { opened: 4, resolved: 2, overdue: 1, meanTimeToResolveHours: 3 } });
    expect(report.rows[0]!.figures.meanTimeToResolveHours).toBeNull();
  });

  it('by queue, lists cases under the queue serving their category', () => {
    const report = caseReport(
      [
        cases({ key: 'staff_complaint', category: 'staff_complaint', opened: 2 }),
        cases({ key: null, category: null, opened: 3 }),
        cases({ key: 'parks_trees', category: 'parks_trees', opened: 5 }),
      ],
      'queue',
      RANGE,
    );
    const byKey = Object.fromEntries(report.rows.map((r) => [r.key, r.figures.opened]));
    expect(byKey).toMatchObject({ complaints: 2, general: 3, parks_trees: 5, other: 0 });
    expect(report.total.opened).toBe(10);
  });
});

describe('tables', () => {
  it('writes Persian headers, percentages and a total row', () => {
    const report = callReport([agg({ key: '8', offered: 4, answered: 3, answeredInTime: 2, abandoned: 1, abandonedLate: 1, holdSecAnswered: 31 })], 'hour', RANGE, CONFIG);
    const table = callTable(report);
    expect(table.header[7]).toBe('سطح خدمت (٪)');
    expect(table.header[4]).toBe('پاسخ در 20 ثانیه');
    expect(table.rows).toHaveLength(25);
    expect(table.rows[8]).toEqual(['8', '۰۸:۰۰–۰۹:۰۰', 4, 3, 2, 1, 1, 50, 10.3, 25, null]);
    expect(table.rows[24]!.slice(0, 3)).toEqual([null, 'جمع کل', 4]);
    expect(toCsv(table.header, table.rows).split('\r\n')).toHaveLength(27);
  });

  it('names the file after the report and the range', () => {
    const report = caseReport([], 'category', RANGE);
    expect(csvFileName(report)).toBe('hotline-cases-by-category-1405-01-01_1405-01-03.csv');
    expect(caseTable(report).header).toContain('معوق');
    expect(label('category', 'staff_complaint')).toBe('شکایت از کارکنان');
  });
});
