import { describe, expect, it } from 'vitest';
import { HotlineError } from '../errors.js';
import type { Holiday } from './holidays.js';
import { DEFAULT_WEEKLY, ROUND_THE_CLOCK } from './office-hours.js';
import { addWorkingHours, parseSlaClock } from './working-hours.js';

const tehran = (iso: string) => new Date(`${iso}+03:30`);
const week = { weekly: DEFAULT_WEEKLY, holidays: [] as Holiday[] };

describe('addWorkingHours', () => {
  it.each<[string, string, number, string]>([
    ['inside one day', '2027-05-15T08:00:00', 3, '2027-05-15T11:00:00'],
    ['before opening: the clock starts at 07:00', '2027-05-15T05:00:00', 2, '2027-05-15T09:00:00'],
    ['over the evening into the next morning', '2027-05-15T17:00:00', 4, '2027-05-16T09:00:00'],
    // Thursday 12:00 (closes 13:00), Friday closed: 1 h Thursday + 2 h Saturday.
    ['over Thursday afternoon and Friday', '2027-05-20T12:00:00', 3, '2027-05-22T09:00:00'],
    ['exactly at closing: due at closing', '2027-05-15T18:00:00', 1, '2027-05-15T19:00:00'],
    ['a 24-hour SLA is two working days', '2027-05-15T07:00:00', 24, '2027-05-16T19:00:00'],
  ])('%s', (_name, from, hours, due) => {
    expect(addWorkingHours(tehran(from), hours, week).toISOString()).toBe(tehran(due).toISOString());
  });

  it('skips a holiday, and a district closure only for that district', () => {
    // 1406/02/26 is Sunday 2027-05-16.
    const holidays: Holiday[] = [{ jy: 1406, jm: 2, jd: 26, name: 'آلودگی هوا', kind: 'closure', district: 7 }];
    const from = tehran('2027-05-15T17:00:00');
    expect(addWorkingHours(from, 4, { ...week, holidays, district: 7 }).toISOString()).toBe(tehran('2027-05-17T09:00:00').toISOString());
    expect(addWorkingHours(from, 4, { ...week, holidays, district: 8 }).toISOString()).toBe(tehran('2027-05-16T09:00:00').toISOString());
  });

  it('round the clock is the wall clock', () => {
    const from = tehran('2027-05-21T22:00:00');
    expect(addWorkingHours(from, 30, { weekly: ROUND_THE_CLOCK, holidays: [] }).getTime() - from.getTime()).toBe(30 * 3_600_000);
  });

  it('refuses a calendar that never opens', () => {
    const closed = Object.fromEntries(Object.keys(DEFAULT_WEEKLY).map((d) => [d, null])) as unknown as typeof DEFAULT_WEEKLY;
    expect(() => addWorkingHours(tehran('2027-05-15T08:00:00'), 1, { weekly: closed, holidays: [] })).toThrow(HotlineError);
  });
});

describe('parseSlaClock', () => {
  const categories = ['cleaning_waste', 'staff_complaint'];
  it('reads a default and per-category clocks', () => {
    expect(parseSlaClock(undefined, categories)).toEqual({ default: 'working', perCategory: {} });
    expect(parseSlaClock('calendar', categories)).toEqual({ default: 'calendar', perCategory: {} });
    expect(parseSlaClock('working, staff_complaint=calendar', categories)).toEqual({ default: 'working', perCategory: { staff_complaint: 'calendar' } });
  });
  it.each(['hourly', 'parks=working', 'cleaning_waste=sometimes', 'cleaning_waste=working=1'])('refuses %s', (spec) => {
    expect(() => parseSlaClock(spec, categories)).toThrow(/SLA_CLOCK/);
  });
});
