/**
 * Which texts a case's creation or change sends, when they may go out (quiet hours), and
 * what a citizen's reply to the satisfaction question means. Pure: the clock is passed in.
 */
import type { Case, CaseChange } from '../../domain/cases/case.js';
import { addDays, tehranDate, tehranInstant, tehranParts } from '../../domain/calendar/tehran-time.js';
import { isMobile, toAsciiDigits } from '../../domain/phone.js';
import { closedText, createdText, dispatchedText, resolvedText, satisfactionText, type ReplyCodes } from './texts.js';

export const SMS_KINDS = ['created', 'dispatched', 'resolved', 'closed', 'satisfaction'] as const;
/** What can be switched off (SMS_KINDS); `reply` answers an inbound text forwarded by a gateway that does not relay our answer. */
export type SmsKind = (typeof SMS_KINDS)[number];
export const MESSAGE_KINDS = [...SMS_KINDS, 'reply'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Tehran wall-clock minutes since midnight; the window may cross midnight (22:00-07:00). */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

export interface SmsPolicy {
  kinds: ReadonlySet<SmsKind>;
  quietHours: QuietHours | null;
  /** Parts a text with a district's note may take (the fixed wordings take one). */
  maxSegments: number;
  replyCodes: ReplyCodes;
  /** The satisfaction question waits this long after closing (SURVEY_POLICY=call-first: the call goes first). */
  satisfactionDelayMs?: number;
}

/** Which asks first after a closure: the SMS question or the survey call; `both` at once. */
export const SURVEY_POLICIES = ['sms-first', 'call-first', 'both'] as const;
export type SurveyPolicy = (typeof SURVEY_POLICIES)[number];

export interface PlannedText {
  kind: SmsKind;
  /** With the case and the kind, the message's unique key: the same happening never texts twice. */
  occurrence: string;
  phone: string;
  body: string;
}

export type CaseHappening = { type: 'created'; case: Case } | { type: 'changed'; case: Case; change: CaseChange };

/**
 * The texts a happening sends. Only mobile numbers can receive a text; a case without a
 * number (anonymous or withheld caller ID) gets none. A case that came in by SMS already
 * got its tracking number in the webhook's reply, so it is not texted again.
 */
export function plannedTexts(h: CaseHappening, policy: SmsPolicy): PlannedText[] {
  const c = h.case;
  const phone = c.callerPhone;
  if (phone === null || !isMobile(phone)) return [];
  const out: PlannedText[] = [];
  const add = (kind: SmsKind, occurrence: string, body: string) => {
    if (policy.kinds.has(kind)) out.push({ kind, occurrence, phone, body });
  };
  if (h.type === 'created') {
    if (c.channel !== 'sms') add('created', '1', createdText(c.trackingNumber));
    return out;
  }
  const { change } = h;
  const at = String(c.updatedAt.getTime());
  if (change.to === 'dispatched' && c.district !== null) add('dispatched', String(c.district), dispatchedText(c.trackingNumber, c.district));
  if (change.to === 'resolved') add('resolved', at, resolvedText(c.trackingNumber, change.note ?? null, policy.maxSegments));
  if (change.to === 'closed') {
    if (policy.kinds.has('satisfaction')) add('satisfaction', at, satisfactionText(c.trackingNumber, policy.replyCodes));
    else add('closed', at, closedText(c.trackingNumber));
  }
  return out;
}

/** "22:00-07:00" → minutes; "off" or empty → null (no quiet hours). */
export function parseQuietHours(spec: string | undefined): QuietHours | null {
  const s = spec?.trim() ?? '';
  if (s === '' || s === 'off') return null;
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) throw new Error(`quiet hours must look like 22:00-07:00 or off: ${s}`);
  const [h1, m1, h2, m2] = m.slice(1).map(Number) as [number, number, number, number];
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) throw new Error(`quiet hours out of range: ${s}`);
  const startMinute = h1 * 60 + m1;
  const endMinute = h2 * 60 + m2;
  if (startMinute === endMinute) throw new Error(`quiet hours start and end at the same time: ${s}`);
  return { startMinute, endMinute };
}

/** When a text due at `at` may go out: `at` itself, or the end of the quiet hours it falls in (Tehran). */
export function sendTime(at: Date, quiet: QuietHours | null): Date {
  if (quiet === null) return at;
  const p = tehranParts(at);
  const minute = p.hour * 60 + p.minute;
  const { startMinute: start, endMinute: end } = quiet;
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return at;
  const today = tehranDate(at);
  const endDay = crossesMidnight && minute >= start ? addDays(today, 1) : today;
  return tehranInstant(endDay, Math.floor(end / 60), end % 60);
}

export type SatisfactionVerdict = 'accept' | 'object';

const ACCEPT_WORDS = ['بله', 'بلی', 'آره', 'راضی', 'راضیم', 'yes'];
const OBJECT_WORDS = ['خیر', 'نه', 'ناراضی', 'ناراضیم', 'no'];

/**
 * A reply to the satisfaction question: the configured codes in Persian, Arabic-Indic or
 * Latin digits, or a yes/no word («بله» / «خیر»), alone in the text (spaces and
 * punctuation around it ignored). Anything else is not an answer (null), so a new report
 * that happens to start with «نه» is not taken for one.
 */
export function parseSatisfactionReply(text: string, codes: ReplyCodes): SatisfactionVerdict | null {
  const t = toAsciiDigits(text)
    .replace(/[\u200c\u200e\u200f\u202a-\u202e\ufeff]/g, '')
    .replace(/[يى]/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/[\s.,!؟?،:;«»"'()-]+/g, ' ')
    .trim()
    .toLowerCase();
  if (t === codes.accept || ACCEPT_WORDS.includes(t)) return 'accept';
  if (t === codes.object || OBJECT_WORDS.includes(t)) return 'object';
  return null;
}

export function parseReplyCodes(accept: string | undefined, object: string | undefined): ReplyCodes {
  const a = toAsciiDigits(accept?.trim() || '31');
  const o = toAsciiDigits(object?.trim() || '33');
  if (!/^\d{1,6}$/.test(a) || !/^\d{1,6}$/.test(o)) throw new Error(`reply codes must be 1-6 digits: ${a}, ${o}`);
  if (a === o) throw new Error(`the accept and object reply codes must differ: ${a}`);
  return { accept: a, object: o };
}

export function parseKinds(spec: string | undefined): Set<SmsKind> {
  const s = spec?.trim();
  if (s === undefined || s === '' || s === 'all') return new Set(SMS_KINDS);
  if (s === 'none') return new Set();
  const kinds = s.split(',').map((k) => k.trim());
  const bad = kinds.find((k) => !(SMS_KINDS as readonly string[]).includes(k));
  if (bad !== undefined) throw new Error(`unknown SMS kind ${bad}; known: ${SMS_KINDS.join(', ')}`);
  return new Set(kinds as SmsKind[]);
}
