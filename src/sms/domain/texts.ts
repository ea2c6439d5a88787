/**
 * What the hotline texts the citizen, in Persian, within the SMS budget: a Persian text
 * is UCS-2, 70 characters in one SMS. The fixed wordings fit in one; a resolution with
 * the district's note may take `maxSegments` parts, the note shortened to fit.
 */
import { districtFa, toPersianDigits } from '../../domain/cases/wording.js';
import { fitText } from './segments.js';

export interface ReplyCodes {
  accept: string;
  object: string;
}

const fa = toPersianDigits;

export function createdText(trackingNumber: string): string {
  return `۱۳۷: درخواست شما با کد رهگیری ${fa(trackingNumber)} ثبت شد. پیگیری: پیامک همین کد`;
}

export function dispatchedText(trackingNumber: string, district: number): string {
  return `۱۳۷: درخواست ${fa(trackingNumber)} به شهرداری ${districtFa(district)} ارجاع شد.`;
}

export function resolvedText(trackingNumber: string, note: string | null, maxSegments: number): string {
  const head = `۱۳۷: درخواست ${fa(trackingNumber)} رسیدگی شد`;
  if (!note?.trim()) return `${head}.`;
  return fitText({ head: `${head}: `, body: note }, maxSegments);
}

export function closedText(trackingNumber: string): string {
  return `۱۳۷: درخواست ${fa(trackingNumber)} بسته شد. از همراهی شما سپاسگزاریم.`;
}

/** Sent instead of the closure text when both are on: one SMS says both. */
export function satisfactionText(trackingNumber: string, codes: ReplyCodes): string {
  return `۱۳۷: درخواست ${fa(trackingNumber)} بسته شد. راضی هستید؟ ${fa(codes.accept)} بله، ${fa(codes.object)} خیر`;
}

export function satisfactionThanks(verdict: 'accept' | 'object', trackingNumber: string): string {
  return verdict === 'accept'
    ? `۱۳۷: از پاسخ شما سپاسگزاریم. درخواست ${fa(trackingNumber)} بسته ماند.`
    : `۱۳۷: درخواست ${fa(trackingNumber)} دوباره بررسی می‌شود. سپاسگزاریم.`;
}
