import { describe, expect, it } from 'vitest';
import { coverageWarning, lunarCoverage } from './coverage.js';
import type { Holiday } from './holidays.js';

const nowruz: Holiday = { jy: null, jm: 1, jd: 1, name: 'نوروز' };
const ashura1406: Holiday = { jy: 1406, jm: 3, jd: 25, name: 'عاشورا' };
const closure1407: Holiday = { jy: 1407, jm: 9, jd: 1, name: 'آلودگی هوا', kind: 'closure' };

describe('lunarCoverage', () => {
  // 1 Farvardin 1407 is 2028-03-20 (Gregorian).
  it('runs out on 1 Farvardin after the last year with lunar holidays; closures do not count', () => {
    const c = lunarCoverage([nowruz, ashura1406, closure1407], new Date('2027-06-01T08:00:00Z'));
    expect(c.lastYear).toBe(1406);
    expect(c.runsOut).toEqual({ year: 2028, month: 3, day: 20 });
    expect(c.warn).toBe(false);
    expect(coverageWarning(c)).toBeNull();
  });

  it('warns 60 days before, not 61', () => {
    // 2028-01-20 is 60 days before 2028-03-20; 2028-01-19 is 61.
    expect(lunarCoverage([ashura1406], new Date('2028-01-19T12:00:00Z')).warn).toBe(false);
    const c = lunarCoverage([ashura1406], new Date('2028-01-20T12:00:00Z'));
    expect(c).toMatchObject({ daysLeft: 60, warn: true });
    expect(coverageWarning(c)).toMatch(/enter 1407's official holidays on \/hours before 2028-03-20 \(60 days\)/);
  });

  it('counts the day in Tehran (past 20:30 UTC it is already tomorrow there)', () => {
    expect(lunarCoverage([ashura1406], new Date('2028-01-19T20:31:00Z')).daysLeft).toBe(60);
  });

  it('says the year has begun without them', () => {
    expect(coverageWarning(lunarCoverage([ashura1406], new Date('2028-04-01T08:00:00Z')))).toMatch(/no lunar holidays are entered for 1407/);
  });

  it('warns when no lunar holiday is entered at all', () => {
    const c = lunarCoverage([nowruz], new Date('2027-06-01T08:00:00Z'));
    expect(c).toMatchObject({ lastYear: null, warn: true });
    expect(coverageWarning(c)).toMatch(/no lunar holidays are entered/);
  });
});
