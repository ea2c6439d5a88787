/**
 * Numbers as Persian speakers say them, as lists of prompt ids (sounds/fa/manifest.json).
 *
 * - Parts are joined by «و»: 23 → «بیست و سه», 1405 → «هزار و چهارصد و پنج».
 * - Ordinals put «ـُم» on the last part only: 23rd → «بیست و سوم», 5th → «پنجم».
 * - A date is the ordinal day, the month's name and the cardinal year: «ششم خرداد
 *   هزار و چهارصد و پنج».
 * - A place in a queue is ordinal («شما نفر پنجم صف هستید»); a wait is cardinal minutes.
 *
 * Asterisk's say.c has no Persian rules (it reads 23 as «بیست | سه» and a position as a
 * cardinal), so the engine builds these sequences itself. Pure.
 */
import type { JalaliDate } from '../calendar/jalali.js';

/** Largest number said as words; beyond it (or for a fraction or a negative) digits are read. */
export const MAX_WORDED = 999_999;

const UNITS = Array.from({ length: 19 }, (_, i) => i + 1); // 1..19 have words of their own
const TENS = [20, 30, 40, 50, 60, 70, 80, 90];
const HUNDREDS = [100, 200, 300, 400, 500, 600, 700, 800, 900];
const THOUSAND = 1000;
const WORDS = [...UNITS, ...TENS, ...HUNDREDS, THOUSAND];

const word = (n: number): string => `num-${n}`;
const ordinalWord = (n: number): string => `ord-${n}`;
const AND = 'and';

/** Every prompt id a function of this module can return (a test checks the manifest has them). */
export const PERSIAN_NUMBER_PROMPTS: readonly string[] = [
  ...WORDS.map(word),
  ...WORDS.map(ordinalWord),
  AND,
  ...Array.from({ length: 10 }, (_, d) => `digit-${d}`),
  ...Array.from({ length: 12 }, (_, m) => `month-${m + 1}`),
  'queue-you-are-next',
  'queue-there-are',
  'queue-calls-waiting',
  'queue-hold-time',
  'queue-minutes',
  'queue-less-than-a-minute',
];

function isWorded(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_WORDED;
}

function digits(n: number): string[] {
  return [...String(Math.trunc(Math.abs(n)))].map((d) => `digit-${d}`);
}

/** The word values of 1..999, largest first: 345 → [300, 40, 5]. */
function belowThousand(n: number): number[] {
  const parts: number[] = [];
  const hundreds = Math.floor(n / 100) * 100;
  if (hundreds) parts.push(hundreds);
  const rest = n % 100;
  if (rest >= 20) {
    parts.push(Math.floor(rest / 10) * 10);
    if (rest % 10) parts.push(rest % 10);
  } else if (rest) {
    parts.push(rest);
  }
  return parts;
}

/**
 * Groups of words, each group one part joined to the next by «و»: 2345 →
 * [[2, 1000], [300], [40], [5]] («دو هزار و سیصد و چهل و پنج»).
 */
function groups(n: number): number[][] {
  const thousands = Math.floor(n / THOUSAND);
  const rest = n % THOUSAND;
  const out: number[][] = [];
  if (thousands === 1) out.push([THOUSAND]);
  else if (thousands > 1) {
    // «سیصد و بیست هزار»: the multiplier's own parts are joined by «و», «هزار» ends the last.
    out.push(...belowThousand(thousands).map((v, i, all) => (i === all.length - 1 ? [v, THOUSAND] : [v])));
  }
  out.push(...belowThousand(rest).map((v) => [v]));
  return out;
}

function say(n: number, ordinal: boolean): string[] {
  const parts = groups(n);
  const ids: string[] = [];
  parts.forEach((group, gi) => {
    if (gi > 0) ids.push(AND);
    group.forEach((value, wi) => {
      const last = gi === parts.length - 1 && wi === group.length - 1;
      ids.push(ordinal && last ? ordinalWord(value) : word(value));
    });
  });
  return ids;
}

/** 23 → ['num-20', 'and', 'num-3']; 0 → ['digit-0'] («صفر»); outside 1..999,999: digit by digit. */
export function cardinal(n: number): string[] {
  if (n === 0) return ['digit-0'];
  return isWorded(n) ? say(n, false) : digits(n);
}

/** 5 → ['ord-5'] («پنجم»); 23 → ['num-20', 'and', 'ord-3'] («بیست و سوم»). */
export function ordinal(n: number): string[] {
  return isWorded(n) ? say(n, true) : digits(n);
}

/** 1405/3/6 → «ششم خرداد هزار و چهارصد و پنج». */
export function jalaliDate({ jy, jm, jd }: JalaliDate): string[] {
  const month = Number.isInteger(jm) && jm >= 1 && jm <= 12 ? [`month-${jm}`] : [];
  return [...ordinal(jd), ...month, ...cardinal(jy)];
}

/**
 * A caller's place in a queue, counting themself (1 = next): «شما نفر بعدی هستید» or
 * «شما در صف انتظار نفر پنجم هستید».
 */
export function queuePosition(position: number): string[] {
  if (position <= 1) return ['queue-you-are-next'];
  return ['queue-there-are', ...ordinal(position), 'queue-calls-waiting'];
}

/** An estimated wait in whole minutes, rounded up: «زمان تقریبی انتظار شما بیست و سه دقیقه». */
export function estimatedWait(seconds: number): string[] {
  if (!Number.isFinite(seconds) || seconds < 0) return [];
  if (seconds < 60) return ['queue-hold-time', 'queue-less-than-a-minute'];
  return ['queue-hold-time', ...cardinal(Math.ceil(seconds / 60)), 'queue-minutes'];
}
