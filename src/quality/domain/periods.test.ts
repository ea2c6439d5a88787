import { describe, expect, it } from 'vitest';
import { periodKey } from './periods.js';

describe('report periods', () => {
  // Wednesday 2 December 2026, 11:00 Tehran = 1405-09-11.
  const at = new Date('2026-12-02T07:30:00Z');
  it('names the Jalali day, the week by its Saturday, and the month', () => {
    expect(periodKey(at, 'day')).toBe('1405-09-11');
    expect(periodKey(at, 'week')).toBe('1405-09-07');
    expect(periodKey(at, 'month')).toBe('1405-09');
  });
  it('counts the day in Tehran time, not UTC', () => {
    // 21:00 UTC on Friday 4 December is 00:30 on Saturday in Tehran: a new week.
    expect(periodKey(new Date('2026-12-04T21:00:00Z'), 'day')).toBe('1405-09-14');
    expect(periodKey(new Date('2026-12-04T21:00:00Z'), 'week')).toBe('1405-09-14');
    expect(periodKey(new Date('2026-12-04T20:00:00Z'), 'week')).toBe('1405-09-07');
  });
});
