import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, isoDate, tehranInstant, tehranOffsetSpans, tehranParts, weekdayOf } from './tehran-time.js';

describe('tehranParts', () => {
  // UTC instants worked by hand: Tehran is UTC+03:30 since 2022 (and in winter before).
  it.each([
    ['2026-04-30T09:29:00Z', { year: 2026, month: 4, day: 30, weekday: 'thursday', hour: 12, minute: 59 }],
    ['2026-04-30T09:30:00Z', { year: 2026, month: 4, day: 30, weekday: 'thursday', hour: 13, minute: 0 }],
    ['2026-05-02T03:30:00Z', { year: 2026, month: 5, day: 2, weekday: 'saturday', hour: 7, minute: 0 }],
    // 20:30 UTC is already the next day in Tehran.
    ['2026-03-20T20:29:59Z', { year: 2026, month: 3, day: 20, weekday: 'friday', hour: 23, minute: 59 }],
    ['2026-03-20T20:30:00Z', { year: 2026, month: 3, day: 21, weekday: 'saturday', hour: 0, minute: 0 }],
    // Summer 2021: Iran still kept DST (+04:30); the zone data knows, no fixed offset here.
    ['2021-06-15T02:30:00Z', { year: 2021, month: 6, day: 15, weekday: 'tuesday', hour: 7, minute: 0 }],
    ['2021-12-15T03:30:00Z', { year: 2021, month: 12, day: 15, weekday: 'wednesday', hour: 7, minute: 0 }],
  ] as const)('%s', (utc, expected) => {
    expect(tehranParts(new Date(utc))).toMatchObject(expected);
  });

  it('agrees with the time-zone database at every second around the clock changes of 2021, and anywhere 1900-2100', () => {
    const intl = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
      timeZone: 'Asia/Tehran', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
    });
    const byIntl = (d: Date) => {
      const p = Object.fromEntries(intl.formatToParts(d).map((x) => [x.type, Number(x.value)]));
      return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
    };
    const wall = (d: Date) => {
      const { year, month, day, hour, minute, second } = tehranParts(d);
      return { year, month, day, hour, minute, second };
    };
    // Spring forward (00:00 → 01:00 on 2021-03-22) and fall back (00:00 → 23:00 on 2021-09-22), second by second.
    for (const change of ['2021-03-21T20:30:00Z', '2021-09-21T19:30:00Z']) {
      const at = Date.parse(change);
      for (let ms = at - 20 * 60_000; ms <= at + 20 * 60_000; ms += 1000) expect(wall(new Date(ms))).toEqual(byIntl(new Date(ms)));
    }
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        expect(wall(new Date(ms))).toEqual(byIntl(new Date(ms)));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects an invalid Date', () => {
    expect(() => tehranParts(new Date('nope'))).toThrow(RangeError);
  });
});

describe('tehranInstant', () => {
  it.each([
    [{ year: 2026, month: 5, day: 2 }, 7, 0, '2026-05-02T03:30:00.000Z'],
    [{ year: 2026, month: 3, day: 21 }, 0, 0, '2026-03-20T20:30:00.000Z'],
    [{ year: 2021, month: 6, day: 15 }, 7, 0, '2021-06-15T02:30:00.000Z'],
    [{ year: 2021, month: 12, day: 15 }, 7, 0, '2021-12-15T03:30:00.000Z'],
    // Last evening of DST (clocks fell back at 2021-09-21T19:30Z): the wall time read as
    // UTC lies after the change, so a single offset guess would be an hour off.
    [{ year: 2021, month: 9, day: 21 }, 21, 0, '2021-09-21T16:30:00.000Z'],
  ])('%o %i:%i → %s', (date, h, m, utc) => {
    expect(tehranInstant(date, h, m).toISOString()).toBe(utc);
  });

  it('round-trips with tehranParts at whole minutes (1990-2100)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        // 00:00-00:59 on DST-start nights never existed on Tehran clocks, so start at 01:00.
        const p = tehranParts(new Date(ms));
        fc.pre(p.hour >= 1);
        const t = tehranInstant(p, p.hour, p.minute);
        expect(tehranParts(t)).toMatchObject({ year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute });
      }),
    );
  });
});

describe('local date helpers', () => {
  it('weekdayOf starts the week on Saturday names', () => {
    expect(weekdayOf({ year: 2026, month: 3, day: 21 })).toBe('saturday');
    expect(weekdayOf({ year: 2026, month: 3, day: 27 })).toBe('friday');
  });

  it('addDays crosses months, years and leap days', () => {
    expect(addDays({ year: 2028, month: 2, day: 28 }, 1)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(addDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(addDays({ year: 2026, month: 3, day: 1 }, -1)).toEqual({ year: 2026, month: 2, day: 28 });
  });

  it('isoDate pads', () => {
    expect(isoDate({ year: 2026, month: 3, day: 5 })).toBe('2026-03-05');
  });
});

describe('tehranOffsetSpans', () => {
  const spans = (from: string, to: string) =>
    tehranOffsetSpans(new Date(from), new Date(to)).map((s) => [s.from.toISOString(), s.to.toISOString(), s.offsetSec]);

  it('is one span at +03:30 for a year after Iran dropped DST', () => {
    expect(spans('2025-03-20T20:30:00Z', '2026-03-20T20:30:00Z')).toEqual([['2025-03-20T20:30:00.000Z', '2026-03-20T20:30:00.000Z', 12_600]]);
  });

  it('cuts a DST year at the exact instants the clocks changed', () => {
    // 1400 (2021): clocks forward at 00:00 on 22 March (20:30 UTC on the 21st), back at
    // 24:00 on 21 September (19:30 UTC that day).
    expect(spans('2021-03-01T00:00:00Z', '2021-12-01T00:00:00Z')).toEqual([
      ['2021-03-01T00:00:00.000Z', '2021-03-21T20:30:00.000Z', 12_600],
      ['2021-03-21T20:30:00.000Z', '2021-09-21T19:30:00.000Z', 16_200],
      ['2021-09-21T19:30:00.000Z', '2021-12-01T00:00:00.000Z', 12_600],
    ]);
  });

  it('is empty for an empty range', () => {
    expect(spans('2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toEqual([]);
  });

  it('agrees with tehranParts at every instant (epoch + offset read as UTC is the wall clock)', () => {
    const from = Date.UTC(2019, 0, 1);
    const to = Date.UTC(2023, 0, 1);
    const all = tehranOffsetSpans(new Date(from), new Date(to));
    fc.assert(
      fc.property(fc.integer({ min: from, max: to - 1 }), (ms) => {
        const span = all.find((s) => s.from.getTime() <= ms && ms < s.to.getTime())!;
        const wall = new Date(ms + span.offsetSec * 1000);
        const p = tehranParts(new Date(ms));
        expect([wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate(), wall.getUTCHours()]).toEqual([p.year, p.month, p.day, p.hour]);
      }),
      { numRuns: 500 },
    );
  });
});
