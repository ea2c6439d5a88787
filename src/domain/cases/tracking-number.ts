/**
 * Case tracking numbers: 10 digits, 9 random + a Damm check digit (900 million values;
 * the first 8-digit form had 9 million, a few years of 137). Cases numbered before keep
 * their 8 digits and are still found and validated everywhere. Citizens read them over
 * the phone and key them in on DTMF; the Damm check catches every single mistyped digit
 * and every swap of two neighbours, so a slip gives "invalid" instead of a stranger's case.
 */

export const TRACKING_NUMBER_LENGTH = 10;
/** Length of the tracking numbers issued before the 10-digit form. */
export const LEGACY_TRACKING_NUMBER_LENGTH = 8;
/**
 * The shape HTTP schemas accept: digits of either length. Leading digit and check digit
 * are not checked there, so a well-formed but unknown number gets a 404, not a 400.
 */
export const TRACKING_NUMBER_PATTERN = '^[0-9]{8}(?:[0-9]{2})?$';

// The order-10 weakly totally anti-symmetric quasigroup from Damm's thesis (2004).
const DAMM: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

function dammInterim(digits: string): number {
  let interim = 0;
  for (const ch of digits) {
    const d = ch.charCodeAt(0) - 48;
    if (d < 0 || d > 9) throw new RangeError(`not a decimal digit: ${JSON.stringify(ch)}`);
    interim = DAMM[interim]![d]!;
  }
  return interim;
}

/** The digit that, appended to `digits`, makes the whole string pass the Damm check. */
export function dammCheckDigit(digits: string): string {
  return String(dammInterim(digits));
}

/** `random` must return values in [0, 1), like Math.random. */
export function generateTrackingNumber(random: () => number = Math.random): string {
  const digit = (from: number) => from + Math.min(9 - from, Math.floor(random() * (10 - from)));
  // Never a leading 0: it reads better aloud and no spreadsheet can drop it.
  let body = String(digit(1));
  for (let i = 1; i < TRACKING_NUMBER_LENGTH - 1; i++) body += String(digit(0));
  return body + dammCheckDigit(body);
}

/** A tracking number of either length (10, or the legacy 8) whose check digit holds. */
export function isValidTrackingNumber(s: string): boolean {
  return /^[1-9]\d{7}(?:\d{2})?$/.test(s) && dammInterim(s) === 0;
}
