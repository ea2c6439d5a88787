import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HotlineError } from '../../domain/errors.js';
import { parseHolidays, type Holiday } from '../../domain/calendar/holidays.js';
import {
  DEFAULT_DIALLING_WINDOW,
  diallingWeekly,
  firstCallTime,
  isInsideWindow,
  nextCallTime,
  parseCallingDays,
  type DiallingWindowConfig,
} from './dialling-window.js';

/*
 * Tehran is UTC+03:30 all year, so Tehran 09:00 is 05:30Z and 20:00 is 16:30Z.
 * Week used below (Ordibehesht 1405 has no holidays):
 *   Wed 2026-04-29 = 1405/02/09, Thu 04-30 = 02/10, Fri 05-01 = 02/11,
 *   Sat 05-02 = 02/12, Sun 05-03 = 02/13.
 */
const W = DEFAULT_DIALLING_WINDOW;
const none: Holiday[] = [];
const shipped = parseHolidays(
  JSON.parse(readFileSync(new URL('../../../config/holidays.json', import.meta.url), 'utf8')),
);
const holiday = (jy: number, jm: number, jd: number): Holiday => ({ jy, jm, jd, name: 'test' });
const at = (iso: string) => new Date(iso);

describe('isInsideWindow (default: Saturday–Thursday 09:00–20:00 Tehran)', () => {
  it.each<[string, string, boolean]>([
    ['Thursday 19:59', '2026-04-30T16:29:00Z', true],
    ['Thursday 19:59:59', '2026-04-30T16:29:59Z', true],
    ['Thursday 20:00', '2026-04-30T16:30:00Z', false],
    ['Thursday 08:59', '2026-04-30T05:29:00Z', false],
    ['Thursday 09:00', '2026-04-30T05:30:00Z', true],
    ['Friday 12:00', '2026-05-01T08:30:00Z', false],
    ['Saturday 09:00', '2026-05-02T05:30:00Z', true],
    ['Wednesday 19:30 (office closed at 19:00, calls still allowed)', '2026-04-29T16:00:00Z', true],
    ['Thursday 15:00 (office closed at 13:00, calls still allowed)', '2026-04-30T11:30:00Z', true],
    ['Thursday 00:30 Tehran, still Wednesday in UTC', '2026-04-29T21:00:00Z', false],
  ])('%s → %s', (_label, utc, inside) => {
    expect(isInsideWindow(at(utc), W, none)).toBe(inside);
  });

  it('is closed all day on a holiday, from Tehran midnight', () => {
    const sat = [holiday(1405, 2, 12)];
    expect(isInsideWindow(at('2026-05-02T05:30:00Z'), W, sat)).toBe(false);
    expect(isInsideWindow(at('2026-05-02T16:29:00Z'), W, sat)).toBe(false);
    expect(isInsideWindow(at('2026-05-03T05:30:00Z'), W, sat)).toBe(true);
  });

  it('knows the shipped holidays (Nowruz, Tuesday 1405/01/04 at 10:00)', () => {
    expect(isInsideWindow(at('2026-03-24T06:30:00Z'), W, shipped)).toBe(false);
    expect(isInsideWindow(at('2026-03-24T06:30:00Z'), W, none)).toBe(true);
  });
});

describe('nextCallTime', () => {
  it.each<[string, string, string]>([
    ['inside: the instant itself', '2026-04-29T10:00:00Z', '2026-04-29T10:00:00Z'],
    ['Thursday 19:59: the instant itself', '2026-04-30T16:29:00Z', '2026-04-30T16:29:00Z'],
    ['Thursday 20:00 → Saturday 09:00 (Friday skipped)', '2026-04-30T16:30:00Z', '2026-05-02T05:30:00Z'],
    ['Friday noon → Saturday 09:00', '2026-05-01T08:30:00Z', '2026-05-02T05:30:00Z'],
    ['Wednesday 06:00 → Wednesday 09:00', '2026-04-29T02:30:00Z', '2026-04-29T05:30:00Z'],
    ['Wednesday 08:59:30 → Wednesday 09:00', '2026-04-29T05:29:30Z', '2026-04-29T05:30:00Z'],
    ['Wednesday 23:59 → Thursday 09:00', '2026-04-29T20:29:00Z', '2026-04-30T05:30:00Z'],
    ['Thursday 00:00 Tehran (Wednesday 20:30Z) → Thursday 09:00', '2026-04-29T20:30:00Z', '2026-04-30T05:30:00Z'],
  ])('%s', (_label, from, expected) => {
    const next = nextCallTime(at(from), W, none);
    expect(next.toISOString()).toBe(new Date(expected).toISOString());
    expect(isInsideWindow(next, W, none)).toBe(true);
  });

  it('skips a holiday: Thursday 20:00 with Saturday a holiday → Sunday 09:00', () => {
    const next = nextCallTime(at('2026-04-30T16:30:00Z'), W, [holiday(1405, 2, 12)]);
    expect(next.toISOString()).toBe('2026-05-03T05:30:00.000Z');
  });

  it('a holiday starting at Tehran midnight catches an instant that is still the day before in UTC', () => {
    // Thursday 00:30 Tehran is Wednesday 21:00Z; Thursday is the holiday, so Saturday it is.
    const next = nextCallTime(at('2026-04-29T21:00:00Z'), W, [holiday(1405, 2, 10)]);
    expect(next.toISOString()).toBe('2026-05-02T05:30:00.000Z');
  });

  it('waits out the whole Nowruz break with the shipped calendar', () => {
    // Thursday 1404/12/28 20:30 → Friday, then 1405/01/01–04 (Sat–Tue) → Wednesday 01/05 09:00.
    const next = nextCallTime(at('2026-03-19T17:00:00Z'), W, shipped);
    expect(next.toISOString()).toBe('2026-03-25T05:30:00.000Z');
  });

  it('follows configured days and hours', () => {
    const config: DiallingWindowConfig = {
      weekly: diallingWeekly(['sunday', 'tuesday'], '10:30', '12:00'),
      firstAttemptDelayMs: 0,
    };
    // Wednesday → Sunday 10:30 (Thursday, Saturday are not calling days here).
    expect(nextCallTime(at('2026-04-29T08:00:00Z'), config, none).toISOString()).toBe('2026-05-03T07:00:00.000Z');
    expect(isInsideWindow(at('2026-05-03T08:29:00Z'), config, none)).toBe(true);
    expect(isInsideWindow(at('2026-05-03T08:30:00Z'), config, none)).toBe(false);
  });

  it('refuses to search forever when every day is a holiday', () => {
    const everyDay = Array.from({ length: 12 }, (_, m) =>
      Array.from({ length: 31 }, (_, d) => ({ jy: null, jm: m + 1, jd: d + 1, name: 'x' })),
    )
      .flat()
      .filter((h) => h.jm <= 6 || h.jd <= 30);
    expect(() => nextCallTime(at('2026-04-29T08:00:00Z'), W, everyDay)).toThrow(HotlineError);
  });
});

describe('firstCallTime', () => {
  it('is 2 h after closing when that is inside the window', () => {
    // Closed Wednesday 10:00 Tehran → 12:00.
    expect(firstCallTime(at('2026-04-29T06:30:00Z'), W, none).toISOString()).toBe('2026-04-29T08:30:00.000Z');
  });

  it('moves into the next window when 2 h after closing falls outside it', () => {
    // Closed Thursday 18:30 → 20:30 is outside → Saturday 09:00.
    expect(firstCallTime(at('2026-04-30T15:00:00Z'), W, none).toISOString()).toBe('2026-05-02T05:30:00.000Z');
    // Closed Thursday 17:59 → 19:59 is still inside.
    expect(firstCallTime(at('2026-04-30T14:29:00Z'), W, none).toISOString()).toBe('2026-04-30T16:29:00.000Z');
  });

  it('is never before 09:00 even when closed at night', () => {
    // Closed Wednesday 02:00 Tehran → 04:00 → 09:00.
    expect(firstCallTime(at('2026-04-28T22:30:00Z'), W, none).toISOString()).toBe('2026-04-29T05:30:00.000Z');
  });

  it('uses the configured delay', () => {
    const config = { ...W, firstAttemptDelayMs: 30 * 60_000 };
    expect(firstCallTime(at('2026-04-29T06:30:00Z'), config, none).toISOString()).toBe('2026-04-29T07:00:00.000Z');
  });
});

describe('config helpers', () => {
  it('the default week has no Friday calls', () => {
    expect(W.weekly.friday).toBeNull();
    expect(W.weekly.thursday).toEqual({ open: '09:00', close: '20:00' });
    expect(W.firstAttemptDelayMs).toBe(2 * 3_600_000);
  });

  it.each<[string, string[]]>([
    ['saturday-thursday', ['saturday', 'sunday', 'monday', 'tuesday', 'wednesday', 'thursday']],
    ['Sunday, tuesday', ['sunday', 'tuesday']],
    ['saturday-monday,thursday', ['saturday', 'sunday', 'monday', 'thursday']],
    ['friday', ['friday']],
  ])('parseCallingDays(%j)', (text, days) => {
    expect(parseCallingDays(text)).toEqual(days);
  });

  it.each(['', 'sat', 'thursday-saturday', 'monday-funday', 'a-b-c', ' , '])('parseCallingDays rejects %j', (text) => {
    expect(() => parseCallingDays(text)).toThrow(HotlineError);
  });

  it.each<[string, string]>([
    ['20:00', '09:00'],
    ['9:00', '20:00'],
    ['09:00', '25:00'],
  ])('diallingWeekly rejects %s–%s', (open, close) => {
    expect(() => diallingWeekly(['monday'], open, close)).toThrow(HotlineError);
  });

  it('diallingWeekly rejects an empty week', () => {
    expect(() => diallingWeekly([], '09:00', '20:00')).toThrow('no calling days');
  });
});
