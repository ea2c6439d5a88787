import { describe, expect, it } from 'vitest';
import { CASE_CATEGORIES, CASE_STATUSES } from './case.js';
import { toAsciiDigits } from '../phone.js';
import { STATUS_FA, categoryFa, districtFa, toPersianDigits } from './wording.js';

describe('Persian wording', () => {
  it('has a distinct phrase for every status and a name for every category', () => {
    const phrases = CASE_STATUSES.map((s) => STATUS_FA[s]);
    expect(new Set(phrases).size).toBe(CASE_STATUSES.length);
    for (const c of CASE_CATEGORIES) expect(categoryFa(c)).toMatch(/[\u0600-\u06ff]/);
    expect(categoryFa('staff_complaint')).toBe('شکایت از کارکنان');
  });

  it('writes digits the Persian way and back', () => {
    expect(toPersianDigits('12345674')).toBe('۱۲۳۴۵۶۷۴');
    expect(toPersianDigits('منطقه 0')).toBe('منطقه ۰');
    expect(toAsciiDigits(toPersianDigits('0123456789'))).toBe('0123456789');
  });

  it('names districts', () => {
    expect(districtFa(7)).toBe('منطقه ۷');
    expect(districtFa(22)).toBe('منطقه ۲۲');
  });
});
