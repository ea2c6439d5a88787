/**
 * What free text from outside may contain. C0 controls (and DEL, and the C1 range) have no
 * place in a name, an address or a note: a NUL is refused by PostgreSQL (a 500 if it gets
 * that far), CR/LF split AMI and log lines, ESC rewrites a terminal. Bidi overrides and
 * isolates (U+202A–202E, U+2066–2069) make a text read differently from what it holds
 * (a number or a name shown reversed). A multi-line text (a description, a note) may
 * also hold tab, CR and LF: citizens write paragraphs, and an HTML form sends CRLF.
 */
const UNSAFE_IN_LINE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;
const UNSAFE_IN_BLOCK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

/** A one-line text: no control character at all, no bidi override. */
export function isSafeLine(value: string): boolean {
  return !UNSAFE_IN_LINE.test(value);
}

/** A multi-line text: tab, CR and LF allowed; other controls and bidi overrides not. */
export function isSafeBlock(value: string): boolean {
  return !UNSAFE_IN_BLOCK.test(value);
}

/** Text that did not come through the API (an e-mail): what isSafeBlock refuses, dropped. */
export function withoutUnsafeInBlock(value: string): string {
  return value.replace(new RegExp(UNSAFE_IN_BLOCK.source, 'gu'), '');
}

/** Likewise for one line (a sender's name): what isSafeLine refuses, dropped. */
export function withoutUnsafeInLine(value: string): string {
  return value.replace(new RegExp(UNSAFE_IN_LINE.source, 'gu'), '');
}
