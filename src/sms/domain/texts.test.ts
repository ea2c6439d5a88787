import { describe, expect, it } from 'vitest';
import { countSegments } from './segments.js';
import { closedText, createdText, dispatchedText, resolvedText, satisfactionText, satisfactionThanks } from './texts.js';

const TN = '1234567897';

describe('texts to citizens', () => {
  it('every fixed wording fits one Persian SMS (70 characters) with a 10-digit tracking number', () => {
    const texts = [
      createdText(TN),
      dispatchedText(TN, 22),
      resolvedText(TN, null, 2),
      closedText(TN),
      satisfactionText(TN, { accept: '31', object: '33' }),
      satisfactionThanks('accept', TN),
      satisfactionThanks('object', TN),
    ];
    for (const t of texts) expect({ t, ...countSegments(t) }).toMatchObject({ encoding: 'ucs2', segments: 1 });
  });

  it('carries the tracking number and the reply codes in Persian digits', () => {
    expect(createdText(TN)).toContain('۱۲۳۴۵۶۷۸۹۷');
    expect(dispatchedText(TN, 7)).toContain('منطقه ۷');
    expect(satisfactionText(TN, { accept: '31', object: '33' })).toMatch(/۳۱ بله، ۳۳ خیر$/);
  });

  it("shortens a long district note to the budget, keeping the tracking number", () => {
    const note = 'چراغ‌های خیابان ولیعصر از تقاطع طالقانی تا میدان ولیعصر تعویض شد و سیم‌کشی ترمیم گردید. '.repeat(5);
    const text = resolvedText(TN, note, 2);
    expect(countSegments(text).segments).toBe(2);
    expect(text).toContain('۱۲۳۴۵۶۷۸۹۷');
    expect(text.endsWith('…')).toBe(true);
    expect(resolvedText(TN, 'تعمیر شد', 2)).toBe('۱۳۷: درخواست ۱۲۳۴۵۶۷۸۹۷ رسیدگی شد: تعمیر شد');
  });
});
