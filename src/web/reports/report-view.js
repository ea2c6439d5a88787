/**
 * What the reports page decides before and after asking the API (pure: no DOM, so the
 * unit tests run it in node): whether a period is a Jalali period, the Persian words for
 * a failed request, and the ticks of a chart's value axis.
 */
import { errorMessage, toLatinDigits, toPersianDigits } from '../agent/format.js';

/** Jalali years the page accepts: a four-digit year outside is most likely Gregorian (2026). */
export const JALALI_YEAR_MIN = 1300;
export const JALALI_YEAR_MAX = 1499;

const FIELD_NAMES = { from: '«از تاریخ»', to: '«تا تاریخ»' };
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/** A Jalali YYYY-MM-DD (Persian or Latin digits) as numbers, or a Persian reason it is not one. */
export function parseJalaliInput(text, field) {
  const name = FIELD_NAMES[field] ?? field;
  const m = DATE.exec(toLatinDigits(String(text ?? '').trim()).replaceAll('/', '-'));
  if (!m) return { error: `${name} را به شکل سال-ماه-روز شمسی بنویسید، مثلاً ۱۴۰۵-۰۱-۰۱.` };
  const [jy, jm, jd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (jy < JALALI_YEAR_MIN || jy > JALALI_YEAR_MAX) {
    return {
      error: `سال ${toPersianDigits(jy)} در ${name} سال شمسی نیست؛ سال شمسی میان ${toPersianDigits(JALALI_YEAR_MIN)} و ${toPersianDigits(JALALI_YEAR_MAX)} است (مثلاً ۱۴۰۵، نه ۲۰۲۶).`,
    };
  }
  if (jm < 1 || jm > 12) return { error: `ماه ${name} باید از ۱ تا ۱۲ باشد.` };
  const monthDays = jm <= 6 ? 31 : 30;
  if (jd < 1 || jd > monthDays) return { error: `روز ${name} در ماه ${toPersianDigits(jm)} باید از ۱ تا ${toPersianDigits(monthDays)} باشد.` };
  return { jy, jm, jd };
}

/** null when the period can be asked for, else the Persian reason. */
export function checkPeriod(fromText, toText) {
  const from = parseJalaliInput(fromText, 'from');
  if (from.error) return from.error;
  const to = parseJalaliInput(toText, 'to');
  if (to.error) return to.error;
  const key = (d) => d.jy * 10_000 + d.jm * 100 + d.jd;
  if (key(to) < key(from)) return '«تا تاریخ» پیش از «از تاریخ» است.';
  return null;
}

/**
 * A failed request in Persian, never the API's English: `status` and the error body's
 * `code` and `details.field` as the API sends them (status 0: no answer at all).
 */
export function reportErrorText({ status, code, field } = {}) {
  if (status === 403 || code === 'HOTLINE_ERR_FORBIDDEN') return 'این صفحه فقط برای سرپرستان و مدیران است.';
  if (code === 'HOTLINE_ERR_VALIDATION') {
    if (field === 'from' || field === 'to') return `${FIELD_NAMES[field]} درست نیست، یا بازه بیش از ۴۰۰ روز است؛ تاریخ شمسی بنویسید، مثلاً ۱۴۰۵-۰۱-۰۱.`;
    if (field === 'period') return 'کارنامهٔ روزانهٔ کارشناسان حداکثر ۹۳ روز را نشان می‌دهد؛ برای بازهٔ بلندتر «هفتگی» یا «ماهانه» را انتخاب کنید.';
    return 'درخواست گزارش درست نیست؛ بازه و تفکیک را بررسی کنید.';
  }
  if (status === 0 || status === undefined) return 'پاسخی از سامانه نرسید؛ اتصال را بررسی کنید و دوباره تلاش کنید.';
  if (status >= 500) return 'گزارش آماده نشد؛ کمی بعد دوباره تلاش کنید.';
  return errorMessage(code);
}

/**
 * Integer ticks from 0 up to at least `max`: every whole number while there are at most
 * ten, else steps of 1, 2 or 5 × 10^k, so a count axis never shows 1.25 rounded to 1 and
 * never skips a whole number it could show.
 */
export function axisTicks(max) {
  const top = Math.max(1, Math.ceil(max));
  let step = 1;
  for (let p = 1; top / step > 10; p *= 10) {
    step = [1, 2, 5].map((m) => m * p).find((s) => top / s <= 10) ?? 10 * p;
  }
  const ticks = [];
  for (let v = 0; v < top + step; v += step) {
    ticks.push(v);
    if (v >= top) break;
  }
  return ticks;
}
