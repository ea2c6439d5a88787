/**
 * "Our agents answer from tomorrow at seven thirty": the next opening, from the
 * calendar, as prompt ids. Today, tomorrow, or the weekday name (with the date when it
 * is more than a week away, e.g. after Nowruz); the hour and, when not on the hour, the
 * minutes. Numbers as Persian says them (persian-numbers.ts: «ساعت نه و سی دقیقه»,
 * «پنجم فروردین»).
 */
import { jalaliOf } from '../calendar/jalali.js';
import { addDays, tehranParts, weekdayOf, type LocalDate } from '../calendar/tehran-time.js';
import { cardinal, ordinal } from './persian-numbers.js';

/** Every prompt id sayNextOpening can return (the flow's prompt list and the manifest carry them). */
export const NEXT_OPENING_PROMPT_IDS: readonly string[] = [
  'next-opening-from',
  'next-opening-answer',
  'day-today',
  'day-tomorrow',
  'at-hour',
  'midnight',
  'queue-minutes',
  ...['saturday', 'sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((d) => `weekday-${d}`),
];

const WEEK_DAYS = 7;

function sameDate(a: LocalDate, b: LocalDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

function sayDay(now: LocalDate, opening: LocalDate): string[] {
  if (sameDate(now, opening)) return ['day-today'];
  if (sameDate(addDays(now, 1), opening)) return ['day-tomorrow'];
  const weekday = [`weekday-${weekdayOf(opening)}`];
  // Within the coming week the weekday is enough; further away it needs its date.
  const withinWeek = Array.from({ length: WEEK_DAYS - 1 }, (_, i) => addDays(now, i + 2)).some((d) => sameDate(d, opening));
  if (withinWeek) return weekday;
  const { jm, jd } = jalaliOf(opening);
  return [...weekday, ...ordinal(jd), `month-${jm}`];
}

/**
 * The prompts after "we are outside our agents' hours": `[next-opening-from, <day>,
 * at-hour, <hour>, (and, <minutes>, queue-minutes), next-opening-answer]`, all Tehran time.
 * Empty when there is no opening to announce (the line is closed by the override).
 */
export function sayNextOpening(now: Date, opening: Date | null): string[] {
  if (opening === null || opening.getTime() < now.getTime()) return [];
  const at = tehranParts(opening);
  const hour = at.hour === 0 && at.minute === 0 ? ['midnight'] : ['at-hour', ...cardinal(at.hour)];
  const minutes = at.minute === 0 ? [] : ['and', ...cardinal(at.minute), 'queue-minutes'];
  return ['next-opening-from', ...sayDay(tehranParts(now), at), ...hour, ...minutes, 'next-opening-answer'];
}
