/**
 * Turns digit strings and statuses into lists of prompt ids from sounds/fa/manifest.json.
 * Numbers and dates said as words are persian-numbers.ts's.
 */
import type { CaseStatus } from '../cases/case.js';

const PERSIAN_ZERO = 0x06f0;
const ARABIC_INDIC_ZERO = 0x0660;

function digitValue(ch: string): number | null {
  const code = ch.codePointAt(0) ?? -1;
  if (ch >= '0' && ch <= '9') return code - 48;
  // A number typed on a Persian keyboard (e.g. into the agent desktop) uses these digits.
  if (code >= PERSIAN_ZERO && code <= PERSIAN_ZERO + 9) return code - PERSIAN_ZERO;
  if (code >= ARABIC_INDIC_ZERO && code <= ARABIC_INDIC_ZERO + 9) return code - ARABIC_INDIC_ZERO;
  return null;
}

/**
 * '0912' → ['digit-0', 'digit-9', 'digit-1', 'digit-2']. Anything that is not a digit is
 * skipped rather than thrown on: a malformed tracking number must not crash a live call.
 */
export function sayDigits(text: string): string[] {
  const ids: string[] = [];
  for (const ch of text) {
    const d = digitValue(ch);
    if (d !== null) ids.push(`digit-${d}`);
  }
  return ids;
}

/** 'in_progress' → 'status-in-progress' (prompt ids are kebab-case). */
export function statusPrompt(status: CaseStatus): string {
  return `status-${status.replaceAll('_', '-')}`;
}
