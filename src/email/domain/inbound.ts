/**
 * What the e-mail intake decides about a message before anything is stored: whether a
 * machine sent it (auto-replies and bounces are never cases: answering them loops), which
 * earlier messages it answers, and what we write back. Pure: no IMAP, SMTP or database.
 */
import { isValidTrackingNumber } from '../../domain/cases/tracking-number.js';
import { withoutUnsafeInBlock } from '../../domain/text.js';

/** The headers that tell a machine's message from a person's, as read from the message. */
export interface MessageHeaders {
  autoSubmitted?: string | null;
  /** X-Autoreply / X-Autorespond present (any value). */
  autoreplyHeader?: boolean;
  precedence?: string | null;
  /** The top-level Content-Type with its parameters (a bounce is multipart/report). */
  contentType?: string | null;
  fromAddress?: string | null;
  /** `<>`: the null sender of every delivery report. */
  returnPath?: string | null;
}

export type MessageKind = 'person' | 'auto-reply' | 'bounce';

const BOUNCE_SENDERS = /^(mailer-daemon|postmaster)@/i;

/** RFC 3834 and the de-facto headers of vacation responders; RFC 3464 for bounces. */
export function classifyMessage(h: MessageHeaders): MessageKind {
  const contentType = h.contentType?.toLowerCase() ?? '';
  if (contentType.startsWith('multipart/report') && /report-type="?delivery-status/.test(contentType)) return 'bounce';
  if (h.fromAddress && BOUNCE_SENDERS.test(h.fromAddress.trim())) return 'bounce';
  if (h.returnPath !== undefined && h.returnPath !== null && h.returnPath.trim() === '<>') return 'bounce';
  const auto = h.autoSubmitted?.trim().toLowerCase();
  if (auto && auto !== 'no') return 'auto-reply';
  if (h.autoreplyHeader) return 'auto-reply';
  const precedence = h.precedence?.trim().toLowerCase();
  if (precedence === 'bulk' || precedence === 'auto_reply' || precedence === 'junk' || precedence === 'list') return 'auto-reply';
  return 'person';
}

/** `ma***@example.ir`: enough to tell addresses apart in a log or a district's view. */
export function maskEmail(address: string | null): string | null {
  if (!address) return null;
  const at = address.lastIndexOf('@');
  return at < 0 ? '***' : `${address.slice(0, Math.min(2, at))}***${address.slice(at)}`;
}

const PERSIAN_DIGITS = /[۰-۹٠-٩]/g;

export function latinDigits(s: string): string {
  return s.replace(PERSIAN_DIGITS, (d) => String((d.charCodeAt(0) - (d >= '۰' ? 0x06f0 : 0x0660)) % 10));
}

/**
 * A tracking number written in a subject that speaks of one (ours: «کد رهگیری ۱۲۳…»;
 * «رهگیری», «پیگیری», «tracking» or «#»), Persian or Latin digits. Without such a word a 10-digit
 * number is more likely a postal code or a phone number than a case.
 */
export function trackingNumberInSubject(subject: string | null | undefined): string | null {
  if (!subject || !/رهگیری|پیگیری|tracking|#/i.test(subject)) return null;
  for (const match of latinDigits(subject).matchAll(/(?<!\d)(\d{10}|\d{8})(?!\d)/g)) {
    if (isValidTrackingNumber(match[1]!)) return match[1]!;
  }
  return null;
}

/** `<a@b>` → `a@b`: Message-IDs are stored without their brackets, as mailparser gives them. */
export function bareMessageId(id: string): string {
  return id.trim().replace(/^<|>$/g, '');
}

/** The Message-IDs a message answers, nearest first (In-Reply-To, then References from the end). */
export function referencedIds(inReplyTo: string | null | undefined, references: string | string[] | null | undefined): string[] {
  const refs = (Array.isArray(references) ? references : (references ?? '').split(/\s+/)).filter(Boolean).reverse();
  const all = [...(inReplyTo ? inReplyTo.split(/\s+/) : []), ...refs].map(bareMessageId).filter(Boolean);
  return [...new Set(all)];
}

/** What a case keeps of the message's text: subject and body, blank runs squeezed, capped. */
export function caseDescription(subject: string | null | undefined, text: string | null | undefined, maxLength = 4000): string {
  // A NUL would fail the insert for good (and the message with it); bidi overrides disguise text.
  const body = withoutUnsafeInBlock(text ?? '').replace(/\r\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  const parts = [withoutUnsafeInBlock(subject ?? '').trim(), body].filter((p): p is string => Boolean(p));
  const joined = parts.join('\n\n') || '(ایمیل بدون متن)';
  return joined.length > maxLength ? `${joined.slice(0, maxLength - 1)}…` : joined;
}

/** A reply's new text without the quoted earlier message (lines starting with ">", and what follows "On … wrote:"). */
export function withoutQuote(text: string | null | undefined): string {
  const lines = withoutUnsafeInBlock(text ?? '').replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (/^\s*(On .+ wrote:|.+ نوشت:)\s*$/.test(line)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

const persianNumber = (s: string) => s.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);

export interface ReplyText {
  subject: string;
  text: string;
}

/**
 * Our answer in Persian. The tracking number goes in the subject too (Latin digits as
 * well, so a mail client's reply that lost its headers still finds the case).
 */
export function replyFor(kind: 'created' | 'added', trackingNumber: string, originalSubject: string | null | undefined): ReplyText {
  const subject = `کد رهگیری ${persianNumber(trackingNumber)} (${trackingNumber}) - سامانه ۱۳۷ شهرداری تهران`;
  const about = originalSubject?.trim() ? `«${originalSubject.trim().slice(0, 200)}»` : 'شما';
  const text =
    kind === 'created'
      ? [
          'شهروند گرامی، سلام.',
          `پیام ${about} دریافت و با کد رهگیری ${persianNumber(trackingNumber)} ثبت شد.`,
          'برای پیگیری، با ۱۳۷ تماس بگیرید و این کد را وارد کنید، یا به همین ایمیل پاسخ دهید.',
          'سامانه ارتباط مردم و شهرداری تهران (۱۳۷)',
        ].join('\n')
      : [
          'شهروند گرامی، سلام.',
          `پیام شما به پرونده با کد رهگیری ${persianNumber(trackingNumber)} افزوده شد.`,
          'سامانه ارتباط مردم و شهرداری تهران (۱۳۷)',
        ].join('\n');
  return { subject, text };
}
