/**
 * The citizens' web form (Persian, right to left), served by the service itself:
 * one HTML page, one script and one style sheet from this origin, nothing inline, so
 * the page runs under a CSP that allows only 'self'. The script posts JSON to
 * /api/public/cases and shows the tracking number.
 */
import { CASE_CATEGORIES, DISTRICT_COUNT } from '../domain/cases/case.js';
import { categoryFa, districtFa } from '../domain/cases/wording.js';

export const REPORT_PATH = '/report';
export const REPORT_SCRIPT_PATH = '/report/report.js';
export const REPORT_STYLE_PATH = '/report/report.css';
export const PUBLIC_CASES_PATH = '/api/public/cases';
/** Bots fill every field; people never see this one. */
export const HONEYPOT_FIELD = 'website';

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
    <p>مشکل شهری را گزارش کنید؛ پس از ثبت، شماره پیگیری به شما نشان داده می‌شود.</p>
    <noscript><p class="error">برای ثبت درخواست در این صفحه، جاوااسکریپت مرورگر را روشن کنید یا با ۱۳۷ تماس بگیرید.</p></noscript>
    <form id="report-form" novalidate>
      <label for="category">موضوع</label>
      <select id="category" name="category" required>
          ${categoryOptions}
      </select>

      <label for="district">منطقه شهرداری</label>
      <select id="district" name="district">
          <option value="">نمی‌دانم</option>
          ${districtOptions}
      </select>

      <label for="address">نشانی</label>
      <input id="address" name="address" type="text" maxlength="500" required autocomplete="street-address">

      <label for="description">شرح مشکل</label>
      <textarea id="description" name="description" rows="5" maxlength="4000" required></textarea>

      <label for="phone">تلفن همراه</label>
      <input id="phone" name="phone" type="tel" inputmode="tel" dir="ltr" maxlength="32" required autocomplete="tel" placeholder="09121234567">

      <div class="hp" aria-hidden="true">
        <label for="${HONEYPOT_FIELD}">این خانه را خالی بگذارید</label>
        <input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off">
      </div>

      <button type="submit">ثبت درخواست</button>
    </form>
    <p id="result" role="status" aria-live="polite"></p>
  </main>
</body>
</html>
`;

export const REPORT_CSS = `body { font-family: Vazirmatn, Tahoma, sans-serif; background: #f5f6f8; color: #1d2330; margin: 0; }
main { max-width: 36rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
h1 { font-size: 1.4rem; }
form { display: grid; gap: 0.4rem; }
label { font-weight: bold; margin-top: 0.6rem; }
input, select, textarea, button { font: inherit; padding: 0.5rem; border: 1px solid #b8bfcc; border-radius: 4px; }
button { margin-top: 1rem; background: #0b6b3a; color: #fff; border: none; cursor: pointer; }
button[disabled] { opacity: 0.6; }
.hp { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px; overflow: hidden; }
.ok { color: #0b6b3a; font-weight: bold; }
.error { color: #a11d1d; }
`;

export const REPORT_JS = `'use strict';
(function () {
  var LABELS = { category: 'موضوع', district: 'منطقه', address: 'نشانی', description: 'شرح مشکل', phone: 'تلفن همراه' };
  function persian(s) { return String(s).replace(/[0-9]/g, function (d) { return String.fromCharCode(0x06f0 + Number(d)); }); }
  function show(text, ok) {
    var result = document.getElementById('result');
    result.textContent = text;
    result.className = ok ? 'ok' : 'error';
  }
  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('report-form');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var body = {};
      ['category', 'address', 'description', 'phone', '${HONEYPOT_FIELD}'].forEach(function (name) {
        var value = String(data.get(name) || '').trim();
        if (value !== '' || name === '${HONEYPOT_FIELD}') body[name] = value;
      });
      var district = String(data.get('district') || '');
      if (district !== '') body.district = Number(district);
      var button = form.querySelector('button');
      button.disabled = true;
      show('در حال ثبت…', true);
      fetch('${PUBLIC_CASES_PATH}', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (json) {
          if (res.status === 201) {
            form.reset();
            show('درخواست شما با شماره پیگیری ' + persian(json.trackingNumber) + ' ثبت شد. این شماره را نگه دارید.', true);
          } else if (res.status === 429) {
            show('از این نشانی درخواست‌های زیادی فرستاده شده است؛ کمی بعد دوباره تلاش کنید یا با ۱۳۷ تماس بگیرید.', false);
          } else if (res.status === 400) {
            var field = json.error && json.error.details && json.error.details.field;
            show(LABELS[field] ? 'لطفاً «' + LABELS[field] + '» را درست وارد کنید.' : 'لطفاً همه خانه‌ها را درست پر کنید.', false);
          } else {
            show('ثبت درخواست ممکن نشد؛ لطفاً دوباره تلاش کنید یا با ۱۳۷ تماس بگیرید.', false);
          }
        });
      }).catch(function () {
        show('ارتباط برقرار نشد؛ لطفاً دوباره تلاش کنید.', false);
      }).then(function () { button.disabled = false; });
    });
  });
})();
`;
