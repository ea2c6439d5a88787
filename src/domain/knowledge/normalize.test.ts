import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePersian, searchTerms } from './normalize.js';

describe('normalizePersian', () => {
  it.each([
    ['Arabic yeh and kaf', 'كيف', 'کیف'],
    ['alef maksura', 'مصطفى', 'مصطفی'],
    ['the ZWNJ in a compound', 'می‌خواهم', 'میخواهم'],
    ['Persian digits', 'منطقه ۲۲', 'منطقه 22'],
    ['Arabic-Indic digits', 'منطقه ٢٢', 'منطقه 22'],
    ['short vowels and tatweel', 'شَهرـداری', 'شهرداری'],
    ['teh marbuta and heh with yeh', 'مدرسة خانۀ', 'مدرسه خانه'],
    ['alef with hamza', 'أسفالت', 'اسفالت'],
    ['Latin case and spaces', '  Wi-Fi   پارک  ', 'wi-fi پارک'],
    ['bidi marks', '\u200fپسماند\u200e', 'پسماند'],
  ])('%s', (_name, input, expected) => {
    expect(normalizePersian(input)).toBe(expected);
  });

  it('makes the Arabic-keyboard and Persian-keyboard spellings of a phrase equal', () => {
    expect(normalizePersian('جمع‌آوري زباله‌ها در منطقه ۷')).toBe(normalizePersian('جمعآوری زبالهها در منطقه 7'));
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ابپتكيیکى‌ ۱٢3ةۀأَـ\u200f'.split('')) }), (s) => {
        expect(normalizePersian(normalizePersian(s))).toBe(normalizePersian(s));
      }),
    );
  });
});

describe('searchTerms', () => {
  it('splits on spaces and Persian punctuation, each word once', () => {
    expect(searchTerms('چراغ، خاموش؛ چراغ «کوچه»؟')).toEqual(['چراغ', 'خاموش', 'کوچه']);
    expect(searchTerms('   ')).toEqual([]);
  });
});
