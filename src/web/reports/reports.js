// The supervisors' reports page: sign in, pick a Jalali period, read the charts and the
// table, download any table as CSV. Talks only to /api on this origin.
import { errorMessage, toLatinDigits, toPersianDigits } from '../agent/format.js';
import { $ } from '../shared/session.js';
import { createSignIn, showSignedIn } from '../shared/sign-in.js';
import { columnChart, ratioBars } from './charts.js';
import { checkPeriod, reportErrorText } from './report-view.js';

const SUPERVISORS_ONLY = reportErrorText({ status: 403 });
const SERVICE_LEVEL_TARGET = 0.8;
// With hyphens the bidi algorithm shows a Jalali date backwards in a right-to-left
// sentence (۰۱-۰۱-۱۴۰۵); slashes keep it in reading order, as in the tables.
const faDate = (isoLike) => toPersianDigits(String(isoLike).replaceAll('-', '/'));

const signIn = createSignIn({
  storageKey: 'hotline.reports.token',
  pageId: 'reports',
  open: async () => {
    showSignedIn('reports');
    await refresh();
  },
  refuse: (user) => (user.role === 'supervisor' || user.role === 'admin' ? null : SUPERVISORS_ONLY),
  errorText: errorMessage,
});

/** Today in Tehran, Jalali, as YYYY-MM-DD. */
function jalaliToday() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'Asia/Tehran', year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return { year: parts.year.replace(/\D/g, ''), month: parts.month, day: parts.day };
}

/** A failed request; its message is always Persian (the API's own message is English). */
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, accept = 'application/json', method = 'GET') {
  let res;
  try {
    res = await fetch(path, { method, headers: { authorization: `Bearer ${signIn.session.token}`, accept } });
  } catch {
    throw new HttpError(0, reportErrorText({ status: 0 }));
  }
  if (res.status === 401) {
    const message = 'نشست شما پایان یافته است؛ دوباره وارد شوید.';
    signIn.backToForm(message);
    throw new HttpError(401, message);
  }
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    const error = body?.error;
    throw new HttpError(res.status, reportErrorText({ status: res.status, code: error?.code, field: error?.details?.field }));
  }
  return res;
}

function period() {
  const form = $('range-form');
  return { from: toLatinDigits(form.from.value.trim()), to: toLatinDigits(form.to.value.trim()) };
}

function reportUrl(kind, by, format) {
  const { from, to } = period();
  const q = new URLSearchParams({ from, to, by, ...(format ? { format } : {}) });
  return `/api/reports/${kind}?${q}`;
}

async function report(kind, by) {
  return (await api(reportUrl(kind, by))).json();
}

async function downloadCsv(kind, by) {
  const form = $('range-form');
  const wrong = checkPeriod(form.from.value, form.to.value);
  if (wrong) throw new HttpError(400, wrong);
  return downloadFrom(reportUrl(kind, by, 'csv'), `${kind}-${by}.csv`);
}

async function downloadFrom(path, fallbackName) {
  const res = await api(path, 'text/csv');
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const percent = (v) => (v === null ? '—' : `${toPersianDigits((v * 100).toFixed(1))}٪`);
const seconds = (v) => (v === null ? '—' : toPersianDigits(v.toFixed(1)));
const hours = (v) => (v === null ? '—' : toPersianDigits(v.toFixed(1)));
const count = (v) => toPersianDigits(v.toLocaleString('en-US'));

const COLUMNS = {
  calls: [
    ['تماس ورودی به صف', (r) => count(r.offered)],
    ['پاسخ داده شده', (r) => count(r.answered)],
    ['رهاشده', (r) => count(r.abandoned)],
    ['سطح خدمت', (r) => percent(r.serviceLevel), (r) => r.serviceLevel !== null && r.serviceLevel < SERVICE_LEVEL_TARGET],
    ['میانگین انتظار تا پاسخ (ثانیه)', (r) => seconds(r.asaSec)],
    ['نرخ رهاشدگی', (r) => percent(r.abandonmentRate)],
    ['میانگین زمان رسیدگی (ثانیه)', (r) => seconds(r.ahtSec)],
  ],
  cases: [
    ['ثبت شده', (r) => count(r.opened)],
    ['حل شده', (r) => count(r.resolved)],
    ['معوق', (r) => count(r.overdue), (r) => r.overdue > 0],
    ['میانگین زمان حل (ساعت)', (r) => hours(r.meanTimeToResolveHours)],
  ],
};

const GROUP_NAMES = { day: 'روز', hour: 'ساعت', queue: 'صف', district: 'منطقه', category: 'موضوع', agent: 'کارشناس' };

const CSAT_TARGET = 0.8;
const rating = (v) => (v === null ? '—' : toPersianDigits(v.toFixed(2)));
const CSAT_COLUMNS = [
  ['نظرسنجی پایان‌یافته', (r) => count(r.ended)],
  ['پاسخ داده شده', (r) => count(r.answered)],
  ['نرخ پاسخ', (r) => percent(r.responseRate)],
  ['امتیازها', (r) => count(r.rated)],
  ['رضایت (CSAT)', (r) => percent(r.csat), (r) => r.csat !== null && r.csat < CSAT_TARGET],
  ['میانگین امتیاز', (r) => rating(r.meanRating)],
  ['نرخ حل', (r) => percent(r.solvedRate)],
  // The SMS question beside the calls (SURVEY_POLICY).
  ['پرسش پیامکی', (r) => count(r.smsAsked)],
  ['پاسخ پیامکی', (r) => count(r.smsAnswered)],
  ['پذیرش پیامکی', (r) => percent(r.smsAcceptRate)],
];

const PAUSE_NAMES = { break: 'استراحت', lunch: 'ناهار', training: 'آموزش', meeting: 'جلسه', after_call_work: 'کار پس از تماس', missed: 'زنگ بی‌پاسخ' };
const minutes = (sec) => `${toPersianDigits(Math.round(sec / 60))} دقیقه`;
/** Pause time in all, then each reason that has any: «۳۵ دقیقه (ناهار ۳۰ دقیقه، استراحت ۵ دقیقه)». */
function pauses(r) {
  const parts = Object.entries(r.pauseSec)
    .filter(([, sec]) => sec > 0)
    .map(([reason, sec]) => `${PAUSE_NAMES[reason] ?? reason} ${minutes(sec)}`);
  return parts.length === 0 ? '—' : `${minutes(r.pauseTotalSec)} (${parts.join('، ')})`;
}
const AGENT_COLUMNS = [
  ['پاسخ داده شده', (r) => count(r.answered)],
  ['میانگین زمان رسیدگی (ثانیه)', (r) => seconds(r.ahtSec)],
  ['میانگین مکالمه (ثانیه)', (r) => seconds(r.meanTalkSec)],
  ['میانگین کار پس از تماس (ثانیه)', (r) => seconds(r.meanWrapUpSec)],
  ['میانگین انتظار روی خط (ثانیه)', (r) => seconds(r.meanHoldSec)],
  ['زنگ بی‌پاسخ', (r) => count(r.missedRings), (r) => r.missedRings > 0],
  ['توقف', pauses],
  ['پرونده ثبت شده', (r) => count(r.casesCreated)],
  ['بازگشایی با نظرسنجی', (r) => percent(r.reopenedShare)],
  ['رضایت (CSAT)', (r) => percent(r.csat), (r) => r.csat !== null && r.csat < CSAT_TARGET],
  ['نمره کیفیت', (r) => (r.qaScore === null ? '—' : toPersianDigits(r.qaScore))],
];

function agentReportUrl(format) {
  const { from, to } = period();
  const q = new URLSearchParams({ from, to, period: $('agents-period').value, ...(format ? { format } : {}) });
  return `/api/reports/agents?${q}`;
}

/** One line per agent and period, then the agent's whole range in bold. */
async function refreshAgents(stale = () => false) {
  $('agents-error').textContent = '';
  const data = await (await api(agentReportUrl())).json();
  if (stale()) return;
  const head = document.createElement('tr');
  head.append(cell('th', 'کارشناس'), cell('th', 'دوره'), ...AGENT_COLUMNS.map(([name]) => cell('th', name)));
  const row = (name, label, r, className) => {
    const tr = document.createElement('tr');
    if (className) tr.className = className;
    tr.append(cell('td', name), cell('td', label), ...AGENT_COLUMNS.map(([, value, red]) => cell('td', value(r), `num${red?.(r) ? ' red' : ''}`)));
    return tr;
  };
  const rows = data.agents.flatMap((a) => [...a.periods.map((p) => row(a.name, faDate(p.period), p)), row(a.name, 'کل بازه', a.total, 'total')]);
  if (rows.length === 0) {
    const empty = cell('td', 'در این بازه فعالیتی از کارشناسان ثبت نشده است.');
    empty.colSpan = AGENT_COLUMNS.length + 2;
    const tr = document.createElement('tr');
    tr.append(empty);
    rows.push(tr);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...rows);
  $('agents-table').replaceChildren(thead, tbody);
  $('agents-title').textContent = `کارنامهٔ کارشناسان — ${faDate(data.from)} تا ${faDate(data.to)}`;
}

function cell(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function renderTable(data, table = $('report-table'), columns = COLUMNS[data.report]) {
  const head = document.createElement('tr');
  head.append(cell('th', GROUP_NAMES[data.by]), ...columns.map(([name]) => cell('th', name)));
  const row = (label, r, className) => {
    const tr = document.createElement('tr');
    if (className) tr.className = className;
    tr.append(cell('td', label), ...columns.map(([, value, red]) => cell('td', value(r), `num${red?.(r) ? ' red' : ''}`)));
    return tr;
  };
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...data.rows.map((r) => row(r.label, r)), row('جمع کل', data.total, 'total'));
  table.replaceChildren(thead, tbody);
  if (data.report === 'satisfaction') {
    $('csat-title').textContent = `رضایت شهروندان به تفکیک ${GROUP_NAMES[data.by]} — ${faDate(data.from)} تا ${faDate(data.to)}`;
    return;
  }
  $('table-title').textContent = `${data.report === 'calls' ? 'تماس‌ها' : 'پرونده‌ها'} به تفکیک ${GROUP_NAMES[data.by]} — ${faDate(data.from)} تا ${faDate(data.to)}`;
}

const CATEGORY_NAMES = {};
const dateTime = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'Asia/Tehran', dateStyle: 'short', timeStyle: 'short' });

async function refreshSatisfaction(stale = () => false) {
  const data = await report('satisfaction', $('csat-by').value);
  if (stale()) return;
  renderTable(data, $('csat-table'), CSAT_COLUMNS);
}

function noFlaggedRow() {
  const empty = cell('td', 'موردی برای بررسی نیست.');
  empty.colSpan = 8;
  const tr = document.createElement('tr');
  tr.append(empty);
  return tr;
}

// Object URLs of the comments played from the list shown, freed when it is drawn again.
const commentUrls = [];

/** The «پیام صوتی» cell: a play button that fetches the comment (with the token) into an audio player. */
function commentCell(survey) {
  const td = document.createElement('td');
  if (!survey.hasCommentRecording) {
    td.textContent = '—';
    return td;
  }
  const button = cell('button', 'پخش');
  button.type = 'button';
  button.className = 'play';
  button.title = 'پخش پیام صوتی شهروند';
  button.addEventListener('click', async () => {
    button.disabled = true;
    $('flagged-error').textContent = '';
    try {
      const res = await api(`/api/surveys/${encodeURIComponent(survey.id)}/comment`, 'audio/wav');
      const url = URL.createObjectURL(await res.blob());
      commentUrls.push(url);
      const audio = document.createElement('audio');
      audio.controls = true;
      audio.preload = 'auto';
      audio.src = url;
      td.replaceChildren(audio);
      // The click was the user's gesture: start at once (a browser may still decline; the controls remain).
      audio.play().catch(() => undefined);
    } catch (err) {
      button.disabled = false;
      $('flagged-error').textContent = err.status === 404 ? 'فایل پیام صوتی این نظرسنجی پیدا نشد.' : err.message;
    }
  });
  td.append(button);
  return td;
}

async function refreshFlagged(stale = () => false) {
  $('flagged-error').textContent = '';
  const list = await (await api('/api/surveys/flagged?reviewed=false')).json();
  if (stale()) return;
  const head = document.createElement('tr');
  head.append(...['کد رهگیری', 'موضوع', 'منطقه', 'امتیاز', 'حل شد؟', 'پیام صوتی', 'زمان پاسخ', ''].map((t) => cell('th', t)));
  const rows = list.map((s) => {
    const tr = document.createElement('tr');
    const button = cell('button', 'بررسی شد');
    button.type = 'button';
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await api(`/api/surveys/${encodeURIComponent(s.id)}/review`, 'application/json', 'POST');
        const tbody = tr.parentElement;
        tr.remove();
        // The last one reviewed: say so, as a reload would, rather than leave a bare header.
        if (tbody && tbody.rows.length === 0) tbody.append(noFlaggedRow());
      } catch (err) {
        button.disabled = false;
        $('flagged-error').textContent = err.message;
      }
    });
    const action = document.createElement('td');
    action.append(button);
    tr.append(
      cell('td', toPersianDigits(s.trackingNumber), 'num'),
      cell('td', s.category ? (CATEGORY_NAMES[s.category] ?? s.category) : '—'),
      cell('td', s.district === null ? '—' : toPersianDigits(s.district)),
      cell('td', s.rating === null ? '—' : toPersianDigits(s.rating), `num${s.rating !== null && s.rating <= 2 ? ' red' : ''}`),
      cell('td', s.solved === null ? '—' : s.solved ? 'بله' : 'خیر', s.solved === false ? 'red' : ''),
      commentCell(s),
      cell('td', s.answeredAt ? dateTime.format(new Date(s.answeredAt)) : '—'),
      action,
    );
    return tr;
  });
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...(rows.length === 0 ? [noFlaggedRow()] : rows));
  for (const url of commentUrls.splice(0)) URL.revokeObjectURL(url);
  $('flagged-table').replaceChildren(thead, tbody);
}

/** Charts and table of an earlier period are taken away: under an error they would pass for this one's. */
function clearReport() {
  for (const id of ['chart-hourly', 'chart-service-level', 'chart-districts', 'report-table']) $(id).replaceChildren();
  $('table-title').textContent = 'جدول';
}

// Refreshes started so far. A second «نمایش» (or the one at sign-in) may be answered before an earlier one:
// only the latest draws, or the slow answer for the old period would overwrite the new one.
let refreshes = 0;

async function refresh() {
  const mine = ++refreshes;
  const stale = () => mine !== refreshes;
  $('report-error').textContent = '';
  const form = $('range-form');
  const wrong = checkPeriod(form.from.value, form.to.value);
  if (wrong) {
    clearReport();
    $('csat-table').replaceChildren();
    $('report-error').textContent = wrong;
    return;
  }
  try {
    const [hourly, queues, districts, table] = await Promise.all([
      report('calls', 'hour'),
      report('calls', 'queue'),
      report('cases', 'district'),
      report(form.kind.value, form.by.value),
    ]);
    if (stale()) return;
    columnChart($('chart-hourly'), {
      title: 'حجم تماس به تفکیک ساعت',
      labels: hourly.rows.filter((r) => r.key !== null).map((r) => toPersianDigits(r.key)),
      series: [
        { name: 'ورودی', values: hourly.rows.filter((r) => r.key !== null).map((r) => r.offered) },
        { name: 'پاسخ داده شده', values: hourly.rows.filter((r) => r.key !== null).map((r) => r.answered), className: 'secondary' },
      ],
    });
    ratioBars($('chart-service-level'), {
      title: 'سطح خدمت به تفکیک صف',
      labels: queues.rows.map((r) => r.label),
      values: queues.rows.map((r) => r.serviceLevel),
      target: SERVICE_LEVEL_TARGET,
    });
    const known = districts.rows.filter((r) => r.key !== null);
    columnChart($('chart-districts'), {
      title: 'پرونده‌ها به تفکیک منطقه',
      labels: known.map((r) => toPersianDigits(r.key)),
      series: [
        { name: 'ثبت شده', values: known.map((r) => r.opened) },
        { name: 'معوق', values: known.map((r) => r.overdue), className: 'bad' },
      ],
    });
    renderTable(table);
  } catch (err) {
    if (stale()) return;
    clearReport();
    $('report-error').textContent = err.message;
  }
  // Category names for the flagged list come from the category report.
  await report('satisfaction', 'category')
    .then((d) => d.rows.forEach((r) => r.key && (CATEGORY_NAMES[r.key] = r.label)))
    .catch(() => undefined);
  if (stale()) return;
  await Promise.all([
    refreshSatisfaction(stale).catch((err) => {
      if (stale()) return;
      $('csat-table').replaceChildren();
      $('report-error').textContent = err.message;
    }),
    refreshAgents(stale).catch((err) => {
      if (stale()) return;
      $('agents-table').replaceChildren();
      $('agents-error').textContent = err.message;
    }),
    refreshFlagged(stale).catch((err) => !stale() && ($('flagged-error').textContent = err.message)),
  ]);
}

function init() {
  const today = jalaliToday();
  const form = $('range-form');
  form.from.value = `${today.year}-${today.month}-01`;
  form.to.value = `${today.year}-${today.month}-${today.day}`;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    refresh();
  });
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = e.target.token.value.trim();
    e.target.reset();
    void signIn.useToken(token);
  });
  for (const button of document.querySelectorAll('button.csv[data-kind]')) {
    button.addEventListener('click', () => downloadCsv(button.dataset.kind, button.dataset.by).catch((err) => ($('report-error').textContent = err.message)));
  }
  $('table-csv').addEventListener('click', () =>
    downloadCsv(form.kind.value, form.by.value).catch((err) => ($('report-error').textContent = err.message)),
  );
  $('csat-by').addEventListener('change', () => refreshSatisfaction().catch((err) => ($('report-error').textContent = err.message)));
  $('csat-csv').addEventListener('click', () =>
    downloadCsv('satisfaction', $('csat-by').value).catch((err) => ($('report-error').textContent = err.message)),
  );
  $('agents-period').addEventListener('change', () => refreshAgents().catch((err) => ($('agents-error').textContent = err.message)));
  $('agents-csv').addEventListener('click', () => downloadFrom(agentReportUrl('csv'), 'agents.csv').catch((err) => ($('agents-error').textContent = err.message)));
  signIn.start();
}

init();
