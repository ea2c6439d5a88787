/**
 * Wall-clock time in Tehran. Everything goes through Intl with the IANA zone, never a
 * fixed +03:30: Iran dropped DST in 2022, but older instants (and any future change
 * shipped in tzdata) must still come out right.
 */

export const TEHRAN_TIME_ZONE = 'Asia/Tehran';

/** The Iranian week starts on Saturday. */
export const WEEKDAYS = ['saturday', 'sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A Gregorian calendar date with no time zone attached. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface TehranParts extends LocalDate {
  weekday: Weekday;
  hour: number;
  minute: number;
  second: number;
}

const PARTS = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
  timeZone: TEHRAN_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

const DAY_MS = 86_400_000;
// Date#getUTCDay numbering (0 = Sunday) to the Saturday-first names.
const BY_JS_DAY: readonly Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export function weekdayOf(date: LocalDate): Weekday {
  return BY_JS_DAY[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()]!;
}

/** Calendar arithmetic on dates, independent of any clock change. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 'YYYY-MM-DD' */
export function isoDate(date: LocalDate): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/**
 * Tehran's wall clock at an instant. Intl is asked once per quarter hour (about 10 µs a
 * call, asked at every IVR step for the office hours); within a quarter hour whose two
 * ends have the same offset, plain arithmetic gives the same answer.
 */
export function tehranParts(date: Date): TehranParts {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  const offset = steadyOffset(ms);
  if (offset === null) return intlParts(date);
  const wall = new Date(ms + offset);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    weekday: BY_JS_DAY[wall.getUTCDay()]!,
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
}

const OFFSET_BUCKET_MS = 15 * 60_000;
/** Offset of each quarter hour asked about (null: the clocks changed within it). */
const bucketOffsets = new Map<number, number | null>();

function steadyOffset(ms: number): number | null {
  const bucket = Math.floor(ms / OFFSET_BUCKET_MS);
  let offset = bucketOffsets.get(bucket);
  if (offset === undefined) {
    const first = offsetAt(bucket * OFFSET_BUCKET_MS);
    offset = first === offsetAt((bucket + 1) * OFFSET_BUCKET_MS - 1000) ? first : null;
    // A report may walk a whole year: the cache stays small.
    if (bucketOffsets.size >= 4096) bucketOffsets.clear();
    bucketOffsets.set(bucket, offset);
  }
  return offset;
}

function intlParts(date: Date): TehranParts {
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  for (const p of PARTS.formatToParts(date)) {
    const n = Number(p.value);
    if (p.type === 'year') year = n;
    else if (p.type === 'month') month = n;
    else if (p.type === 'day') day = n;
    else if (p.type === 'hour') hour = n;
    else if (p.type === 'minute') minute = n;
    else if (p.type === 'second') second = n;
  }
  const local = { year, month, day };
  return { ...local, weekday: weekdayOf(local), hour, minute, second };
}

export function tehranDate(date: Date): LocalDate {
  const { year, month, day } = tehranParts(date);
  return { year, month, day };
}

/** Tehran's offset from UTC in ms at an instant (positive east of Greenwich). */
function offsetAt(ms: number): number {
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  const p = intlParts(new Date(whole));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The instant at which Tehran's clocks show `hour:minute` on `date`. Two passes: the
 * first guesses the offset at the wall time read as UTC, the second settles it where
 * an old DST change lies between the guess and the answer.
 */
export function tehranInstant(date: LocalDate, hour: number, minute: number): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const first = wall - knownOffsetAt(wall);
  return new Date(wall - knownOffsetAt(first));
}

/**
 * offsetAt through the quarter-hour cache: the IVR asks for the next opening at every
 * step while closed (two offsets each), which was ~0.7 ms of Intl per call.
 */
function knownOffsetAt(ms: number): number {
  return steadyOffset(ms) ?? offsetAt(ms);
}

/** A stretch of time over which Tehran's offset from UTC does not change. */
export interface OffsetSpan {
  /** Inclusive start of the stretch (the range's start for the first one). */
  from: Date;
  /** Exclusive end (the range's end for the last one). */
  to: Date;
  /** Tehran minus UTC, in seconds (12,600 since 2022; 16,200 in the old summers). */
  offsetSec: number;
}

const HOUR_MS = 3_600_000;

/**
 * [from, to) cut where Tehran's clocks changed, so a report can turn each row's instant
 * into a Tehran day or hour with plain arithmetic (epoch + offset) instead of asking the
 * time-zone database once per row. The offset is read a day apart and a change between
 * two readings is narrowed to the millisecond by bisection (clocks have only ever
 * changed on whole minutes, never twice within a day).
 */
export function tehranOffsetSpans(from: Date, to: Date): OffsetSpan[] {
  const end = to.getTime();
  let start = from.getTime();
  if (!(end > start)) return [];
  const spans: OffsetSpan[] = [];
  let offset = offsetAt(start);
  let probe = start;
  while (probe < end) {
    const next = Math.min(probe + 24 * HOUR_MS, end);
    // The range's last instant is end - 1 (end itself is excluded).
    const last = next === end ? end - 1 : next;
    if (offsetAt(last) !== offset) {
      // The change lies in (probe, last]: bisect to the first millisecond of the new offset.
      let lo = probe;
      let hi = last;
      while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (offsetAt(mid) === offset) lo = mid;
        else hi = mid;
      }
      spans.push({ from: new Date(start), to: new Date(hi), offsetSec: offset / 1000 });
      start = hi;
      offset = offsetAt(hi);
    }
    probe = next;
  }
  spans.push({ from: new Date(start), to: new Date(end), offsetSec: offset / 1000 });
  return spans;
}
