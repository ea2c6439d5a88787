import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERSIAN_NUMBER_PROMPTS, cardinal, estimatedWait, jalaliDate, ordinal, queuePosition } from './persian-numbers.js';

// The prompt ids spelt back as the Persian they play, so each row reads as what is heard.
const manifest = JSON.parse(readFileSync(new URL('../../../sounds/fa/manifest.json', import.meta.url), 'utf8')) as {
  prompts: { id: string; text: string }[];
};
const TEXT = new Map(manifest.prompts.map((p) => [p.id, p.text]));
const heard = (ids: string[]): string => ids.map((id) => TEXT.get(id) ?? `?${id}`).join(' ');

describe('cardinal numbers', () => {
  it.each([
    [0, 'صفر', ['digit-0']],
    [5, 'پنج', ['num-5']],
    [19, 'نوزده', ['num-19']],
    [20, 'بیست', ['num-20']],
    [23, 'بیست و سه', ['num-20', 'and', 'num-3']],
    [100, 'صد', ['num-100']],
    [105, 'صد و پنج', ['num-100', 'and', 'num-5']],
    [340, 'سیصد و چهل', ['num-300', 'and', 'num-40']],
    [999, 'نهصد و نود و نه', ['num-900', 'and', 'num-90', 'and', 'num-9']],
    [1000, 'هزار', ['num-1000']],
    [1405, 'هزار و چهارصد و پنج', ['num-1000', 'and', 'num-400', 'and', 'num-5']],
    [2023, 'دو هزار و بیست و سه', ['num-2', 'num-1000', 'and', 'num-20', 'and', 'num-3']],
    [320_000, 'سیصد و بیست هزار', ['num-300', 'and', 'num-20', 'num-1000']],
    [1_000_000, 'یک صفر صفر صفر صفر صفر صفر', null],
    [-3, 'سه', ['digit-3']],
    [2.5, 'دو', ['digit-2']],
  ])('%d → %s', (n, text, ids) => {
    if (ids) expect(cardinal(n)).toEqual(ids);
    expect(heard(cardinal(n))).toBe(text);
  });
});

describe('ordinal numbers: «م» on the last part only', () => {
  it.each([
    [1, 'یکم'],
    [2, 'دوم'],
    [3, 'سوم'],
    [5, 'پنجم'],
    [13, 'سیزدهم'],
    [20, 'بیستم'],
    [21, 'بیست و یکم'],
    [23, 'بیست و سوم'],
    [30, 'سی‌ام'],
    [31, 'سی و یکم'],
    [100, 'صدم'],
    [112, 'صد و دوازدهم'],
    [1000, 'هزارم'],
  ])('%d → %s', (n, text) => {
    expect(heard(ordinal(n))).toBe(text);
  });

  it('reads what cannot be an ordinal digit by digit rather than failing a live call', () => {
    expect(ordinal(0)).toEqual(['digit-0']);
  });
});

describe('Jalali dates: ordinal day, month, cardinal year', () => {
  it.each([
    [{ jy: 1405, jm: 3, jd: 6 }, 'ششم خرداد هزار و چهارصد و پنج'],
    [{ jy: 1403, jm: 10, jd: 1 }, 'یکم دی هزار و چهارصد و سه'],
    [{ jy: 1404, jm: 12, jd: 29 }, 'بیست و نهم اسفند هزار و چهارصد و چهار'],
    [{ jy: 1410, jm: 7, jd: 30 }, 'سی‌ام مهر هزار و چهارصد و ده'],
    [{ jy: 1399, jm: 1, jd: 31 }, 'سی و یکم فروردین هزار و سیصد و نود و نه'],
  ])('%o → %s', (date, text) => {
    expect(heard(jalaliDate(date))).toBe(text);
  });

  it('leaves out a month that does not exist instead of inventing one', () => {
    expect(jalaliDate({ jy: 1405, jm: 13, jd: 2 })).toEqual(['ord-2', ...cardinal(1405)]);
  });
});

describe('queue announcements', () => {
  it.each([
    [1, 'شما نفر بعدی هستید و به‌زودی به کارشناس وصل می‌شوید.'],
    [2, 'شما در صف انتظار نفر دوم هستید.'],
    [5, 'شما در صف انتظار نفر پنجم هستید.'],
    [23, 'شما در صف انتظار نفر بیست و سوم هستید.'],
  ])('position %d → %s', (position, text) => {
    expect(heard(queuePosition(position))).toBe(text);
  });

  it.each([
    [30, 'زمان تقریبی انتظار شما کمتر از یک دقیقه'],
    [60, 'زمان تقریبی انتظار شما یک دقیقه'],
    [61, 'زمان تقریبی انتظار شما دو دقیقه'],
    [23 * 60, 'زمان تقریبی انتظار شما بیست و سه دقیقه'],
  ])('a wait of %d s → %s', (seconds, text) => {
    expect(heard(estimatedWait(seconds))).toBe(text);
  });

  it('says nothing for a wait it does not know', () => {
    expect(estimatedWait(Number.NaN)).toEqual([]);
  });
});

it('every prompt these functions can play is in the manifest', () => {
  for (const id of PERSIAN_NUMBER_PROMPTS) expect(TEXT.has(id), id).toBe(true);
});
