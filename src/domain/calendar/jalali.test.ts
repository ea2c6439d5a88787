import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJalali, gregorianOf, jalaliOf, jalaliParts } from './jalali.js';

describe('jalaliParts (Tehran time)', () => {
  it.each([
    ['2026-03-21T12:00:00Z', { jy: 1405, jm: 1, jd: 1 }],
    // 23:59 on 29 Esfand 1404 in Tehran, one minute before Nowruz.
    ['2026-03-20T20:29:00Z', { jy: 1404, jm: 12, jd: 29 }],
    ['2026-03-20T20:30:00Z', { jy: 1405, jm: 1, jd: 1 }],
    ['2027-02-11T08:00:00Z', { jy: 1405, jm: 11, jd: 22 }],
    ['2025-03-20T12:00:00Z', { jy: 1403, jm: 12, jd: 30 }],
  ])('%s → %o', (utc, expected) => {
    expect(jalaliParts(new Date(utc))).toEqual(expected);
  });

  // jalaali-js and ICU compute leap years differently from 1503 AP (March 2124) on: a
  // day-by-day scan finds them equal on every day before that, so the property stops there.
  it('agrees with Intl’s Persian calendar in Tehran (1925-2124)', () => {
    const intl = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', {
      timeZone: 'Asia/Tehran',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1925, 3, 1), max: Date.UTC(2124, 2, 1) }), (ms) => {
        const parts = Object.fromEntries(intl.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
        expect(jalaliParts(new Date(ms))).toEqual({
          jy: parseInt(parts.year!, 10),
          jm: Number(parts.month),
          jd: Number(parts.day),
        });
      }),
    );
  });
});

describe('jalaliOf / gregorianOf', () => {
  it.each([
    [{ year: 2026, month: 3, day: 21 }, { jy: 1405, jm: 1, jd: 1 }],
    [{ year: 2027, month: 3, day: 21 }, { jy: 1406, jm: 1, jd: 1 }],
    [{ year: 2028, month: 3, day: 20 }, { jy: 1407, jm: 1, jd: 1 }],
    [{ year: 2026, month: 6, day: 4 }, { jy: 1405, jm: 3, jd: 14 }],
  ])('%o ↔ %o', (g, j) => {
    expect(jalaliOf(g)).toEqual(j);
    expect(gregorianOf(j)).toEqual(g);
  });
});

describe('formatJalali', () => {
  const nowruz = new Date('2026-03-21T12:00:00Z'); // 15:30 in Tehran
  it.each([
    ['date', '۱ فروردین ۱۴۰۵'],
    ['numeric', '۱۴۰۵/۰۱/۰۱'],
    ['dateTime', '۱ فروردین ۱۴۰۵ ساعت ۱۵:۳۰'],
  ] as const)('%s → %s', (format, expected) => {
    expect(formatJalali(nowruz, format)).toBe(expected);
  });

  it('uses Tehran’s date, not UTC’s', () => {
    expect(formatJalali(new Date('2026-03-20T20:30:00Z'))).toBe('۱ فروردین ۱۴۰۵');
    expect(formatJalali(new Date('2026-03-20T20:29:00Z'))).toBe('۲۹ اسفند ۱۴۰۴');
  });
});
