import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HotlineError } from '../errors.js';
import { holidayDateString, holidaysOn, isHoliday, parseHolidays } from './holidays.js';

const shipped = () => JSON.parse(readFileSync(new URL('../../../config/holidays.json', import.meta.url), 'utf8'));

describe('parseHolidays', () => {
  it('reads fixed and recurring dates', () => {
    expect(
      parseHolidays({
        holidays: [
          { date: '*/01/01', name: 'نوروز' },
          { date: '1405/03/06', name: ' عید سعید قربان ' },
        ],
      }),
    ).toEqual([
      { jy: null, jm: 1, jd: 1, name: 'نوروز' },
      { jy: 1405, jm: 3, jd: 6, name: 'عید سعید قربان' },
    ]);
  });

  it('accepts an empty list and a note', () => {
    expect(parseHolidays({ note: 'none this year', holidays: [] })).toEqual([]);
  });

  it('accepts Esfand 30 every year (it only matches leap years) and in a leap year', () => {
    expect(parseHolidays({ holidays: [{ date: '*/12/30', name: 'x' }] })).toHaveLength(1);
    expect(parseHolidays({ holidays: [{ date: '1403/12/30', name: 'x' }] })).toHaveLength(1);
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [], /must be an object/],
    ['null', null, /must be an object/],
    ['no list', {}, /"holidays" must be an array/],
    ['list is an object', { holidays: {} }, /"holidays" must be an array/],
    ['unknown top-level key', { holidays: [], holydays: [] }, /unknown key "holydays"/],
    ['note not a string', { holidays: [], note: 1 }, /"note" must be a string/],
    ['entry not an object', { holidays: ['1405/01/01'] }, /holidays\[0\] "1405\/01\/01": must be an object/],
    ['unknown entry key', { holidays: [{ date: '*/01/01', name: 'x', nmae: 'y' }] }, /holidays\[0\].*unknown key "nmae"/],
    ['missing name', { holidays: [{ date: '*/01/01' }] }, /"name" must be a non-empty string/],
    ['blank name', { holidays: [{ date: '*/01/01', name: '  ' }] }, /"name" must be a non-empty string/],
    ['date not a string', { holidays: [{ date: 14050101, name: 'x' }] }, /"date" must be a string/],
    ['dashes', { holidays: [{ date: '1405-01-01', name: 'x' }] }, /"date" must look like/],
    ['unpadded', { holidays: [{ date: '1405/1/1', name: 'x' }] }, /"date" must look like/],
    ['Persian digits', { holidays: [{ date: '۱۴۰۵/۰۱/۰۱', name: 'x' }] }, /"date" must look like/],
    ['Gregorian year', { holidays: [{ date: '2026/03/21', name: 'x' }] }, /year 2026 is not a Jalali year/],
    ['month 13', { holidays: [{ date: '1405/13/01', name: 'x' }] }, /month must be 01-12/],
    ['month 0', { holidays: [{ date: '*/00/01', name: 'x' }] }, /month must be 01-12/],
    ['day 0', { holidays: [{ date: '*/01/00', name: 'x' }] }, /day must be 01-31/],
    ['Mehr 31', { holidays: [{ date: '*/07/31', name: 'x' }] }, /day must be 01-30 in month 7/],
    ['Esfand 30 of a common year', { holidays: [{ date: '1405/12/30', name: 'x' }] }, /1405 has no day 30 in month 12/],
    [
      'the same holiday twice',
      { holidays: [{ date: '*/01/01', name: 'x' }, { date: '*/01/01', name: 'x' }] },
      /holidays\[1\].*listed twice/,
    ],
  ])('rejects %s', (_label, json, message) => {
    let caught: unknown;
    try {
      parseHolidays(json);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(HotlineError);
    expect((caught as HotlineError).code).toBe('HOTLINE_ERR_CONFIG');
    expect((caught as HotlineError).message).toMatch(message);
  });

  it('names the index of the bad entry', () => {
    const json = { holidays: [{ date: '*/01/01', name: 'a' }, { date: '*/01/02', name: 'b' }, { date: '*/02/32', name: 'c' }] };
    expect(() => parseHolidays(json)).toThrow(/^holidays\[2\] \{"date":"\*\/02\/32","name":"c"\}: day must be 01-31/);
  });
});

describe('holidaysOn / isHoliday', () => {
  const list = parseHolidays({
    holidays: [
      { date: '*/01/01', name: 'نوروز' },
      { date: '1405/01/01', name: 'عید سعید فطر' },
      { date: '1405/03/06', name: 'عید سعید قربان' },
      { date: '*/12/30', name: 'leap day test' },
    ],
  });

  it('matches recurring dates in any year and fixed dates in their year only', () => {
    expect(holidaysOn({ jy: 1405, jm: 1, jd: 1 }, list).map((h) => h.name)).toEqual(['نوروز', 'عید سعید فطر']);
    expect(holidaysOn({ jy: 1406, jm: 1, jd: 1 }, list).map((h) => h.name)).toEqual(['نوروز']);
    expect(isHoliday({ jy: 1405, jm: 3, jd: 6 }, list)).toBe(true);
    expect(isHoliday({ jy: 1406, jm: 3, jd: 6 }, list)).toBe(false);
    expect(isHoliday({ jy: 1405, jm: 1, jd: 5 }, list)).toBe(false);
    expect(isHoliday({ jy: 1403, jm: 12, jd: 30 }, list)).toBe(true);
  });

  it('prints dates back in the file format', () => {
    expect(list.map(holidayDateString)).toEqual(['*/01/01', '1405/01/01', '1405/03/06', '*/12/30']);
  });
});

describe('config/holidays.json', () => {
  const holidays = parseHolidays(shipped());
  const names = (jy: number, jm: number, jd: number) => holidaysOn({ jy, jm, jd }, holidays).map((h) => h.name);

  it('parses', () => {
    expect(holidays.length).toBeGreaterThan(40);
  });

  it.each([1405, 1406])('has the fixed solar holidays of %i', (jy) => {
    for (const [jm, jd] of [[1, 1], [1, 2], [1, 3], [1, 4], [1, 12], [1, 13], [3, 14], [3, 15], [11, 22], [12, 29]] as const) {
      expect(names(jy, jm, jd).length, `${jy}/${jm}/${jd}`).toBeGreaterThan(0);
    }
  });

  it.each([1405, 1406])('has every lunar holiday of %i at least once', (jy) => {
    const lunar = holidays.filter((h) => h.jy === jy).map((h) => h.name);
    for (const name of ['تاسوعای حسینی', 'عاشورای حسینی', 'اربعین حسینی', 'شهادت امام رضا', 'عید سعید فطر', 'عید سعید قربان', 'عید سعید غدیر خم', 'شهادت حضرت علی', 'ولادت امام علی', 'مبعث رسول اکرم']) {
      expect(lunar, name).toContain(name);
    }
  });

  it('matches the published 1405 calendar where known', () => {
    expect(names(1405, 1, 1)).toContain('عید سعید فطر');
    expect(names(1405, 3, 6)).toEqual(['عید سعید قربان']);
    expect(names(1405, 3, 14)).toHaveLength(2);
    expect(names(1405, 4, 3)).toEqual(['تاسوعای حسینی']);
    expect(names(1405, 4, 4)).toEqual(['عاشورای حسینی']);
  });
});
