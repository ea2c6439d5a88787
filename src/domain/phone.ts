/**
 * Callers' numbers in one canonical form: Iranian national format with the trunk 0
 * (`09121234567`, `02188776655`). Repeat-caller lookups and case search compare these.
 */

const PERSIAN_ZERO = 0x06f0; // ۰
const ARABIC_INDIC_ZERO = 0x0660; // ٠

/** Persian (۰-۹) and Arabic-Indic (٠-٩) digits to ASCII; other characters unchanged. */
export function toAsciiDigits(s: string): string {
  return s.replace(/[\u06f0-\u06f9\u0660-\u0669]/g, (ch) => {
    const cp = ch.charCodeAt(0);
    return String(cp >= PERSIAN_ZERO ? cp - PERSIAN_ZERO : cp - ARABIC_INDIC_ZERO);
  });
}

// Visual separators people and carriers put into numbers (incl. NBSP and bidi marks).
const SEPARATORS = /[\s\-.()\u00a0\u200c\u200e\u200f\u202a-\u202e]/g;

/** A national significant number: 10 digits, not starting with 0 (area code or 9xx mobile prefix). */
const NSN = /^[1-9]\d{9}$/;

/**
 * 137 is Tehran's line, and a Tehran landline calling locally presents only its
 * 8-digit subscriber number; without the area code it would never match the same
 * caller seen in national form.
 */
const TEHRAN_LOCAL = /^[2-9]\d{7}$/;

/**
 * Normalises a caller ID or typed number to `0XXXXXXXXXX` (11 digits).
 * Returns null for anything that is not an Iranian number: anonymous/unknown caller
 * IDs, extensions, short codes, foreign numbers, garbage.
 */
export function normalizePhone(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  let s = toAsciiDigits(raw).replace(SEPARATORS, '');
  if (s.startsWith('+')) {
    if (!s.startsWith('+98')) return null;
    s = s.slice(3);
  } else if (s.startsWith('0098')) {
    s = s.slice(4);
  } else if (s.length === 12 && s.startsWith('98')) {
    s = s.slice(2);
  } else if (TEHRAN_LOCAL.test(s)) {
    s = `21${s}`;
  }
  // The trunk 0, also when written after the country code ("+98 (0)912…").
  if (s.length === 11 && s.startsWith('0')) s = s.slice(1);
  return NSN.test(s) ? `0${s}` : null;
}

export function isMobile(phone: string): boolean {
  return /^09\d{9}$/.test(phone);
}

/**
 * Masks a number for logs: `09121234567` → `0912***4567`. Long numbers keep the first
 * and last four; shorter ones (extensions, partial input) keep only the last two, so a
 * log line never carries enough to call someone back.
 */
export function maskPhone(phone: string): string;
export function maskPhone(phone: string | null | undefined): string | null;
export function maskPhone(phone: string | null | undefined): string | null {
  if (phone == null) return null;
  const n = phone.length;
  if (n >= 11) return `${phone.slice(0, 4)}${'*'.repeat(n - 8)}${phone.slice(-4)}`;
  if (n > 2) return `${'*'.repeat(n - 2)}${phone.slice(-2)}`;
  return '*'.repeat(n);
}
