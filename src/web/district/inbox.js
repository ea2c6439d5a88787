/**
 * Pure helpers of the district inbox: the SLA countdown, which cases count as open and
 * which status changes a district user may make. No DOM here, so node runs the unit
 * tests (inbox.test.ts) against the very file the browser loads.
 */
import { errorMessage, toPersianDigits } from '../agent/format.js';

/** Same list as OPEN_STATUSES in src/domain/cases/case.ts. */
export const OPEN_STATUSES = ['new', 'dispatched', 'acknowledged', 'in_progress', 'reopened'];

export function isOpenStatus(status) {
  return OPEN_STATUSES.includes(status);
}

/**
 * The buttons of a case, in the order the work goes: the district's edges of the
 * lifecycle (src/domain/cases/lifecycle.ts; a unit test keeps the two in step).
 */
export const DISTRICT_ACTIONS = [
  { status: 'acknowledged', label: 'تأیید دریافت', from: ['dispatched', 'reopened'] },
  { status: 'in_progress', label: 'در حال رسیدگی', from: ['acknowledged', 'reopened'] },
  { status: 'resolved', label: 'رفع شد', from: ['acknowledged', 'in_progress'], needsNote: true },
];

/** The statuses a district user may move a case in `status` to. */
export function allowedActions(status) {
  return DISTRICT_ACTIONS.filter((a) => a.from.includes(status)).map((a) => a.status);
}

const pad = (n) => String(n).padStart(2, '0');

/** Seconds → "h:mm:ss", or "N روز hh:mm:ss" from a day up (SLAs run to days). */
function spell(totalSeconds) {
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const clock = `${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}`;
  return toPersianDigits(days > 0 ? `${days} روز ${pad(hours)}:${clock}` : `${hours}:${clock}`);
}

/**
 * The time left until `dueAt` at `nowMs`, or the delay past it, in Persian digits.
 * `overdue` from the due time itself: the server's flag (set by the SLA sweep) may
 * lag behind by a sweep interval, and the page should not.
 */
export function formatCountdown(dueAt, nowMs) {
  const due = dueAt ? Date.parse(dueAt) : Number.NaN;
  if (Number.isNaN(due)) return { text: '—', overdue: false };
  if (nowMs < due) return { text: `${spell(Math.ceil((due - nowMs) / 1000))} مانده`, overdue: false };
  return { text: `${spell(Math.floor((nowMs - due) / 1000))} تأخیر`, overdue: true };
}

const INBOX_ERRORS = {
  HOTLINE_ERR_INVALID_TRANSITION: 'این تغییر وضعیت برای این پرونده ممکن نیست.',
  HOTLINE_ERR_CONFLICT: 'پرونده در این فاصله تغییر کرده است؛ فهرست تازه شد، دوباره بررسی کنید.',
};

/** A Persian sentence for an API error code, with the inbox's own cases first. */
export function inboxErrorMessage(code) {
  return (code && INBOX_ERRORS[code]) || errorMessage(code);
}
