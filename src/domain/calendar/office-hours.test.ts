import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHolidays, type Holiday } from './holidays.js';
import {
  DEFAULT_WEEKLY,
  holidayGregorianDates,
  isOpen,
  isOverrideMode,
  nextOpening,
  validateWeekly,
  type OfficeHoursConfig,
  type WeeklyHours,
} from './office-hours.js';

/*
 * Tehran is UTC+03:30 all year (no DST since 2022), so Tehran 07:00 is 03:30Z and
 * 13:00 is 09:30Z. Week used below (Ordibehesht 1405 has no holidays):
 *   Wed 2026-04-29 = 1405/02/09, Thu 04-30 = 02/10, Fri 05-01 = 02/11,
 *   Sat 05-02 = 02/12, Sun 05-03 = 02/13.
 */
const noHolidays: OfficeHoursConfig = { weekly: DEFAULT_WEEKLY, holidays: [] };
const shipped: OfficeHoursConfig = {
  weekly: DEFAULT_WEEKLY,
  holidays: parseHolidays(JSON.parse(readFileSync(new URL('../../../config/holidays.json', import.meta.url), 'utf8'))),
};
const holiday = (jy: number, jm: number, jd: number): Holiday => ({ jy, jm, jd, name: 'test' });

describe('isOpen (auto)', () => {
  it.each<[string, string, boolean]>([
    ['Thursday 12:59', '2026-04-30T09:29:00Z', true],
    ['Thursday 13:00', '2026-04-30T09:30:00Z', false],
    ['Thursday 06:59', '2026-04-30T03:29:00Z', false],
    ['Thursday 07:00', '2026-04-30T03:30:00Z', true],
    ['Friday 10:00', '2026-05-01T06:30:00Z', false],
    ['Saturday 06:59', '2026-05-02T03:29:00Z', false],
    ['Saturday 07:00', '2026-05-02T03:30:00Z', true],
    ['Wednesday 18:59', '2026-04-29T15:29:00Z', true],
    ['Wednesday 19:00', '2026-04-29T15:30:00Z', false],
    ['Sunday 00:00 (Saturday 20:30 in UTC)', '2026-05-02T20:30:00Z', false],
    ['Sunday 12:00', '2026-05-03T08:30:00Z', true],
  ])('%s → %s', (_label, utc, open) => {
    expect(isOpen(new Date(utc), noHolidays)).toBe(open);
  });

  it.each<[string, string]>([
    ['Nowruz, Saturday 1405/01/01 10:00', '2026-03-21T06:30:00Z'],
    ['Nowruz, Monday 1405/01/03 10:00', '2026-03-23T06:30:00Z'],
    ['Eid al-Adha, Wednesday 1405/03/06 10:00', '2026-05-27T06:30:00Z'],
    ['Revolution Day, Thursday 1405/11/22 10:00', '2027-02-11T06:30:00Z'],
    ['Nowruz 1406, Sunday 1406/01/01 10:00', '2027-03-21T06:30:00Z'],
  ])('closed on a holiday: %s', (_label, utc) => {
    expect(isOpen(new Date(utc), shipped)).toBe(false);
    // The same instant is a working hour when the calendar has no holidays.
    expect(isOpen(new Date(utc), noHolidays)).toBe(true);
  });

  it('a holiday starts at Tehran midnight, not UTC midnight', () => {
    const config = { weekly: DEFAULT_WEEKLY, holidays: [holiday(1405, 2, 12)] }; // Saturday 2026-05-02
    expect(isOpen(new Date('2026-05-02T03:30:00Z'), config)).toBe(false);
    expect(isOpen(new Date('2026-05-03T03:30:00Z'), config)).toBe(true);
  });
});

describe('isOpen with a supervisor override', () => {
  const fridayNight = new Date('2026-05-01T19:30:00Z');
  const saturdayNoon = new Date('2026-05-02T08:30:00Z');
  it.each([
    ['open', fridayNight, true],
    ['open', saturdayNoon, true],
    ['closed', fridayNight, false],
    ['closed', saturdayNoon, false],
    ['auto', fridayNight, false],
    ['auto', saturdayNoon, true],
  ] as const)('%s at %s → %s', (mode, at, open) => {
    expect(isOpen(at, noHolidays, mode)).toBe(open);
  });

  it('recognises the modes the API accepts', () => {
    expect(['open', 'closed', 'auto'].every(isOverrideMode)).toBe(true);
    expect(isOverrideMode('OPEN')).toBe(false);
    expect(isOverrideMode(undefined)).toBe(false);
  });
});

describe('nextOpening', () => {
  it.each<[string, string, string]>([
    ['Thursday 14:00 → Saturday 07:00', '2026-04-30T10:30:00Z', '2026-05-02T03:30:00.000Z'],
    ['Thursday 13:00 → Saturday 07:00', '2026-04-30T09:30:00Z', '2026-05-02T03:30:00.000Z'],
    ['Friday 23:00 → Saturday 07:00', '2026-05-01T19:30:00Z', '2026-05-02T03:30:00.000Z'],
    ['Saturday 05:00 → Saturday 07:00', '2026-05-02T01:30:00Z', '2026-05-02T03:30:00.000Z'],
    ['Wednesday 20:00 → Thursday 07:00', '2026-04-29T16:30:00Z', '2026-04-30T03:30:00.000Z'],
    ['Saturday 00:00 exactly → Saturday 07:00', '2026-05-01T20:30:00Z', '2026-05-02T03:30:00.000Z'],
  ])('%s', (_label, from, expected) => {
    expect(nextOpening(new Date(from), noHolidays).toISOString()).toBe(expected);
  });

  it('is now while the office is open', () => {
    const now = new Date('2026-05-02T08:31:17.250Z');
    expect(nextOpening(now, noHolidays)).toEqual(now);
  });

  it('skips a holiday Saturday', () => {
    const config = { weekly: DEFAULT_WEEKLY, holidays: [holiday(1405, 2, 12)] };
    expect(nextOpening(new Date('2026-04-30T10:30:00Z'), config).toISOString()).toBe('2026-05-03T03:30:00.000Z');
  });

  it('skips the whole Nowruz break', () => {
    // Friday 1404/12/29 (oil day), then 1-4 Farvardin 1405 → Wednesday 1405/01/05 07:00.
    expect(nextOpening(new Date('2026-03-19T16:00:00Z'), shipped).toISOString()).toBe('2026-03-25T03:30:00.000Z');
  });

  it('follows a custom week', () => {
    const weekly: WeeklyHours = { ...DEFAULT_WEEKLY, saturday: { open: '08:30', close: '16:00' } };
    expect(nextOpening(new Date('2026-04-30T10:30:00Z'), { weekly, holidays: [] }).toISOString()).toBe(
      '2026-05-02T05:00:00.000Z',
    );
  });

  it('fails instead of looping when the office never opens', () => {
    const weekly = Object.fromEntries(Object.keys(DEFAULT_WEEKLY).map((d) => [d, null])) as WeeklyHours;
    expect(() => nextOpening(new Date('2026-04-30T10:30:00Z'), { weekly, holidays: [] })).toThrow(/no opening/);
  });
});

describe('holidayGregorianDates', () => {
  it('lists the Tehran dates of holidays in the window, today included', () => {
    // From Wednesday 1404/12/27 (2026-03-18): 1404/12/29 and Nowruz 1405/01/01-04.
    expect(holidayGregorianDates(shipped, new Date('2026-03-18T08:00:00Z'), 10)).toEqual([
      '2026-03-20',
      '2026-03-21',
      '2026-03-22',
      '2026-03-23',
      '2026-03-24',
    ]);
  });

  it('counts days from the Tehran date of the instant', () => {
    // 21:00Z on 03-19 is already 00:30 on Friday 03-20 in Tehran.
    expect(holidayGregorianDates(shipped, new Date('2026-03-19T21:00:00Z'), 1)).toEqual(['2026-03-20']);
    expect(holidayGregorianDates(shipped, new Date('2026-03-19T20:29:00Z'), 1)).toEqual([]);
  });

  it('is empty for no days or no holidays', () => {
    expect(holidayGregorianDates(shipped, new Date('2026-03-18T08:00:00Z'), 0)).toEqual([]);
    expect(holidayGregorianDates(noHolidays, new Date('2026-03-18T08:00:00Z'), 30)).toEqual([]);
  });
});

describe('validateWeekly', () => {
  it('accepts the default week and a close at 24:00', () => {
    expect(validateWeekly(DEFAULT_WEEKLY)).toBe(DEFAULT_WEEKLY);
    expect(() => validateWeekly({ ...DEFAULT_WEEKLY, friday: { open: '00:00', close: '24:00' } })).not.toThrow();
  });

  it.each<[string, WeeklyHours, RegExp]>([
    ['a bad time', { ...DEFAULT_WEEKLY, monday: { open: '7:00', close: '19:00' } }, /monday\.open must be HH:MM/],
    ['hour 24 to open', { ...DEFAULT_WEEKLY, monday: { open: '24:00', close: '24:00' } }, /monday\.open/],
    ['minute 60', { ...DEFAULT_WEEKLY, monday: { open: '07:00', close: '18:60' } }, /monday\.close/],
    ['closing before opening', { ...DEFAULT_WEEKLY, sunday: { open: '19:00', close: '07:00' } }, /sunday opens at 19:00/],
    ['an empty day', { ...DEFAULT_WEEKLY, sunday: { open: '07:00', close: '07:00' } }, /sunday opens at 07:00/],
  ])('rejects %s', (_label, weekly, message) => {
    expect(() => validateWeekly(weekly)).toThrow(message);
  });
});
