/**
 * How many SMS parts a text costs. Carriers send a text in GSM-7 when every character is
 * in the GSM 03.38 alphabet (160 septets alone, 153 per part when concatenated; the
 * extension table's characters take two), otherwise in UCS-2: 70 UTF-16 units alone, 67
 * per part. Persian is always UCS-2, so a Persian text has 70 characters per SMS, and one
 * character over that makes two parts of 67.
 */

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export const LIMITS = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

export function encodingOf(text: string): SmsEncoding {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENDED.has(ch)) return 'ucs2';
  return 'gsm7';
}

function unitsOf(text: string, encoding: SmsEncoding): number {
  if (encoding === 'ucs2') return text.length;
  let n = 0;
  for (const ch of text) n += EXTENDED.has(ch) ? 2 : 1;
  return n;
}

export function countSegments(text: string): SegmentCount {
  const encoding = encodingOf(text);
  const units = unitsOf(text, encoding);
  const { single, part } = LIMITS[encoding];
  const segments = units === 0 ? 1 : units <= single ? 1 : Math.ceil(units / part);
  return { encoding, units, segments };
}

/** The most units a text of `encoding` may have to fit in `segments` parts. */
export function capacity(encoding: SmsEncoding, segments: number): number {
  const { single, part } = LIMITS[encoding];
  return segments <= 1 ? single : part * segments;
}

const ELLIPSIS = '…';

/**
 * A text made of a fixed head and tail around a body that may be shortened (a district's
 * note): the body is cut at a word boundary, with an ellipsis, so the whole fits in
 * `maxSegments`. Head and tail (tracking number, reply codes) are never cut; if they alone
 * do not fit, the body goes and the result may still exceed the budget (it is the caller's
 * wording that is too long, and a unit test of the wording catches it).
 */
export function fitText(parts: { head: string; body?: string; tail?: string }, maxSegments: number): string {
  const head = parts.head;
  const tail = parts.tail ?? '';
  const body = (parts.body ?? '').replace(/\s+/g, ' ').trim();
  const whole = head + body + tail;
  if (countSegments(whole).segments <= maxSegments) return whole;
  // Cutting may turn a UCS-2 text into GSM-7 only by removing its non-GSM characters; the
  // budget of the encoding of the whole is the safe one (it is never larger).
  const encoding = encodingOf(whole);
  const room = capacity(encoding, maxSegments) - unitsOf(head + tail, encoding) - unitsOf(ELLIPSIS, encoding);
  if (room <= 0) return head + tail;
  let cut = body;
  // Code points, not code units: never split a surrogate pair.
  const chars = [...cut];
  while (chars.length > 0 && unitsOf(chars.join(''), encoding) > room) chars.pop();
  cut = chars.join('');
  const space = cut.lastIndexOf(' ');
  if (space > cut.length / 2) cut = cut.slice(0, space);
  cut = cut.trimEnd();
  return cut === '' ? head + tail : head + cut + ELLIPSIS + tail;
}

/**
 * Splits a text into parts that each go as one single SMS (for a gateway that does not
 * concatenate): at word boundaries where possible, never inside a surrogate pair.
 */
export function splitText(text: string): string[] {
  if (countSegments(text).segments === 1) return [text];
  const encoding = encodingOf(text);
  const max = LIMITS[encoding].single;
  const out: string[] = [];
  let rest = [...text];
  while (rest.length > 0) {
    let take = 0;
    let units = 0;
    while (take < rest.length) {
      const u = unitsOf(rest[take] as string, encoding);
      if (units + u > max) break;
      units += u;
      take += 1;
    }
    if (take < rest.length) {
      const chunk = rest.slice(0, take);
      const space = chunk.lastIndexOf(' ');
      if (space > take / 2) take = space + 1;
    }
    out.push(rest.slice(0, take).join('').trim());
    rest = rest.slice(take);
  }
  return out.filter((p) => p !== '');
}
