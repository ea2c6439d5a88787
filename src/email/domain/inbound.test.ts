import { describe, expect, it } from 'vitest';
import { generateTrackingNumber } from '../../domain/cases/tracking-number.js';
import { caseDescription, classifyMessage, latinDigits, maskEmail, referencedIds, replyFor, trackingNumberInSubject, withoutQuote } from './inbound.js';

describe('classifyMessage', () => {
  it.each([
    [{}, 'person'],
    [{ autoSubmitted: 'no' }, 'person'],
    [{ autoSubmitted: 'auto-replied' }, 'auto-reply'],
    [{ autoSubmitted: 'auto-generated' }, 'auto-reply'],
    [{ autoreplyHeader: true }, 'auto-reply'],
    [{ precedence: 'bulk' }, 'auto-reply'],
    [{ precedence: 'auto_reply' }, 'auto-reply'],
    [{ precedence: 'first-class' }, 'person'],
    [{ contentType: 'multipart/report; report-type=delivery-status; boundary="x"' }, 'bounce'],
    [{ contentType: 'multipart/report; report-type=disposition-notification' }, 'person'],
    [{ fromAddress: 'MAILER-DAEMON@mx.example' }, 'bounce'],
    [{ fromAddress: 'postmaster@mx.example' }, 'bounce'],
    [{ returnPath: '<>' }, 'bounce'],
    [{ returnPath: '<citizen@example.ir>' }, 'person'],
  ] as const)('%j is a %s', (headers, kind) => {
    expect(classifyMessage(headers)).toBe(kind);
  });
});

describe('threads', () => {
  const tn = generateTrackingNumber(() => 0.42);

  it('finds a valid tracking number in a subject, Persian or Latin digits', () => {
    expect(trackingNumberInSubject(`Re: کد پیگیری ${tn}`)).toBe(tn);
    expect(trackingNumberInSubject(`Re: کد رهگیری ${tn}`)).toBe(tn);
    const persian = tn.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
    expect(trackingNumberInSubject(`پاسخ: پیگیری ${persian}`)).toBe(tn);
    expect(latinDigits(persian)).toBe(tn);
  });

  it('ignores digit runs that are no tracking number', () => {
    const wrongCheck = tn.slice(0, -1) + String((Number(tn.at(-1)) + 1) % 10);
    expect(trackingNumberInSubject(`Re: ${wrongCheck}`)).toBeNull();
    expect(trackingNumberInSubject(`phone 09121234567`)).toBeNull();
    // A valid number in a subject that does not speak of tracking (a postal code).
    expect(trackingNumberInSubject(`کد پستی ${tn}`)).toBeNull();
    expect(trackingNumberInSubject(`Re: #${tn}`)).toBe(tn);
    expect(trackingNumberInSubject(undefined)).toBeNull();
  });

  it('lists the referenced ids nearest first, without brackets or repeats', () => {
    expect(referencedIds('<c@x>', '<a@x> <b@x> <c@x>')).toEqual(['c@x', 'b@x', 'a@x']);
    expect(referencedIds(null, ['<a@x>', '<b@x>'])).toEqual(['b@x', 'a@x']);
    expect(referencedIds(undefined, undefined)).toEqual([]);
  });
});

describe('maskEmail', () => {
  it('keeps two letters and the domain', () => {
    expect(maskEmail('maryam@example.ir')).toBe('ma***@example.ir');
    expect(maskEmail('a@b.ir')).toBe('a***@b.ir');
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail(null)).toBeNull();
  });
});

describe('texts', () => {
  it('keeps subject and body, capped', () => {
    expect(caseDescription('چاله', 'خیابان آزادی\r\n\r\n\r\n\r\nپلاک ۳')).toBe('چاله\n\nخیابان آزادی\n\nپلاک ۳');
    expect(caseDescription(null, null)).toBe('(ایمیل بدون متن)');
    expect(caseDescription('x'.repeat(50), null, 10)).toHaveLength(10);
  });

  it('drops what the API would refuse: NUL and other controls, bidi overrides', () => {
    expect(caseDescription('a\u0000b', 'c\u202Ed\te')).toBe('ab\n\ncd\te');
    expect(withoutQuote('x\u0007y')).toBe('xy');
  });

  it('drops the quoted part of a reply', () => {
    expect(withoutQuote('هنوز درست نشده\n\nOn Mon, 1 Dec 2026 137 wrote:\n> کد پیگیری')).toBe('هنوز درست نشده');
    expect(withoutQuote('> old\nnew')).toBe('new');
  });

  it('answers in Persian with the tracking number, which a reply to it is matched by', () => {
    const tn = generateTrackingNumber(() => 0.7);
    const persian = tn.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
    const reply = replyFor('created', tn, 'چاله');
    expect(reply.subject).toContain(persian);
    expect(trackingNumberInSubject(`Re: ${reply.subject}`)).toBe(tn);
    expect(reply.text).toContain(`کد رهگیری ${persian}`);
    expect(replyFor('added', '1234567890', null).text).toContain('افزوده شد');
  });
});
