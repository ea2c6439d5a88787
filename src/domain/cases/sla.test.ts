import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../errors.js';
import type { Holiday } from '../calendar/holidays.js';
import { parseSlaClock } from '../calendar/working-hours.js';
import { CASE_CATEGORIES } from './case.js';
import { DEFAULT_SLA_HOURS, dueAt, parseSlaHours, slaDueAt, UNCATEGORISED_SLA_HOURS } from './sla.js';

const T0 = new Date('2025-01-04T10:00:00.000Z');

describe('dueAt', () => {
  it.each([
    ['cleaning_waste', '2025-01-05T10:00:00.000Z'],
    ['streets_lighting', '2025-01-07T10:00:00.000Z'],
  ] as const)('%s is due at %s', (category, expected) => {
    expect(dueAt(category, T0).toISOString()).toBe(expected);
  });

  it('gives an uncategorised case the fallback time', () => {
    expect(dueAt(null, T0).getTime() - T0.getTime()).toBe(UNCATEGORISED_SLA_HOURS * 3_600_000);
  });

  it('uses the given table', () => {
    const hours = parseSlaHours('cleaning_waste=2');
    expect(dueAt('cleaning_waste', T0, hours).toISOString()).toBe('2025-01-04T12:00:00.000Z');
  });
});

describe('parseSlaHours', () => {
  it('keeps the defaults for an empty spec', () => {
    expect(parseSlaHours(undefined)).toEqual(DEFAULT_SLA_HOURS);
    expect(parseSlaHours('  ')).toEqual(DEFAULT_SLA_HOURS);
  });

  it('overrides only the named categories', () => {
    const hours = parseSlaHours('cleaning_waste=12, parks_trees = 1.5');
    expect(hours).toEqual({ ...DEFAULT_SLA_HOURS, cleaning_waste: 12, parks_trees: 1.5 });
  });

  it.each(['waste=24', 'cleaning_waste', 'cleaning_waste=0', 'cleaning_waste=-3', 'cleaning_waste=abc'])(
    'refuses %j',
    (spec) => {
      let caught: unknown;
      try {
        parseSlaHours(spec);
      } catch (err) {
        caught = err;
      }
      expect(isHotlineError(caught) && caught.code).toBe('HOTLINE_ERR_CONFIG');
    },
  );
});

describe('slaDueAt: the SLA clock', () => {
  const tehran = (iso: string) => new Date(`${iso}+03:30`);
  // 1406/03/01, Saturday 2027-05-22: a city-wide holiday; Sunday a closure of district 7 only.
  const holidays: Holiday[] = [
    { jy: 1406, jm: 3, jd: 1, name: 'تعطیل رسمی', kind: 'lunar' },
    { jy: 1406, jm: 3, jd: 2, name: 'آلودگی هوا', kind: 'closure', district: 7 },
  ];
  const policy = (clock: string) => ({ hours: DEFAULT_SLA_HOURS, clock: parseSlaClock(clock, CASE_CATEGORIES), holidays: () => holidays });
  // Wednesday 10:00: the 24 hours of cleaning_waste run over Thursday's half day, Friday and the holiday.
  const from = tehran('2027-05-19T10:00:00');

  it('24 working hours over a Friday and a holiday end days after 24 calendar hours', () => {
    const working = slaDueAt({ category: 'cleaning_waste', district: 3 }, from, policy('working'));
    const calendar = slaDueAt({ category: 'cleaning_waste', district: 3 }, from, policy('calendar'));
    expect(calendar.toISOString()).toBe(tehran('2027-05-20T10:00:00').toISOString());
    // Wed 4.5 h + Thu 5 h + (Fri, holiday Sat) + Sun 7 h + Mon 7 h + Tue 0.5 h.
    expect(working.toISOString()).toBe(tehran('2027-05-25T08:00:00').toISOString());
    expect(working.getTime()).toBeGreaterThan(calendar.getTime());
  });

  it("skips the district's own closure only for that district", () => {
    expect(slaDueAt({ category: 'cleaning_waste', district: 7 }, from, policy('working')).toISOString()).toBe(tehran('2027-05-26T08:00:00').toISOString());
    expect(slaDueAt({ category: 'cleaning_waste', district: null }, from, policy('working')).toISOString()).toBe(tehran('2027-05-25T08:00:00').toISOString());
  });

  it('runs a category on its own clock after a default', () => {
    const mixed = policy('working,staff_complaint=calendar');
    expect(slaDueAt({ category: 'staff_complaint', district: 3 }, from, mixed).getTime() - from.getTime()).toBe(168 * 3_600_000);
    expect(slaDueAt({ category: 'cleaning_waste', district: 3 }, from, mixed).toISOString()).toBe(tehran('2027-05-25T08:00:00').toISOString());
  });
});
