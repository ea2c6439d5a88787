/**
 * Inbound SMS: what a citizen's text asks for, and the Persian replies. A text that is
 * only a tracking number (Persian or Latin digits, optionally after a word like
 * «پیگیری») asks for that case's status; any other text reports a problem.
 */
import { formatJalali } from '../calendar/jalali.js';
import type { CaseStatus } from '../cases/case.js';
import { isValidTrackingNumber } from '../cases/tracking-number.js';
import { STATUS_FA, toPersianDigits } from '../cases/wording.js';
import { toAsciiDigits } from '../phone.js';

export type SmsIntent =
  | { kind: 'status'; trackingNumber: string }
  /** Only digits, but not a tracking number: a typo, which must not become a case. */
  | { kind: 'bad-tracking-number'; digits: string }
  | { kind: 'report'; text: string }
  | { kind: 'empty' };

// Words people put before the number: «پیگیری ۱۲۳۴۵۶۷۴», «کد رهگیری: ...». ی/ك variants included.
const LEAD_WORDS = /^(?:(?:شماره|کد|كد)\s*)?(?:پیگیری|پيگيري|رهگیری|رهگيري)\s*[:：.-]?\s*/;
// Ignored when deciding what a text is; a report keeps them, as the ZWNJ is part of Persian spelling.
const INVISIBLE = /[\u200c\u200e\u200f\u202a-\u202e\ufeff]/g;

export function parseSmsText(raw: string): SmsIntent {
  const probe = raw.replace(INVISIBLE, ' ').trim();
  if (probe === '') return { kind: 'empty' };
  const rest = toAsciiDigits(probe).replace(LEAD_WORDS, '');
  const digits = rest.replace(/[\s\-_.#]/g, '');
  if (/^\d+$/.test(digits)) {
    return isValidTrackingNumber(digits) ? { kind: 'status', trackingNumber: digits } : { kind: 'bad-tracking-number', digits };
  }
  return { kind: 'report', text: raw.trim() };
}

const SIGNATURE = 'سامانه ۱۳۷ شهرداری تهران';

export function statusReply(c: { trackingNumber: string; status: CaseStatus; updatedAt: Date }): string {
  return (
    `وضعیت درخواست ${toPersianDigits(c.trackingNumber)}: ${STATUS_FA[c.status]}` +
    ` (آخرین تغییر ${formatJalali(c.updatedAt, 'date')}).\n${SIGNATURE}`
  );
}

export function createdReply(trackingNumber: string): string {
  return (
    `درخواست شما با کد رهگیری ${toPersianDigits(trackingNumber)} ثبت شد.` +
    ` برای پیگیری، همین کد را پیامک کنید یا با ۱۳۷ تماس بگیرید.\n${SIGNATURE}`
  );
}

export function notFoundReply(trackingNumber: string): string {
  return `درخواستی با کد رهگیری ${toPersianDigits(trackingNumber)} پیدا نشد.\n${SIGNATURE}`;
}

export function badTrackingNumberReply(digits: string): string {
  return (
    `${toPersianDigits(digits)} کد رهگیری درستی نیست؛ کد رهگیری ۸ رقم است.` +
    ` برای ثبت درخواست، مشکل و نشانی را در چند کلمه بنویسید.\n${SIGNATURE}`
  );
}

export const EMPTY_REPLY = `پیام شما خالی بود. مشکل و نشانی را بنویسید یا کد رهگیری ۸ رقمی را بفرستید.\n${SIGNATURE}`;
