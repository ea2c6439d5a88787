import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';
import { reportRange } from './date-range.js';
import {
  NO_AGENT_LABEL,
  NO_QUEUE_LABEL,
  satisfactionFigures,
  satisfactionReport,
  satisfactionTable,
  type SatisfactionAggregate,
} from './satisfaction.js';

const RANGE = reportRange('1405-01-01', '1405-01-31');

const agg = (key: string | null, over: Partial<SatisfactionAggregate> = {}): SatisfactionAggregate => ({
  key,
  ended: 0,
  answered: 0,
  rated: 0,
  satisfied: 0,
  ratingSum: 0,
  solvedAnswered: 0,
  solvedYes: 0,
  ...over,
});

describe('satisfactionFigures', () => {
  it('works out the ratios by hand', () => {
    // 8 surveys ended, 5 answered; ratings 5, 4, 2, 1 (one answered without a rating);
    // solved: yes, yes, no (two did not answer that question).
    const f = satisfactionFigures({ ended: 8, answered: 5, rated: 4, satisfied: 2, ratingSum: 12, solvedAnswered: 3, solvedYes: 2 });
    expect(f).toEqual({
      ended: 8,
      answered: 5,
      responseRate: 5 / 8,
      rated: 4,
      satisfied: 2,
      csat: 0.5,
      meanRating: 3,
      solvedAnswered: 3,
      solvedYes: 2,
      solvedRate: 2 / 3,
      smsAsked: 0,
      smsAnswered: 0,
      smsResponseRate: null,
      smsAccepted: 0,
      smsObjected: 0,
      smsAcceptRate: null,
    });
    // The SMS question side by side: 10 asked, 4 answered, 3 accepted, 1 objected.
    expect(satisfactionFigures({ ended: 0, answered: 0, rated: 0, satisfied: 0, ratingSum: 0, solvedAnswered: 0, solvedYes: 0, smsAsked: 10, smsAnswered: 4, smsAccepted: 3, smsObjected: 1 })).toMatchObject({
      smsResponseRate: 0.4,
      smsAcceptRate: 0.75,
      responseRate: null,
    });
  });

  it('gives null, not zero, where nothing was measured', () => {
    const f = satisfactionFigures({ ended: 3, answered: 0, rated: 0, satisfied: 0, ratingSum: 0, solvedAnswered: 0, solvedYes: 0 });
    expect(f).toMatchObject({ responseRate: 0, csat: null, meanRating: null, solvedRate: null });
    expect(satisfactionFigures({ ended: 0, answered: 0, rated: 0, satisfied: 0, ratingSum: 0, solvedAnswered: 0, solvedYes: 0 }).responseRate).toBeNull();
  });
});

describe('satisfactionReport', () => {
  it('lists every district, merges repeated keys, and sums the total from the counts (not the ratios)', () => {
    const report = satisfactionReport(
      [
        agg('3', { ended: 2, answered: 2, rated: 2, satisfied: 2, ratingSum: 9, solvedAnswered: 2, solvedYes: 2 }),
        agg('3', { ended: 2, answered: 0 }),
        agg('5', { ended: 1, answered: 1, rated: 1, satisfied: 0, ratingSum: 1, solvedAnswered: 1, solvedYes: 0 }),
        agg(null, { ended: 1, answered: 1, rated: 0, solvedAnswered: 1, solvedYes: 1 }),
      ],
      'district',
      RANGE,
    );
    expect(report.rows).toHaveLength(23);
    const three = report.rows.find((r) => r.key === '3')!;
    expect(three.label).toBe('منطقه ۳');
    expect(three.figures).toMatchObject({ ended: 4, answered: 2, responseRate: 0.5, csat: 1, meanRating: 4.5, solvedRate: 1 });
    expect(report.rows.find((r) => r.key === '7')!.figures).toMatchObject({ ended: 0, responseRate: null });
    expect(report.rows.at(-1)).toMatchObject({ key: null, label: 'نامشخص' });
    // 6 ended, 4 answered; ratings 9 + 1 over 3 → mean 10/3; 2 of 3 satisfied; solved 3 of 4.
    expect(report.total).toMatchObject({ ended: 6, answered: 4, responseRate: 4 / 6, csat: 2 / 3, meanRating: 10 / 3, solvedRate: 3 / 4 });
  });

  it('by queue: every queue, and cases without a call in a "no queue" row', () => {
    const report = satisfactionReport([agg('general', { ended: 1 }), agg(null, { ended: 2 })], 'queue', RANGE);
    expect(report.rows.find((r) => r.key === 'general')!.label).toBe('عمومی (کارشناس)');
    expect(report.rows.find((r) => r.key === 'complaints')!.figures.ended).toBe(0);
    expect(report.rows.at(-1)).toMatchObject({ key: null, label: NO_QUEUE_LABEL, figures: { ended: 2 } });
  });

  it('by agent: only agents with surveys, by name (Persian collation), the "no agent" row last', () => {
    const report = satisfactionReport(
      [agg(null, { ended: 1 }), agg('u-2', { label: 'مریم', ended: 1 }), agg('u-1', { label: 'علی', ended: 3 }), agg('u-3', { ended: 1 })],
      'agent',
      RANGE,
    );
    expect(report.rows.map((r) => r.label)).toEqual(['علی', 'مریم', 'u-3', NO_AGENT_LABEL]);
  });
});

describe('satisfactionTable', () => {
  it('has Persian headers and rounded percentages, the total last', () => {
    const report = satisfactionReport(
      [agg('parks_trees', { ended: 3, answered: 2, rated: 2, satisfied: 1, ratingSum: 7, solvedAnswered: 2, solvedYes: 1 })],
      'category',
      RANGE,
    );
    const table = satisfactionTable(report);
    expect(table.header.slice(0, 5)).toEqual(['کلید', 'موضوع', 'نظرسنجی‌های پایان‌یافته', 'پاسخ داده شده', 'نرخ پاسخ (٪)']);
    expect(table.rows.find((r) => r[0] === 'parks_trees')).toEqual(['parks_trees', 'پارک‌ها و فضای سبز', 3, 2, 66.7, 2, 1, 50, 3.5, 2, 1, 50, 0, 0, null, 0, 0, null]);
    expect(table.rows.at(-1)!.slice(0, 3)).toEqual([null, 'جمع کل', 3]);
    expect(toCsv(table.header, table.rows).startsWith('\uFEFFکلید,موضوع,')).toBe(true);
  });
});
