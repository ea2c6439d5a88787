/**
 * The citizens' web form (Persian, right to left), served by the service itself:
 * one HTML page, one script and one style sheet from this origin, nothing inline, so
 * the page runs under a CSP that allows only 'self'. The script checks every field
 * (naming all that are wrong), posts JSON to /api/public/cases and shows the tracking
 * number; a second form looks a case's status up by its tracking number.
 */
import { CASE_CATEGORIES, DISTRICT_COUNT } from '../domain/cases/case.js';
import { categoryFa, districtFa, toPersianDigits } from '../domain/cases/wording.js';

export const REPORT_PATH = '/report';
export const REPORT_SCRIPT_PATH = '/report/report.js';
export const REPORT_STYLE_PATH = '/report/report.css';
export const PUBLIC_CASES_PATH = '/api/public/cases';
/** The API's limit on a description; the page counts toward it instead of cutting the text. */
export const DESCRIPTION_MAX = 4000;
/** The file field of the form's photos, and how many one report may carry. */
export const PHOTO_FIELD = 'photo';
export const WEB_MAX_PHOTOS = 3;
/** Bots fill every field; people never see this one. */
export const HONEYPOT_FIELD = 'website';

const toPersian = (n: number) => toPersianDigits(String(n));

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const categoryOptions = CASE_CATEGORIES.map((c) => `<option value="${c}">${escapeHtml(categoryFa(c))}</option>`).join('\n          ');
const districtOptions = Array.from(
  { length: DISTRICT_COUNT },
  (_, i) => `<option value="${i + 1}">${escapeHtml(districtFa(i + 1))}</option>`,
).join('\n          ');

export const REPORT_HTML = `<!doctype html>
<html lang="fa" dir="rtl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>ثبت درخواست — سامانه ۱۳۷ شهرداری تهران</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${REPORT_STYLE_PATH}">
  <script src="${REPORT_SCRIPT_PATH}" defer></script>
</head>
<body>
  <main>
    <h1>ثبت درخواست در سامانه ۱۳۷</h1>
    <p>مشکل شهری را گزارش کنید؛ پس از ثبت، کد رهگیری به شما نشان داده می‌شود.</p>
    <p>پرسشی دارید؟ شاید پاسخ آن در <a href="/faq">پرسش‌های متداول</a> باشد.</p>
    <noscript><p class="error">برای ثبت درخواست در این صفحه، جاوااسکریپت مرورگر را روشن کنید یا با ۱۳۷ تماس بگیرید.</p></noscript>
    <form id="report-form" novalidate>
      <label for="category">موضوع</label>
      <select id="category" name="category" required aria-describedby="category-error">
          <option value="" selected>— موضوع را انتخاب کنید —</option>
          ${categoryOptions}
      </select>
      <p class="field-error" id="category-error"></p>

      <label for="district">منطقه شهرداری</label>
      <select id="district" name="district" aria-describedby="district-hint">
          <option value="">نمی‌دانم</option>
          ${districtOptions}
      </select>
      <p class="hint" id="district-hint">اگر منطقه را نمی‌دانید «نمی‌دانم» را بگذارید؛ ۱۳۷ آن را از نشانی پیدا می‌کند.</p>

      <label for="address">نشانی</label>
      <input id="address" name="address" type="text" maxlength="500" required autocomplete="street-address" aria-describedby="address-hint address-error">
      <p class="hint" id="address-hint">خیابان، کوچه و نشانه‌ای نزدیک؛ مثلاً «خیابان انقلاب، نرسیده به چهارراه ولیعصر».</p>
      <p class="field-error" id="address-error"></p>

      <label for="description">شرح مشکل</label>
      <textarea id="description" name="description" rows="5" required aria-describedby="description-count description-error"></textarea>
      <p class="hint" id="description-count" aria-live="polite">۰ از ${toPersian(DESCRIPTION_MAX)} نویسه</p>
      <p class="field-error" id="description-error"></p>

      <label for="${PHOTO_FIELD}">عکس (اختیاری)</label>
      <input id="${PHOTO_FIELD}" name="${PHOTO_FIELD}" type="file" accept="image/jpeg,image/png,image/webp" multiple aria-describedby="${PHOTO_FIELD}-hint ${PHOTO_FIELD}-error">
      <p class="hint" id="${PHOTO_FIELD}-hint">تا ${toPersian(WEB_MAX_PHOTOS)} عکس JPEG، PNG یا WebP. اگر عکس جای خود را دارد، محل از آن خوانده می‌شود؛ اطلاعات همراه عکس پیش از نگه‌داری پاک می‌شود.</p>
      <p class="field-error" id="${PHOTO_FIELD}-error"></p>

      <label for="phone">تلفن همراه</label>
      <input id="phone" name="phone" type="tel" inputmode="tel" dir="ltr" maxlength="32" required autocomplete="tel" placeholder="09121234567" aria-describedby="phone-hint phone-error">
      <p class="hint" id="phone-hint">۱۱ رقم و با ۰۹ آغاز شود؛ مثلاً ۰۹۱۲۱۲۳۴۵۶۷. برای پیگیری با شما تماس می‌گیریم.</p>
      <p class="field-error" id="phone-error"></p>

      <div class="hp" aria-hidden="true">
        <label for="${HONEYPOT_FIELD}">این خانه را خالی بگذارید</label>
        <input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off">
      </div>

      <button type="submit">ثبت درخواست</button>
    </form>
    <p id="result" role="status" aria-live="polite"></p>

    <section aria-labelledby="lookup-title">
      <h2 id="lookup-title">پیگیری درخواست</h2>
      <form id="lookup-form" novalidate>
        <label for="lookup-tracking">کد رهگیری</label>
        <input id="lookup-tracking" name="trackingNumber" inputmode="numeric" dir="ltr" maxlength="16" required aria-describedby="lookup-hint">
        <p class="hint" id="lookup-hint">شمارهٔ ۱۰ رقمی (یا ۸ رقمیِ قدیمی) که هنگام ثبت دریافت کردید.</p>
        <button type="submit">پیگیری</button>
      </form>
      <p id="lookup-result" role="status" aria-live="polite"></p>
    </section>
  </main>
</body>
</html>
`;

export const REPORT_CSS = `body { font-family: Vazirmatn, Tahoma, sans-serif; background: #f5f6f8; color: #1d2330; margin: 0; line-height: 1.6; }
* { box-sizing: border-box; }
main { max-width: 36rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
h1 { font-size: 1.4rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
form { display: grid; gap: 0.4rem; }
label { font-weight: bold; margin-top: 0.6rem; }
input, select, textarea, button { font: inherit; padding: 0.5rem; border: 1px solid #b8bfcc; border-radius: 4px; width: 100%; max-width: 100%; }
textarea { resize: vertical; }
[aria-invalid="true"] { border-color: #a11d1d; outline: 1px solid #a11d1d; }
button { margin-top: 1rem; background: #0b6b3a; color: #fff; border: none; cursor: pointer; }
button[disabled] { opacity: 0.6; }
.hint { margin: 0; color: #4a5263; font-size: 0.9rem; }
.hint.over { color: #a11d1d; font-weight: bold; }
.field-error { margin: 0; color: #a11d1d; font-weight: bold; }
.field-error:empty { display: none; }
/* Clipped in place, not moved off screen: a far-off box in a right-to-left page widens it. */
.hp { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.ok { color: #0b6b3a; font-weight: bold; }
.error { color: #a11d1d; }
#result ul { margin: 0.25rem 0; }
@media (max-width: 40rem) {
  main { margin: 0; border-radius: 0; padding: 1rem; }
}
`;

export const REPORT_JS = `'use strict';
(function () {
  var LABELS = { category: 'موضوع', district: 'منطقه', address: 'نشانی', description: 'شرح مشکل', ${PHOTO_FIELD}: 'عکس', phone: 'تلفن همراه' };
  var MAX_PHOTOS = ${WEB_MAX_PHOTOS};
  var PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
  var MAX = ${DESCRIPTION_MAX};
  var STATUS_PATH = '${PUBLIC_CASES_PATH}/';
  function persian(s) { return String(s).replace(/[0-9]/g, function (d) { return String.fromCharCode(0x06f0 + Number(d)); }); }
  function latin(s) {
    return String(s).replace(/[\\u06f0-\\u06f9]/g, function (d) { return String(d.charCodeAt(0) - 0x06f0); })
      .replace(/[\\u0660-\\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); });
  }
  function el(id) { return document.getElementById(id); }
  function show(id, text, ok) {
    var result = el(id);
    result.textContent = text;
    result.className = ok ? 'ok' : 'error';
  }
  function jalali(iso) {
    return new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'Asia/Tehran', dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  }
  /** An Iranian mobile number as people write it: 09…, +989…, 00989…, with spaces or dashes. */
  function mobileLooksRight(value) {
    var s = latin(value).replace(/[\\s()-]/g, '');
    return /^(\\+98|0098|98|0)?9[0-9]{9}$/.test(s);
  }
  /** Every field that is wrong, with what to do about it (field name → Persian sentence). */
  function problems(form) {
    var found = {};
    if (!form.category.value) found.category = 'موضوع را انتخاب کنید.';
    if (!form.address.value.trim()) found.address = 'نشانی را بنویسید.';
    var length = form.description.value.trim().length;
    if (length === 0) found.description = 'شرح مشکل را بنویسید.';
    else if (form.description.value.length > MAX) found.description = 'شرح از ' + persian(MAX) + ' نویسه بیشتر است؛ کوتاه‌ترش کنید.';
    var photos = form.${PHOTO_FIELD}.files;
    if (photos.length > MAX_PHOTOS) found.${PHOTO_FIELD} = 'حداکثر ' + persian(MAX_PHOTOS) + ' عکس بفرستید.';
    else if (Array.prototype.some.call(photos, function (f) { return PHOTO_TYPES.indexOf(f.type) === -1; })) found.${PHOTO_FIELD} = 'فقط عکس JPEG، PNG یا WebP پذیرفته می‌شود.';
    if (!form.phone.value.trim()) found.phone = 'شمارهٔ تلفن همراه را بنویسید.';
    else if (!mobileLooksRight(form.phone.value)) found.phone = 'شمارهٔ تلفن همراه باید ۱۱ رقم و با ۰۹ آغاز شود.';
    return found;
  }
  function markFields(form, found) {
    Object.keys(LABELS).forEach(function (name) {
      var error = el(name + '-error');
      if (found[name]) form[name].setAttribute('aria-invalid', 'true');
      else form[name].removeAttribute('aria-invalid');
      if (error) error.textContent = found[name] || '';
    });
  }
  function listProblems(found) {
    var names = Object.keys(found);
    var result = el('result');
    result.className = 'error';
    result.textContent = 'لطفاً این موارد را درست کنید: ' + names.map(function (n) { return '«' + LABELS[n] + '»'; }).join('، ');
  }
  function countCharacters(form) {
    var n = form.description.value.length;
    var count = el('description-count');
    count.textContent = persian(n) + ' از ' + persian(MAX) + ' نویسه' + (n > MAX ? ' — ' + persian(n - MAX) + ' نویسه بیش از اندازه' : '');
    count.className = n > MAX ? 'hint over' : 'hint';
  }
  document.addEventListener('DOMContentLoaded', function () {
    var form = el('report-form');
    form.description.addEventListener('input', function () { countCharacters(form); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var found = problems(form);
      markFields(form, found);
      if (Object.keys(found).length > 0) {
        listProblems(found);
        form[Object.keys(found)[0]].focus();
        return;
      }
      var data = new FormData(form);
      var body = {};
      ['category', 'address', 'description', 'phone', '${HONEYPOT_FIELD}'].forEach(function (name) {
        var value = String(data.get(name) || '').trim();
        if (value !== '' || name === '${HONEYPOT_FIELD}') body[name] = value;
      });
      var district = String(data.get('district') || '');
      if (district !== '') body.district = Number(district);
      // With photos the form goes as multipart/form-data (the browser sets its boundary).
      var photos = form.${PHOTO_FIELD}.files;
      var payload = JSON.stringify(body);
      var headers = { 'content-type': 'application/json' };
      if (photos.length > 0) {
        payload = new FormData();
        Object.keys(body).forEach(function (name) { payload.append(name, String(body[name])); });
        Array.prototype.forEach.call(photos, function (f) { payload.append('${PHOTO_FIELD}', f, f.name); });
        headers = {};
      }
      var button = form.querySelector('button');
      button.disabled = true;
      show('result', 'در حال ثبت…', true);
      fetch('${PUBLIC_CASES_PATH}', {
        method: 'POST',
        headers: headers,
        body: payload
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (json) {
          if (res.status === 201) {
            form.reset();
            countCharacters(form);
            show('result', 'درخواست شما با کد رهگیری ' + persian(json.trackingNumber) + ' ثبت شد. این کد را نگه دارید.', true);
          } else if (res.status === 429) {
            show('result', 'از این نشانی درخواست‌های زیادی فرستاده شده است؛ کمی بعد دوباره تلاش کنید یا با ۱۳۷ تماس بگیرید.', false);
          } else if (res.status === 413) {
            var tooBig = {};
            tooBig.${PHOTO_FIELD} = 'حجم عکس‌ها بیش از اندازه است؛ عکس کوچک‌تر یا کمتری بفرستید.';
            markFields(form, tooBig);
            listProblems(tooBig);
          } else if (res.status === 400) {
            var details = (json.error && json.error.details) || {};
            var field = details.field;
            var named = {};
            if (LABELS[field]) named[field] = '«' + LABELS[field] + '» را درست وارد کنید.';
            if (field === '${PHOTO_FIELD}') named[field] = details.reason === 'too_large'
              ? 'هر عکس باید حداکثر ' + persian(Math.floor(details.maxBytes / 1048576 * 10) / 10) + ' مگابایت باشد.'
              : details.reason === 'too_many' ? 'حداکثر ' + persian(MAX_PHOTOS) + ' عکس بفرستید.'
              : 'فقط عکس JPEG، PNG یا WebP پذیرفته می‌شود.';
            markFields(form, named);
            if (LABELS[field]) listProblems(named);
            else show('result', 'لطفاً همه خانه‌ها را درست پر کنید.', false);
          } else {
            show('result', 'ثبت درخواست ممکن نشد؛ لطفاً دوباره تلاش کنید یا با ۱۳۷ تماس بگیرید.', false);
          }
        });
      }).catch(function () {
        show('result', 'ارتباط برقرار نشد؛ لطفاً دوباره تلاش کنید.', false);
      }).then(function () { button.disabled = false; });
    });

    var lookup = el('lookup-form');
    lookup.addEventListener('submit', function (event) {
      event.preventDefault();
      var tracking = latin(lookup.trackingNumber.value).replace(/[^0-9]/g, '');
      if (!/^[0-9]{8}(?:[0-9]{2})?$/.test(tracking)) {
        lookup.trackingNumber.setAttribute('aria-invalid', 'true');
        show('lookup-result', 'کد رهگیری ۱۰ رقم است (کدهای قدیمی ۸ رقم).', false);
        return;
      }
      lookup.trackingNumber.removeAttribute('aria-invalid');
      show('lookup-result', 'در حال جستجو…', true);
      fetch(STATUS_PATH + tracking + '/status', { headers: { accept: 'application/json' } }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (json) {
          if (res.status === 200) {
            show('lookup-result', 'وضعیت درخواست ' + persian(json.trackingNumber) + ': ' + json.statusText +
              '. ثبت: ' + jalali(json.createdAt) + '؛ آخرین تغییر: ' + jalali(json.updatedAt) + '.', true);
          } else if (res.status === 404) {
            show('lookup-result', 'درخواستی با این کد رهگیری پیدا نشد.', false);
          } else if (res.status === 429) {
            show('lookup-result', 'جستجوهای زیادی از این نشانی شده است؛ کمی بعد دوباره تلاش کنید.', false);
          } else {
            show('lookup-result', 'پیگیری ممکن نشد؛ دوباره تلاش کنید یا با ۱۳۷ تماس بگیرید.', false);
          }
        });
      }).catch(function () {
        show('lookup-result', 'ارتباط برقرار نشد؛ لطفاً دوباره تلاش کنید.', false);
      });
    });
  });
})();
`;
