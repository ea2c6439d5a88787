/**
 * Hours and holidays: supervisors and admins edit the hotline's weekly hours (24/7
 * included), the holidays and one-off closures (city-wide or one district), each
 * district's office hours, and the override, which asks before it closes the line and
 * says who set it. Every change is in force at once (the API answers when it is).
 * Plain DOM, no build step, like the other pages.
 */
import { districtLabel, errorMessage, formatDateTime, toLatinDigits, toPersianDigits, DISTRICT_COUNT } from '../agent/format.js';
import { $, backToSignIn, createApi, keepSession, tokenStore, withSignInForm } from '../shared/session.js';

const WEEKDAYS = ['saturday', 'sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const WEEKDAY_LABELS = {
  saturday: 'شنبه',
  sunday: 'یکشنبه',
  monday: 'دوشنبه',
  tuesday: 'سه‌شنبه',
  wednesday: 'چهارشنبه',
  thursday: 'پنجشنبه',
  friday: 'جمعه',
};
const KIND_LABELS = { solar: 'شمسی، هر سال', lunar: 'قمری', closure: 'تعطیلی موردی' };
const MODE_LABELS = { auto: 'طبق ساعات کاری و تعطیلات', open: 'باز (اضطراری)', closed: 'بسته' };

const storedToken = tokenStore('hotline137.hours.token');
const session = { token: storedToken.load(), calendar: null };
const api = createApi(session, () => showSignIn(errorMessage('HOTLINE_ERR_UNAUTHORIZED')));

const fa = (value) => toPersianDigits(String(value));

function showSignIn(message = '') {
  backToSignIn(session, storedToken, 'calendar', message);
}

function forgetToken() {
  const token = session.token;
  session.token = null;
  storedToken.clear();
  if (token) fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => {});
}

function signIn(event) {
  return withSignInForm(event, async (login) => {
    try {
      const signedIn = await api('POST', '/api/auth/login', login);
      keepSession(session, storedToken, signedIn.token);
      await openCalendar();
    } catch (err) {
      if (session.token) {
        forgetToken();
        showSignIn(errorMessage(err.code));
      } else {
        $('sign-in-error').textContent = errorMessage(err.code);
      }
    }
  });
}

async function openCalendar() {
  const me = await api('GET', '/api/auth/me');
  if (me.role !== 'admin' && me.role !== 'supervisor') {
    forgetToken();
    showSignIn('ساعات کاری و تعطیلات را فقط سرپرستان و مدیران تغییر می‌دهند.');
    return;
  }
  $('account-name').textContent = me.user?.displayName ?? me.id;
  $('sign-in').hidden = true;
  $('account').hidden = false;
  $('calendar').hidden = false;
  $('main').focus();
  await reload();
}

async function reload() {
  session.calendar = await api('GET', '/api/hours/calendar');
  render();
}

// ---------------------------------------------------------------- rendering

function render() {
  const c = session.calendar;
  renderWarning(c);
  renderOverride(c.override);
  drawWeekly($('weekly-editor'), 'w', c.weekly);
  $('observe-holidays').checked = c.observeHolidays;
  renderHolidays(c.holidays);
  renderDistrict();
}

function renderWarning(c) {
  const box = $('calendar-warning');
  const { coverage } = c;
  box.hidden = !coverage.warn;
  if (!coverage.warn) return;
  box.textContent =
    coverage.lastYear === null
      ? 'هیچ تعطیل قمری ثبت نشده است: تعطیلات رسمی قمری را از تقویم رسمی کشور وارد کنید.'
      : coverage.daysLeft > 0
        ? `تعطیلات قمری فقط تا پایان سال ${fa(coverage.lastYear)} ثبت شده است؛ ${fa(coverage.daysLeft)} روز دیگر سال ${fa(coverage.lastYear + 1)} آغاز می‌شود. تعطیلات قمری آن را از تقویم رسمی کشور وارد کنید.`
        : `تعطیلات قمری سال ${fa(coverage.lastYear + 1)} ثبت نشده است: در این روزها خط باز می‌ماند تا آن‌ها را وارد کنید.`;
}

function renderOverride(override) {
  $('override-now').textContent = `حالت کنونی: ${MODE_LABELS[override.mode] ?? override.mode}`;
  $('override-mode').value = override.mode;
  $('override-by').textContent = override.setBy
    ? `آخرین تغییر: ${override.setBy.name === 'admin' ? 'مدیر سامانه' : override.setBy.name}، ${formatDateTime(override.setBy.at)}`
    : '';
}

/** One row per weekday: open that day, from, to. `prefix` keeps the two editors' ids apart. */
function drawWeekly(container, prefix, weekly) {
  container.replaceChildren();
  for (const day of WEEKDAYS) {
    const hours = weekly[day];
    const row = document.createElement('div');
    row.className = 'day';
    const open = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = `${prefix}-${day}-on`;
    box.checked = hours !== null;
    open.append(box, ` ${WEEKDAY_LABELS[day]}`);
    const times = document.createElement('div');
    times.className = 'times';
    const from = timeInput(`${prefix}-${day}-open`, hours?.open ?? '07:00', `${WEEKDAY_LABELS[day]}، از ساعت`);
    const to = timeInput(`${prefix}-${day}-close`, hours?.close ?? '19:00', `${WEEKDAY_LABELS[day]}، تا ساعت`);
    times.append(from, 'تا', to);
    const sync = () => {
      from.disabled = !box.checked;
      to.disabled = !box.checked;
    };
    box.addEventListener('change', sync);
    sync();
    row.append(open, times, document.createElement('span'));
    container.append(row);
  }
}

function timeInput(id, value, label) {
  const input = document.createElement('input');
  input.type = 'text';
  input.id = id;
  input.dir = 'ltr';
  input.inputMode = 'numeric';
  input.maxLength = 5;
  input.value = fa(value);
  input.setAttribute('aria-label', label);
  return input;
}

/** The week the editor shows, or throws naming the first bad day. */
function readWeekly(prefix) {
  const weekly = {};
  for (const day of WEEKDAYS) {
    if (!$(`${prefix}-${day}-on`).checked) {
      weekly[day] = null;
      continue;
    }
    const open = toLatinDigits($(`${prefix}-${day}-open`).value.trim());
    const close = toLatinDigits($(`${prefix}-${day}-close`).value.trim());
    if (!/^\d{2}:\d{2}$/.test(open) || !/^\d{2}:\d{2}$/.test(close) || open >= close) {
      throw new Error(`ساعات ${WEEKDAY_LABELS[day]} را به شکل ۰۷:۰۰ تا ۱۹:۰۰ بنویسید (پایان بعد از آغاز؛ نیمه‌شب ۲۴:۰۰).`);
    }
    weekly[day] = { open, close };
  }
  return weekly;
}

function renderHolidays(holidays) {
  const body = $('holidays').querySelector('tbody');
  body.replaceChildren();
  for (const h of holidays) {
    const tr = document.createElement('tr');
    const cells = [fa(h.date.replace('*/', '')), h.name, KIND_LABELS[h.kind] ?? h.kind, h.district === null ? 'همهٔ شهر' : districtLabel(h.district)];
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    const td = document.createElement('td');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'حذف';
    remove.setAttribute('aria-label', `حذف ${h.name} ${fa(h.date)}`);
    remove.addEventListener('click', () => void removeHoliday(h));
    td.append(remove);
    tr.append(td);
    body.append(tr);
  }
}

function renderDistrict() {
  const id = Number($('district-select').value || 1);
  const d = session.calendar.districts.find((x) => x.id === id);
  if (!d) return;
  $('district-kind').textContent = d.officeHours === null ? 'این منطقه ساعات پیش‌فرض مناطق را دارد.' : 'این منطقه ساعات ویژهٔ خود را دارد.';
  drawWeekly($('district-editor'), 'd', d.effective);
}

// ---------------------------------------------------------------- actions

async function attempt(errorId, statusId, work) {
  $(errorId).textContent = '';
  if (statusId) $(statusId).textContent = '';
  try {
    await work();
  } catch (err) {
    $(errorId).textContent = err.code ? errorMessage(err.code) : err.message;
  }
}

function applyOverride() {
  const mode = $('override-mode').value;
  if (mode === 'closed' && session.calendar.override.mode !== 'closed') {
    $('override-confirm').hidden = false;
    $('override-confirm-yes').focus();
    return;
  }
  void setOverride(mode);
}

function setOverride(mode) {
  $('override-confirm').hidden = true;
  return attempt('override-error', null, async () => {
    await api('PUT', '/api/hours/override', { mode });
    await reload();
  });
}

function saveWeekly() {
  return attempt('weekly-error', 'weekly-status', async () => {
    await api('PUT', '/api/hours/weekly', { weekly: readWeekly('w'), observeHolidays: $('observe-holidays').checked });
    await reload();
    $('weekly-status').textContent = 'ساعات ذخیره شد و از همین حالا اعمال می‌شود.';
  });
}

function allDay() {
  drawWeekly($('weekly-editor'), 'w', Object.fromEntries(WEEKDAYS.map((d) => [d, { open: '00:00', close: '24:00' }])));
  $('observe-holidays').checked = false;
}

function addHoliday(event) {
  event.preventDefault();
  const form = $('holiday-form');
  if (!form.reportValidity()) return undefined;
  return attempt('holiday-error', 'holiday-status', async () => {
    const kind = $('holiday-kind').value;
    let date = toLatinDigits($('holiday-date').value.trim()).replace(/-/g, '/');
    if (kind === 'solar' && /^\d{2}\/\d{2}$/.test(date)) date = `*/${date}`;
    if (kind !== 'solar' && !/^\d{4}\/\d{2}\/\d{2}$/.test(date)) throw new Error('تاریخ را به شکل ۱۴۰۶/۰۲/۲۵ بنویسید.');
    if (kind === 'solar' && !/^\*\/\d{2}\/\d{2}$/.test(date)) throw new Error('تعطیل شمسی هر سال تکرار می‌شود: فقط ماه و روز را بنویسید، مثل ۰۱/۰۱.');
    const district = $('holiday-district').value;
    await api('POST', '/api/hours/holidays', {
      date,
      name: $('holiday-name').value.trim(),
      kind,
      district: district === '' ? null : Number(district),
    });
    form.reset();
    await reload();
    $('holiday-status').textContent = 'ثبت شد و از همین حالا اعمال می‌شود.';
  });
}

function removeHoliday(h) {
  return attempt('holiday-error', 'holiday-status', async () => {
    await api('DELETE', `/api/hours/holidays/${h.id}`);
    await reload();
    $('holiday-status').textContent = `«${h.name}» حذف شد.`;
  });
}

function saveDistrict(reset) {
  return attempt('district-error', 'district-status', async () => {
    const id = Number($('district-select').value);
    await api('PUT', `/api/hours/districts/${id}`, { officeHours: reset ? null : readWeekly('d') });
    await reload();
    $('district-status').textContent = 'ساعات منطقه ذخیره شد.';
  });
}

function wire() {
  for (let d = 1; d <= DISTRICT_COUNT; d++) {
    for (const id of ['holiday-district', 'district-select']) {
      const o = document.createElement('option');
      o.value = String(d);
      o.textContent = districtLabel(d);
      $(id).append(o);
    }
  }
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => {
    forgetToken();
    showSignIn();
  });
  $('override-apply').addEventListener('click', applyOverride);
  $('override-confirm-yes').addEventListener('click', () => void setOverride('closed'));
  $('override-confirm-no').addEventListener('click', () => {
    $('override-confirm').hidden = true;
    $('override-mode').value = session.calendar.override.mode;
  });
  $('weekly-save').addEventListener('click', () => void saveWeekly());
  $('weekly-all-day').addEventListener('click', allDay);
  $('holiday-form').addEventListener('submit', (event) => void addHoliday(event));
  $('district-select').addEventListener('change', () => {
    $('district-status').textContent = '';
    renderDistrict();
  });
  $('district-save').addEventListener('click', () => void saveDistrict(false));
  $('district-reset').addEventListener('click', () => void saveDistrict(true));
}

wire();
if (session.token) {
  openCalendar().catch((err) => {
    if (session.token) showSignIn(errorMessage(err.code));
  });
} else {
  $('username').focus();
}
