/**
 * Pure formatting for the agent desktop: Persian digits, durations, Jalali dates and
 * the Persian labels of states, reasons, statuses and categories. No DOM here, so
 * node runs the unit tests (format.test.ts) against the very file the browser loads.
 */

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const TEHRAN = 'Asia/Tehran';

/** Every ASCII digit in `value` as a Persian digit; everything else unchanged. */
export function toPersianDigits(value) {
  return String(value).replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)]);
}

/** Persian (۰-۹) and Arabic-Indic (٠-٩) digits as ASCII, so typed numbers reach the API in ISO form. */
export function toLatinDigits(value) {
  return String(value)
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}

/** A tracking number as typed (any digits, spaces or dashes) → 10 ASCII digits (8 for an old one), or null. */
export function normalizeTrackingNumber(input) {
  const digits = toLatinDigits(input).replace(/[\s-]/g, '');
  return /^[0-9]{8}(?:[0-9]{2})?$/.test(digits) ? digits : null;
}

/** Seconds → "m:ss" or "h:mm:ss" in Persian digits (negative counts as zero). */
export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(Number(totalSeconds) || 0));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const pad = (n) => String(n).padStart(2, '0');
  const text = hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
  return toPersianDigits(text);
}

/** Whole seconds from an ISO instant to `nowMs`; never negative (the clocks may differ a little). */
export function secondsSince(iso, nowMs) {
  const start = Date.parse(iso);
  if (Number.isNaN(start)) return 0;
  return Math.max(0, Math.floor((nowMs - start) / 1000));
}

/** Whole seconds from `nowMs` until an ISO instant; zero once it has passed. */
export function secondsUntil(iso, nowMs) {
  const end = Date.parse(iso);
  if (Number.isNaN(end)) return 0;
  return Math.max(0, Math.ceil((end - nowMs) / 1000));
}

const dateTimeFormat = new Intl.DateTimeFormat('fa-IR-u-ca-persian', {
  timeZone: TEHRAN,
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An ISO instant as a Jalali date and Tehran time with Persian digits; '—' when missing or invalid. */
export function formatDateTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return toPersianDigits(dateTimeFormat.format(date));
}

export const STATE_LABELS = {
  logged_out: 'خارج از سامانه',
  available: 'آماده',
  ringing: 'در حال زنگ',
  on_call: 'در مکالمه',
  wrap_up: 'پس از تماس',
  paused: 'مکث',
};

export const PAUSE_REASON_LABELS = {
  break: 'استراحت',
  lunch: 'ناهار',
  training: 'آموزش',
  meeting: 'جلسه',
  after_call_work: 'کار پس از تماس',
  missed: 'تماس بی‌پاسخ',
  wrapup: 'پس از تماس',
};

/** The reasons an agent may pick (the engine alone pauses for `missed` and `wrapup`). */
export const USER_PAUSE_REASONS = ['break', 'lunch', 'training', 'meeting', 'after_call_work'];

export const CASE_STATUS_LABELS = {
  new: 'جدید',
  dispatched: 'ارجاع‌شده',
  acknowledged: 'دریافت‌شده',
  in_progress: 'در حال رسیدگی',
  resolved: 'رسیدگی‌شده',
  closed: 'بسته‌شده',
  rejected: 'ردشده',
  duplicate: 'تکراری',
  reopened: 'بازگشایی‌شده',
};

export const CALL_OUTCOME_LABELS = {
  in_ivr: 'در منوی تلفنی',
  queued: 'در صف',
  voicebox: 'پیام صوتی',
  followup: 'پیگیری',
  hangup: 'قطع تماس',
  fallback_queued: 'در صف (حالت اضطراری)',
  fallback_voicebox: 'پیام صوتی (حالت اضطراری)',
  callback: 'درخواست تماس',
  failed: 'ناموفق',
};

/** Same ids and names as CATEGORIES in src/domain/cases/case.ts, plus staff complaints. */
export const CATEGORY_OPTIONS = [
  { id: 'cleaning_waste', fa: 'نظافت و پسماند' },
  { id: 'streets_lighting', fa: 'معابر، آسفالت و روشنایی' },
  { id: 'parks_trees', fa: 'پارک‌ها و فضای سبز' },
  { id: 'building_violations', fa: 'تخلفات ساختمانی' },
  { id: 'traffic_transport', fa: 'ترافیک و حمل و نقل' },
  { id: 'other', fa: 'سایر موارد' },
  { id: 'staff_complaint', fa: 'شکایت از کارکنان' },
];

const QUEUE_LABELS = { general: 'عمومی', complaints: 'شکایات' };

export const DISTRICT_COUNT = 22;

function labelOf(labels, key) {
  if (key === null || key === undefined || key === '') return '—';
  return Object.hasOwn(labels, key) ? labels[key] : String(key);
}

export const stateLabel = (state) => labelOf(STATE_LABELS, state);

/** What the desk says an agent is: never «آماده» while the phone cannot ring (not registered). */
export function deskStateLabel(agent) {
  if (agent.phoneReachable === false && agent.state !== 'logged_out') return 'در دسترس نیست (تلفن وصل نیست)';
  return stateLabel(agent.state);
}

/** Said under the state while the phone is not registered: why no call comes, and what to do. */
export const PHONE_UNREACHABLE_NOTICE =
  'تلفن شما در سامانه ثبت نشده است و تماسی به شما نمی‌رسد. تلفن یا نرم‌افزار تلفن را روشن و به شبکه وصل کنید؛ اگر درست نشد به سرپرست خبر دهید.';
export const pauseReasonLabel = (reason) => labelOf(PAUSE_REASON_LABELS, reason);
export const caseStatusLabel = (status) => labelOf(CASE_STATUS_LABELS, status);
export const callOutcomeLabel = (outcome) => labelOf(CALL_OUTCOME_LABELS, outcome);

export function categoryLabel(id) {
  if (!id) return '—';
  return CATEGORY_OPTIONS.find((c) => c.id === id)?.fa ?? String(id);
}

/** Queues are named after categories, except the general line and complaints. */
export function queueLabel(queue) {
  if (!queue) return '—';
  return QUEUE_LABELS[queue] ?? categoryLabel(queue);
}

export function districtLabel(district) {
  return Number.isInteger(district) ? `منطقه ${toPersianDigits(district)}` : '—';
}

/** A phone number in Persian digits; the page shows it left-to-right. */
export function formatPhone(phone) {
  return phone ? toPersianDigits(phone) : 'ناشناس';
}

const ERROR_MESSAGES = {
  HOTLINE_ERR_UNAUTHORIZED: 'نام کاربری یا گذرواژه درست نیست، یا نشست شما پایان یافته است.',
  HOTLINE_ERR_FORBIDDEN: 'این کار برای شما مجاز نیست.',
  HOTLINE_ERR_VALIDATION: 'اطلاعات واردشده کامل یا درست نیست.',
  HOTLINE_ERR_NOT_FOUND: 'پیدا نشد.',
  HOTLINE_ERR_CASE_NOT_FOUND: 'پرونده‌ای با این کد رهگیری پیدا نشد.',
  HOTLINE_ERR_CONFLICT: 'این کار در وضعیت فعلی ممکن نیست.',
  HOTLINE_ERR_NOT_ON_CALL: 'این کارشناس اکنون در مکالمه نیست.',
  HOTLINE_ERR_NO_PHONE: 'برای شما تلفن شنود ثبت نشده است؛ از مدیر سامانه بخواهید آن را تعریف کند.',
  HOTLINE_ERR_RATE_LIMITED: 'درخواست‌ها بیش از حد است؛ کمی بعد دوباره تلاش کنید.',
  HOTLINE_ERR_DEPENDENCY_DOWN: 'سامانهٔ تلفن در دسترس نیست؛ کمی بعد دوباره تلاش کنید.',
};

/** A Persian sentence for an API error code; a generic one for codes the page does not know. */
export function errorMessage(code) {
  return (code && ERROR_MESSAGES[code]) || 'خطایی رخ داد؛ دوباره تلاش کنید.';
}

/**
 * What the screen pop says about the citizen (the engine's CitizenSnapshot), as short
 * Persian notes; `warn` marks what the agent should not miss.
 */
export function citizenNotes(citizen) {
  if (!citizen) return [];
  const notes = [];
  if (citizen.repeatSameTopic) notes.push({ text: 'تماس تکراری دربارهٔ همین موضوع در ۷ روز اخیر', warn: true });
  else if (citizen.repeatCaller) notes.push({ text: 'تماس دوباره در ۷ روز اخیر', warn: false });
  else if (citizen.previousContacts === 0) notes.push({ text: 'نخستین تماس این شماره', warn: false });
  else notes.push({ text: `شهروند بازگشتی (${toPersianDigits(citizen.previousContacts)} تماس پیشین)`, warn: false });
  if (citizen.openCases > 0) notes.push({ text: `پرونده‌های باز: ${toPersianDigits(citizen.openCases)}`, warn: false });
  const s = citizen.lastSatisfaction;
  if (s) {
    const rating = s.rating === null ? 'بی‌امتیاز' : `امتیاز ${toPersianDigits(s.rating)} از ۵`;
    notes.push({ text: `آخرین نظرسنجی: ${rating}${s.solved === false ? '، مشکل حل نشده' : ''}`, warn: s.dissatisfied });
  }
  if (citizen.doNotCall) notes.push({ text: 'در فهرست «تماس نگیرید»', warn: true });
  return notes;
}
