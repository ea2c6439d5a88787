import { describe, expect, it } from 'vitest';
import { dammCheckDigit, generateTrackingNumber } from '../cases/tracking-number.js';
import { toPersianDigits } from '../cases/wording.js';
import {
  EMPTY_REPLY,
  badTrackingNumberReply,
  createdReply,
  notFoundReply,
  parseSmsText,
  statusReply,
} from './sms.js';

const VALID = `1234567${dammCheckDigit('1234567')}`;
const INVALID = `1234567${(Number(dammCheckDigit('1234567')) + 1) % 10}`;

describe('parseSmsText', () => {
  it.each<[string, string]>([
    ['Latin digits', VALID],
    ['Persian digits', toPersianDigits(VALID)],
    ['Arabic-Indic digits', VALID.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)))],
    ['spaces and dashes', `${VALID.slice(0, 4)} - ${VALID.slice(4)}`],
    ['surrounding whitespace and bidi marks', `\u200f  ${VALID}\n`],
    ['a leading «پیگیری»', `پیگیری ${toPersianDigits(VALID)}`],
    ['«کد رهگیری:»', `کد رهگیری: ${VALID}`],
    ['«شماره پیگیری»', `شماره پیگیری ${VALID}`],
  ])('reads a tracking number written with %s', (_label, text) => {
    expect(parseSmsText(text)).toEqual({ kind: 'status', trackingNumber: VALID });
  });

  it('recognises any generated tracking number', () => {
    for (let i = 0; i < 50; i++) {
      const n = generateTrackingNumber();
      expect(parseSmsText(toPersianDigits(n))).toEqual({ kind: 'status', trackingNumber: n });
    }
  });

  it('treats digits that fail the check as a mistyped number, not a report', () => {
    expect(parseSmsText(INVALID)).toEqual({ kind: 'bad-tracking-number', digits: INVALID });
    expect(parseSmsText('۱۲۳۴')).toEqual({ kind: 'bad-tracking-number', digits: '1234' });
    expect(parseSmsText(`0${VALID.slice(1)}`).kind).toBe('bad-tracking-number');
  });

  it('takes any other text as a report, kept as written', () => {
    const text = 'چراغ کوچه ۱۲ خیابان شریعتی خاموش است';
    expect(parseSmsText(`  ${text} `)).toEqual({ kind: 'report', text });
    expect(parseSmsText(`${VALID} چاله در خیابان`)).toEqual({ kind: 'report', text: `${VALID} چاله در خیابان` });
    expect(parseSmsText('پیگیری')).toEqual({ kind: 'report', text: 'پیگیری' });
    // The zero-width non-joiner is Persian spelling, not noise.
    expect(parseSmsText('آب\u200cگرفتگی')).toEqual({ kind: 'report', text: 'آب\u200cگرفتگی' });
  });

  it('sees an empty or blank text as empty', () => {
    expect(parseSmsText('')).toEqual({ kind: 'empty' });
    expect(parseSmsText(' \n\u200c ')).toEqual({ kind: 'empty' });
  });
});

describe('replies', () => {
  it('state the status in Persian with Persian digits', () => {
    const reply = statusReply({ trackingNumber: VALID, status: 'in_progress', updatedAt: new Date('2025-01-04T10:00:00Z') });
    expect(reply).toContain(toPersianDigits(VALID));
    expect(reply).toContain('در حال رسیدگی');
    expect(reply).toContain('۱۴۰۳'); // the Jalali year of 2025-01-04
    expect(reply).not.toMatch(/[0-9]/);
  });

  it('give the tracking number of a new case', () => {
    expect(createdReply(VALID)).toContain(toPersianDigits(VALID));
    expect(notFoundReply(VALID)).toContain(toPersianDigits(VALID));
    expect(badTrackingNumberReply('1234')).toContain('۱۲۳۴');
    expect(EMPTY_REPLY).toMatch(/خالی/);
  });
});
