import { describe, expect, it } from 'vitest';
import { CASE_STATUSES } from '../cases/case.js';
import { sayDigits, sayJalaliDate, sayNumber, statusPrompt } from './speech.js';

describe('sayDigits', () => {
  it.each([
    ['0912', ['digit-0', 'digit-9', 'digit-1', 'digit-2']],
    ['12345678', ['digit-1', 'digit-2', 'digit-3', 'digit-4', 'digit-5', 'digit-6', 'digit-7', 'digit-8']],
    ['۰۹۱۲', ['digit-0', 'digit-9', 'digit-1', 'digit-2']],
    ['12-3', ['digit-1', 'digit-2', 'digit-3']],
    ['', []],
  ])('%s', (text, ids) => {
    expect(sayDigits(text)).toEqual(ids);
  });
});

describe('sayNumber', () => {
  it('says 1..31 as words', () => {
    expect(sayNumber(1)).toEqual(['num-1']);
    expect(sayNumber(31)).toEqual(['num-31']);
  });

  it('falls back to digits outside the spoken range', () => {
    expect(sayNumber(0)).toEqual(['digit-0']);
    expect(sayNumber(32)).toEqual(['digit-3', 'digit-2']);
  });
});

describe('sayJalaliDate', () => {
  it.each([
    [{ jy: 1400, jm: 9, jd: 5 }, ['num-5', 'month-9', 'num-1400']],
    [{ jy: 1405, jm: 9, jd: 5 }, ['num-5', 'month-9', 'num-1400', 'and', 'num-5']],
    [{ jy: 1401, jm: 1, jd: 1 }, ['num-1', 'month-1', 'num-1400', 'and', 'num-1']],
    [{ jy: 1431, jm: 12, jd: 29 }, ['num-29', 'month-12', 'num-1400', 'and', 'num-31']],
    [{ jy: 1399, jm: 12, jd: 30 }, ['num-30', 'month-12', 'digit-1', 'digit-3', 'digit-9', 'digit-9']],
    [{ jy: 1432, jm: 6, jd: 31 }, ['num-31', 'month-6', 'digit-1', 'digit-4', 'digit-3', 'digit-2']],
  ])('%o', (parts, ids) => {
    expect(sayJalaliDate(parts)).toEqual(ids);
  });
});

describe('statusPrompt', () => {
  it('turns snake_case statuses into kebab-case prompt ids', () => {
    expect(statusPrompt('in_progress')).toBe('status-in-progress');
    expect(CASE_STATUSES.map(statusPrompt)).toContain('status-reopened');
  });
});
