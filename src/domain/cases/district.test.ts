import { describe, expect, it } from 'vitest';
import type { Holiday } from '../calendar/holidays.js';
import { defaultDistricts, deliveryTime, districtName } from './district.js';

const district = { id: 1, officeHours: null };
// 2025-01-04 is a Saturday; Tehran is UTC+03:30.
const SAT_10_00 = new Date('2025-01-04T06:30:00.000Z');
const SAT_23_00 = new Date('2025-01-04T19:30:00.000Z');
const SUN_07_30 = new Date('2025-01-05T04:00:00.000Z');
const THU_13_00 = new Date('2025-01-09T09:30:00.000Z'); // after Thursday's short hours
const NEXT_SAT_07_30 = new Date('2025-01-11T04:00:00.000Z');

describe('deliveryTime', () => {
  it.each([
    ['voicebox in office hours goes now', 'voicebox', SAT_10_00, SAT_10_00],
    ['voicebox at night waits for the morning', 'voicebox', SAT_23_00, SUN_07_30],
    ['voicebox on Thursday afternoon waits over Friday', 'voicebox', THU_13_00, NEXT_SAT_07_30],
    ['a phone case at night goes now', 'phone', SAT_23_00, SAT_23_00],
    ['a manual case at night goes now', 'manual', THU_13_00, THU_13_00],
  ] as const)('%s', (_name, channel, now, expected) => {
    expect(deliveryTime(channel, district, [], now).toISOString()).toBe(expected.toISOString());
  });

  it('skips a holiday', () => {
    // 1403/10/16 is Sunday 2025-01-05.
    const holidays: Holiday[] = [{ jy: 1403, jm: 10, jd: 16, name: 'test' }];
    expect(deliveryTime('voicebox', district, holidays, SAT_23_00).toISOString()).toBe('2025-01-06T04:00:00.000Z');
  });

  it("follows a district's own hours", () => {
    const hours = { id: 1, officeHours: { ...defaultWeek(), sunday: { open: '09:00', close: '12:00' } } };
    expect(deliveryTime('voicebox', hours, [], SAT_23_00).toISOString()).toBe('2025-01-05T05:30:00.000Z');
  });
});

function defaultWeek() {
  const day = { open: '07:30', close: '14:30' };
  return { saturday: day, sunday: day, monday: day, tuesday: day, wednesday: day, thursday: day, friday: null };
}

describe('defaultDistricts', () => {
  it('has the 22 districts with Persian names', () => {
    const all = defaultDistricts();
    expect(all.map((d) => d.id)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(districtName(7)).toBe('منطقه ۷');
    expect(all[21]!.name).toBe('منطقه ۲۲');
    expect(all.every((d) => d.inboxEnabled && d.webhookUrls.length === 0)).toBe(true);
  });
});
