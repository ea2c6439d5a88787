/**
 * What the QA page and the agent's «ارزیابی‌های من» panel compute without the server:
 * the score a supervisor's answers will get (the same rule as src/quality/domain/scoring.ts,
 * shown while scoring so the number is no surprise), the Jalali week the sample starts
 * from, and the Persian words for statuses and errors. Pure: the tests run it in Node.
 */
import { toLatinDigits, toPersianDigits } from '../agent/format.js';

/** The weighted mean of the answered scored criteria, or 0 when a critical one failed. */
export function previewScore(criteria, answers) {
  const criticalFailed = criteria.some((c) => c.critical && answers[c.id] === 0);
  let weighted = 0;
  let weights = 0;
  for (const c of criteria) {
    const value = answers[c.id];
    if (c.critical || value === null || value === undefined) continue;
    weighted += c.weight * value;
    weights += c.weight;
  }
  const mean = weights === 0 ? 0 : weighted / weights;
  return { score: criticalFailed ? 0 : Math.round(mean * 10) / 10, criticalFailed };
}

/** What is still missing before the answers can be sent, in Persian; empty when nothing is. */
export function missingAnswers(criteria, answers) {
  const problems = [];
  for (const c of criteria) {
    const value = answers[c.id];
    if (value === undefined) problems.push(`«${c.label}» پاسخ داده نشده است.`);
    else if (c.critical && value === null) problems.push(`«${c.label}» حیاتی است و باید قبول یا رد شود.`);
    else if (value !== null && (!Number.isInteger(value) || value < 0 || value > 100)) problems.push(`«${c.label}» باید عددی صحیح از ۰ تا ۱۰۰ باشد.`);
  }
  if (problems.length === 0 && criteria.every((c) => c.critical || answers[c.id] === null)) {
    problems.push('دست‌کم یک معیار امتیازی باید مربوط باشد.');
  }
  return problems;
}

/** A 0–100 input as the page reads it: a whole number (Persian digits too), null for empty. */
export function parseScoreInput(text) {
  const latin = toLatinDigits(String(text ?? '')).trim();
  if (latin === '') return undefined;
  return /^\d{1,3}$/.test(latin) ? Number(latin) : Number.NaN;
}

const PARTS = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'Asia/Tehran', year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' });
const WEEK_OFFSET = { Sat: 0, Sun: 1, Mon: 2, Tue: 3, Wed: 4, Thu: 5, Fri: 6 };

/** The Jalali date (YYYY-MM-DD, Latin digits, as the API takes it) of the Saturday that starts the week of `atMs`, Tehran time. */
export function weekStartOf(atMs) {
  const weekday = PARTS.formatToParts(new Date(atMs)).find((p) => p.type === 'weekday').value;
  const saturday = new Date(atMs - WEEK_OFFSET[weekday] * 86_400_000);
  const parts = Object.fromEntries(PARTS.formatToParts(saturday).map((p) => [p.type, p.value]));
  return `${parts.year.replace(/\D/g, '')}-${parts.month}-${parts.day}`;
}

/** A Jalali date typed by a person (۱۴۰۵/۰۹/۰۷, 1405-9-7) as the API's YYYY-MM-DD, or null. */
export function normalizeJalaliInput(text) {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(toLatinDigits(String(text ?? '')).trim());
  if (!m) return null;
  const [, y, mo, d] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return null;
  return `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

export function formatScore(score) {
  return score === null || score === undefined ? '—' : toPersianDigits(String(score));
}

export const DISPUTE_LABELS = { open: 'اعتراض در انتظار پاسخ', upheld: 'اعتراض بررسی شد؛ نمره ماند', revised: 'اعتراض پذیرفته شد؛ نمره بازنگری شد' };

export function disputeLabel(status) {
  return status ? (DISPUTE_LABELS[status] ?? status) : '';
}

const QA_ERRORS = {
  HOTLINE_ERR_CONFLICT: 'این کار دوباره ممکن نیست: این تماس را پیش‌تر ارزیابی کرده‌اید یا اعتراض قبلاً ثبت یا پاسخ داده شده است.',
  HOTLINE_ERR_RECORDING_NOT_FOUND: 'این ضبط پیدا نشد.',
  HOTLINE_ERR_VALIDATION: 'پاسخ‌ها کامل یا درست نیست؛ همهٔ معیارها را بررسی کنید.',
};

/** The QA words for the errors that matter here; otherwise the pages' common messages (given). */
export function qaErrorMessage(code, fallback) {
  return (code && QA_ERRORS[code]) || fallback(code);
}

/** How far supervisors disagree on one call, as a sentence. */
export function calibrationSummary(calibration) {
  if (!calibration) return 'برای مقایسه، دست‌کم دو سرپرست باید این تماس را ارزیابی کنند.';
  const parts = [
    `${toPersianDigits(calibration.evaluations)} ارزیابی`,
    `میانگین ${formatScore(calibration.mean)}`,
    `واریانس ${formatScore(calibration.variance)}`,
    `اختلاف بیشترین و کمترین ${formatScore(calibration.spread)}`,
  ];
  if (calibration.criticalDisagreement) parts.push('اختلاف نظر در معیار حیاتی');
  return parts.join('، ');
}
