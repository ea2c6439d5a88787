import { describe, expect, it } from 'vitest';
import { axisTicks, checkPeriod, reportErrorText } from './report-view.js';

/** No Latin letters: nothing of the API's English reaches the page. */
const PERSIAN_ONLY = /^[^A-Za-z]+$/;

describe('checkPeriod', () => {
  it('takes a Jalali period in Persian or Latin digits', () => {
    expect(checkPeriod('۱۴۰۵-۰۱-۰۱', '1405-12-29')).toBeNull();
    expect(checkPeriod('1405/1/1', '1405-1-1')).toBeNull();
  });

  it.each([
    ['a Gregorian year', '2026-03-21', '1405-01-10', /۲۰۲۶.*شمسی نیست/],
    ['a Gregorian year in the end', '1405-01-01', '2026-04-01', /«تا تاریخ»/],
    ['a year before 1300', '1299-01-01', '1405-01-01', /میان ۱۳۰۰ و ۱۴۹۹/],
    ['no date', 'دیروز', '1405-01-01', /سال-ماه-روز/],
    ['month 13', '1405-13-01', '1405-01-01', /ماه/],
    ['day 31 of Mehr', '1405-07-31', '1405-08-01', /روز .* ۳۰/],
    ['an end before the start', '1405-02-01', '1405-01-01', /پیش از/],
  ])('refuses %s in Persian', (_name, from, to, message) => {
    const text = checkPeriod(from, to);
    expect(text).toMatch(message);
    expect(text).toMatch(PERSIAN_ONLY);
  });
});

describe('reportErrorText', () => {
  it.each([
    [{ status: 400, code: 'HOTLINE_ERR_VALIDATION', field: 'from' }, /«از تاریخ»/],
    [{ status: 400, code: 'HOTLINE_ERR_VALIDATION', field: 'by' }, /تفکیک/],
    [{ status: 400, code: 'HOTLINE_ERR_VALIDATION', field: 'period' }, /۹۳ روز.*«هفتگی» یا «ماهانه»/],
    [{ status: 403, code: 'HOTLINE_ERR_FORBIDDEN' }, /سرپرستان/],
    [{ status: 429, code: 'HOTLINE_ERR_RATE_LIMITED' }, /دوباره/],
    [{ status: 503, code: 'HOTLINE_ERR_UNAVAILABLE' }, /کمی بعد/],
    [{ status: 0 }, /اتصال/],
    [{ status: 418, code: 'SOMETHING_NEW' }, /خطا/],
  ])('%o is said in Persian', (err, message) => {
    const text = reportErrorText(err);
    expect(text).toMatch(message);
    expect(text).toMatch(PERSIAN_ONLY);
  });
});

describe('axisTicks', () => {
  it('labels every whole number up to ten: ۲ is never skipped', () => {
    expect(axisTicks(2)).toEqual([0, 1, 2]);
    expect(axisTicks(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(axisTicks(0)).toEqual([0, 1]);
    expect(axisTicks(9.5)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('steps by 2, 5 or 10 × 10^k above ten, always integers, the last tick at or above the maximum', () => {
    expect(axisTicks(17)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(axisTicks(42)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
    expect(axisTicks(95)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    for (const max of [11, 23, 137, 999, 1234]) {
      const ticks = axisTicks(max);
      expect(ticks.every(Number.isInteger)).toBe(true);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(11);
    }
  });
});
