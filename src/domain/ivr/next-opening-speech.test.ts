import { describe, expect, it } from 'vitest';
import { NEXT_OPENING_PROMPT_IDS, sayNextOpening } from './next-opening-speech.js';
import { PERSIAN_NUMBER_PROMPTS } from './persian-numbers.js';

// Tehran is UTC+03:30. 2027-05-15 is a Saturday (1406/02/25).
const tehran = (iso: string) => new Date(`${iso}+03:30`);
const SAT_06_00 = tehran('2027-05-15T06:00:00');

describe('sayNextOpening', () => {
  it.each<[string, Date, Date, string[]]>([
    ['later today, on the hour', SAT_06_00, tehran('2027-05-15T07:00:00'), ['day-today', 'at-hour', 'num-7']],
    ['tomorrow with minutes', tehran('2027-05-15T20:00:00'), tehran('2027-05-16T07:30:00'), ['day-tomorrow', 'at-hour', 'num-7', 'and', 'num-30', 'queue-minutes']],
    ['a weekday in the coming week', tehran('2027-05-20T14:00:00'), tehran('2027-05-22T07:00:00'), ['weekday-saturday', 'at-hour', 'num-7']],
    ['minutes as Persian says them, with «و»', SAT_06_00, tehran('2027-05-15T08:45:00'), ['day-today', 'at-hour', 'num-8', 'and', 'num-40', 'and', 'num-5', 'queue-minutes']],
    ['round tens', SAT_06_00, tehran('2027-05-15T13:50:00'), ['day-today', 'at-hour', 'num-13', 'and', 'num-50', 'queue-minutes']],
    ['hours past 12 as they are on the clock', SAT_06_00, tehran('2027-05-15T23:00:00'), ['day-today', 'at-hour', 'num-20', 'and', 'num-3']],
    ['midnight', tehran('2027-05-15T22:00:00'), tehran('2027-05-16T00:00:00'), ['day-tomorrow', 'midnight']],
    // Nowruz: closed 1 to 4 Farvardin and Friday; a week away the date is said too.
    ['more than a week away: weekday and date', tehran('2028-03-17T20:00:00'), tehran('2028-03-25T07:00:00'), ['weekday-saturday', 'ord-6', 'month-1', 'at-hour', 'num-7']],
  ])('%s', (_name, now, opening, middle) => {
    expect(sayNextOpening(now, opening)).toEqual(['next-opening-from', ...middle, 'next-opening-answer']);
  });

  it('says nothing when no opening is known (closed by the override)', () => {
    expect(sayNextOpening(SAT_06_00, null)).toEqual([]);
  });

  it('only ever uses prompts the flow declares, for every minute of a day', () => {
    const known = new Set([...NEXT_OPENING_PROMPT_IDS, ...PERSIAN_NUMBER_PROMPTS]);
    for (let minute = 0; minute < 24 * 60; minute += 1) {
      const opening = new Date(tehran('2027-05-16T00:00:00').getTime() + minute * 60_000);
      for (const id of sayNextOpening(SAT_06_00, opening)) expect(known.has(id), `${id} at minute ${minute}`).toBe(true);
    }
  });
});
