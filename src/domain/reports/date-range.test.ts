import { describe, expect, it } from 'vitest';
import { daysOf, parseJalaliDate, reportRange, ReportRangeError } from './date-range.js';

describe('reportRange', () => {
  it('turns a Jalali year into [Tehran midnight, next Nowruz midnight)', () => {
    const r = reportRange('1405-01-01', '1405-12-29');
    expect(r.from.toISOString()).toBe('2026-03-20T20:30:00.000Z');
    expect(r.to.toISOString()).toBe('2027-03-20T20:30:00.000Z');
    expect(r.days).toBe(365);
  });

  it('includes the whole last day, and normalises single digits', () => {
    const r = reportRange('1405-1-1', '1405-1-1');
    expect(r.fromDate).toBe('1405-01-01');
    expect(r.to.getTime() - r.from.getTime()).toBe(86_400_000);
  });

  it('uses the offset in force then: +04:30 in a summer before 2022', () => {
    const r = reportRange('1400-05-01', '1400-05-01');
    expect(r.from.toISOString()).toBe('2021-07-22T19:30:00.000Z');
    expect(r.to.toISOString()).toBe('2021-07-23T19:30:00.000Z');
  });

  it('knows leap Esfand: 1403-12-30 exists, 1404-12-30 does not', () => {
    expect(reportRange('1403-12-30', '1403-12-30').from.toISOString()).toBe('2025-03-19T20:30:00.000Z');
    expect(parseJalaliDate('1404-12-30')).toBeNull();
  });

  it.each([
    ['1405-13-01', '1405-13-01', 'from'],
    ['1405-01-01', '1405-01-32', 'to'],
    ['1405/01/01', '1405-01-02', 'from'],
    ['1405-02-01', '1405-01-31', 'to'],
    ['1404-01-01', '1405-03-01', 'to'],
  ])('rejects %s..%s on %s', (from, to, field) => {
    expect(() => reportRange(from, to)).toThrow(ReportRangeError);
    try {
      reportRange(from, to);
    } catch (err) {
      expect((err as ReportRangeError).field).toBe(field);
    }
  });

  it('lists each day across a month end', () => {
    expect(daysOf(reportRange('1405-06-30', '1405-07-02'))).toEqual(['1405-06-30', '1405-06-31', '1405-07-01', '1405-07-02']);
    expect(daysOf(reportRange('1405-07-30', '1405-08-01'))).toEqual(['1405-07-30', '1405-08-01']);
    // The first six months have 31 days, so 31 Shahrivar exists and 31 Mehr does not.
    expect(parseJalaliDate('1405-06-31')).not.toBeNull();
    expect(parseJalaliDate('1405-07-31')).toBeNull();
  });
});

describe('a Gregorian year typed as Jalali', () => {
  it.each([
    ['2026-03-21', '1405-01-10', 'from'],
    ['1405-01-01', '2026-03-21', 'to'],
    ['1299-12-29', '1300-01-05', 'from'],
  ] as const)('%s..%s is refused on %s', (from, to, field) => {
    expect(() => reportRange(from, to)).toThrow(expect.objectContaining({ field, message: expect.stringMatching(/not a Jalali year/) }));
  });
  it('takes the years 1300 to 1499', () => {
    expect(reportRange('1300-01-01', '1300-01-01').days).toBe(1);
    expect(reportRange('1499-12-01', '1499-12-02').days).toBe(2);
  });
});
