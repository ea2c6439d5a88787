/**
 * The case workspace: supervisors and admins list, search, triage and work cases;
 * agents read them; district users are sent to their inbox. Plain DOM, no framework,
 * no build step, like the other pages whose helpers it shares.
 */
import {
  CASE_STATUS_LABELS,
  CATEGORY_OPTIONS,
  DISTRICT_COUNT,
  caseStatusLabel,
  categoryLabel,
  districtLabel,
  errorMessage,
  formatDateTime,
  formatPhone,
  toLatinDigits,
  toPersianDigits,
} from '../agent/format.js';
import { $, backToSignIn, createApi, keepSession, tokenStore, withSignInForm } from '../shared/session.js';
import { loadRecording } from '../shared/recording.js';
import { loadPhotos } from '../shared/photos.js';
import { CHANNEL_LABELS, VIEWS, caseActions, channelLabel, listQuery, mayAct, timelineEntries, workspaceErrorMessage } from './workspace.js';

const storedToken = tokenStore('hotline137.cases.token');

/** A link may open a saved view (the wallboard's overdue count links to `?view=overdue`). */
const askedView = new URLSearchParams(window.location.search).get('view');

const session = {
  token: storedToken.load(),
  role: null,
  view: askedView && Object.hasOwn(VIEWS, askedView) ? askedView : 'triage',
  cases: [],
  selected: new Set(),
  /** The case open in the case panel, as last read. */
  current: null,
  /** The blob URL of the recording playing, revoked when another case opens. */
  audioUrl: null,
  /** The blob URL of the recorded conversation playing. */
  conversationUrl: null,
  /** The case a duplicate search found. */
  original: null,
};

const api = createApi(session, () => showSignIn(errorMessage('HOTLINE_ERR_UNAUTHORIZED')));
const casePath = (tn) => `/api/cases/${encodeURIComponent(tn)}`;

// ---------------------------------------------------------------- sign-in

function forgetToken() {
  const token = session.token;
  session.token = null;
  storedToken.clear();
  if (token) fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => {});
}

function showSignIn(message = '') {
  session.role = null;
  $('case').hidden = true;
  backToSignIn(session, storedToken, 'workspace', message);
}

function signIn(event) {
  return withSignInForm(event, async (login) => {
    try {
      const signedIn = await api('POST', '/api/auth/login', login);
      keepSession(session, storedToken, signedIn.token);
      await openWorkspace();
    } catch (err) {
      if (session.token) {
        forgetToken();
        showSignIn(workspaceErrorMessage(err.code));
      } else {
        $('sign-in-error').textContent = workspaceErrorMessage(err.code);
      }
    }
  });
}

async function openWorkspace() {
  const me = await api('GET', '/api/auth/me');
  if (me.role === 'district') {
    forgetToken();
    showSignIn('کاربران مناطق پرونده‌های خود را در «کارتابل منطقه» (‎/district‎) می‌بینند.');
    return;
  }
  session.role = me.role;
  $('account-name').textContent = me.user?.displayName ?? me.id;
  $('sign-in').hidden = true;
  $('account').hidden = false;
  $('workspace').hidden = false;
  $('main').focus();
  await refresh();
}

// ---------------------------------------------------------------- the list

function option(select, value, label) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  select.append(o);
}

function fillSelects() {
  for (const [status, label] of Object.entries(CASE_STATUS_LABELS)) option($('filter-status'), status, label);
  for (const c of CATEGORY_OPTIONS) for (const id of ['filter-category', 'bulk-category', 'act-category']) option($(id), c.id, c.fa);
  for (let d = 1; d <= DISTRICT_COUNT; d++) {
    for (const id of ['filter-district', 'bulk-district', 'act-district']) option($(id), String(d), districtLabel(d));
  }
  for (const [channel, label] of Object.entries(CHANNEL_LABELS)) option($('filter-channel'), channel, label);
}

function formValues() {
  const form = $('filters');
  const data = new FormData(form);
  return { ...Object.fromEntries(data.entries()), overdue: data.has('overdue'), hasRecording: data.has('hasRecording') };
}

async function refresh() {
  $('filter-error').textContent = '';
  let query;
  try {
    query = listQuery(session.view, formValues());
  } catch (err) {
    $('filter-error').textContent = `تاریخ «${err.field === 'from' ? 'از' : 'تا'}» را به شکل ۱۴۰۵/۰۱/۰۹ بنویسید.`;
    return;
  }
  try {
    const { cases } = await api('GET', `/api/cases?${query}`);
    session.cases = cases;
    // Selections that left the list are dropped: bulk acts only on what is shown.
    const shown = new Set(cases.map((c) => c.trackingNumber));
    for (const tn of session.selected) if (!shown.has(tn)) session.selected.delete(tn);
    $('list-error').textContent = '';
    render();
  } catch (err) {
    if (session.token) $('list-error').textContent = workspaceErrorMessage(err.code);
  }
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function render() {
  for (const b of document.querySelectorAll('.views button')) b.setAttribute('aria-pressed', String(b.dataset.view === session.view));
  const acting = mayAct(session.role);
  const body = $('cases').tBodies[0];
  body.replaceChildren();
  if (session.cases.length === 0) cell(body.insertRow(), 'پرونده‌ای با این شرایط نیست.', 'empty').colSpan = 8;
  for (const c of session.cases) {
    const row = body.insertRow();
    row.dataset.trackingNumber = c.trackingNumber;
    const pick = cell(row, '', 'select-col');
    if (acting) {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = session.selected.has(c.trackingNumber);
      box.setAttribute('aria-label', `انتخاب ${toPersianDigits(c.trackingNumber)}`);
      box.addEventListener('change', () => {
        if (box.checked) session.selected.add(c.trackingNumber);
        else session.selected.delete(c.trackingNumber);
        renderBulk();
      });
      pick.append(box);
    }
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link number';
    open.textContent = toPersianDigits(c.trackingNumber);
    open.addEventListener('click', () => void openCase(c.trackingNumber));
    const tracking = cell(row, '');
    tracking.append(open);
    if (c.overdue) tracking.append(flag('معوق'));
    if (c.hasRecording) tracking.append(flag('صوتی', 'info'));
    cell(row, channelLabel(c.channel));
    cell(row, c.category ? categoryLabel(c.category) : 'بدون موضوع', c.category ? '' : 'missing');
    cell(row, c.district ? districtLabel(c.district) : 'بدون منطقه', c.district ? '' : 'missing');
    cell(row, caseStatusLabel(c.status));
    cell(row, formatDateTime(c.createdAt));
    cell(row, c.description ?? c.address ?? '—', 'description');
  }
  $('summary').textContent = `${VIEWS[session.view].label}: ${toPersianDigits(session.cases.length)} پرونده`;
  renderBulk();
}

function flag(text, kind = '') {
  const span = document.createElement('span');
  span.className = `flag ${kind}`.trim();
  span.textContent = text;
  return span;
}

function renderBulk() {
  const acting = mayAct(session.role);
  $('bulk').hidden = !acting || session.selected.size === 0;
  $('bulk-count').textContent = `${toPersianDigits(session.selected.size)} پرونده انتخاب شده است.`;
  const all = $('select-all');
  all.hidden = !acting;
  all.checked = session.cases.length > 0 && session.cases.every((c) => session.selected.has(c.trackingNumber));
}

function selectAll() {
  const on = $('select-all').checked;
  for (const c of session.cases) {
    if (on) session.selected.add(c.trackingNumber);
    else session.selected.delete(c.trackingNumber);
  }
  render();
}

async function applyBulk() {
  const category = $('bulk-category').value;
  const district = $('bulk-district').value;
  $('bulk-error').textContent = '';
  if (!category && !district) {
    $('bulk-error').textContent = 'موضوع یا منطقه‌ای برای اعمال انتخاب کنید.';
    return;
  }
  const body = { trackingNumbers: [...session.selected] };
  if (category) body.category = category;
  if (district) body.district = Number(district);
  $('bulk-apply').disabled = true;
  try {
    const { results } = await api('POST', '/api/cases/bulk', body);
    const left = results.filter((r) => r.outcome !== 'changed');
    session.selected.clear();
    $('bulk-category').value = '';
    $('bulk-district').value = '';
    await refresh();
    $('summary').textContent +=
      `؛ ${toPersianDigits(results.length - left.length)} پرونده به‌روز شد` +
      (left.length ? `، ${toPersianDigits(left.length)} پرونده تغییر نکرد (بسته یا تغییرکرده)` : '');
  } catch (err) {
    $('bulk-error').textContent = workspaceErrorMessage(err.code);
  } finally {
    $('bulk-apply').disabled = false;
  }
}

// ---------------------------------------------------------------- one case

function detail(list, term, value, className) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  if (className) dd.className = className;
  list.append(dt, dd);
  return dd;
}

/**
 * The case's recorded conversations with agents: each plays in one player from a blob
 * URL (the audio needs the token), which gives the player its seek bar.
 */
async function loadConversations(trackingNumber) {
  const list = $('conversation-list');
  list.replaceChildren();
  $('conversation-error').textContent = '';
  if (session.conversationUrl) URL.revokeObjectURL(session.conversationUrl);
  session.conversationUrl = null;
  $('conversation-audio').removeAttribute('src');
  // A page whose role may not list recordings shows none rather than an error.
  const recordings = await api('GET', `/api/recordings?trackingNumber=${encodeURIComponent(trackingNumber)}`).then(
    (body) => body.recordings,
    () => [],
  );
  $('case-conversations').hidden = recordings.length === 0;
  for (const r of recordings) {
    const item = document.createElement('li');
    const when = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'Asia/Tehran', dateStyle: 'short', timeStyle: 'short' }).format(new Date(r.startedAt));
    item.textContent = `${when} — ${r.agentName ?? 'کارشناس'} `;
    if (r.available) {
      const play = document.createElement('button');
      play.type = 'button';
      play.textContent = 'پخش';
      play.dataset.recordingId = r.id;
      play.addEventListener('click', () => void playConversation(r.id));
      item.append(play);
    } else {
      item.append('(پس از مدت نگهداری حذف شد)');
    }
    list.append(item);
  }
}

async function playConversation(id) {
  $('conversation-error').textContent = '';
  try {
    const res = await fetch(`/api/recordings/${id}/audio`, { headers: { authorization: `Bearer ${session.token}` }, cache: 'no-store' });
    if (!res.ok) throw new Error(String(res.status));
    if (session.conversationUrl) URL.revokeObjectURL(session.conversationUrl);
    session.conversationUrl = URL.createObjectURL(await res.blob());
    $('conversation-audio').src = session.conversationUrl;
    await $('conversation-audio').play().catch(() => undefined);
  } catch {
    $('conversation-error').textContent = 'مکالمه بارگیری نشد.';
  }
}

async function openCase(trackingNumber) {
  $('action-error').textContent = '';
  $('action-done').textContent = '';
  try {
    const c = await api('GET', casePath(trackingNumber));
    const [timeline, surveys] = await Promise.all([
      api('GET', `${casePath(trackingNumber)}/timeline`),
      // Surveys are for supervisors and admins; an agent's page goes without them.
      mayAct(session.role) ? api('GET', `${casePath(trackingNumber)}/surveys`).catch(() => []) : Promise.resolve([]),
    ]);
    session.current = c;
    renderCase(c, timeline, surveys);
    $('workspace').hidden = true;
    $('case').hidden = false;
    $('case-title').focus?.();
    await loadRecording(session, c);
    await loadPhotos(session, c.trackingNumber);
    await loadConversations(c.trackingNumber);
  } catch (err) {
    $('list-error').textContent = workspaceErrorMessage(err.code);
  }
}

function renderCase(c, timeline, surveys) {
  $('case-tracking').textContent = toPersianDigits(c.trackingNumber);
  $('case-status').textContent = caseStatusLabel(c.status);
  const list = $('case-details');
  list.replaceChildren();
  detail(list, 'راه ثبت', channelLabel(c.channel));
  detail(list, 'موضوع', c.category ? categoryLabel(c.category) : 'بدون موضوع');
  detail(list, 'منطقه', c.district ? districtLabel(c.district) : 'بدون منطقه');
  if (c.unit) detail(list, 'واحد یا سازمان', c.unit, 'ltr');
  if (c.lat !== null && c.long !== null) detail(list, 'موقعیت', `${c.lat}, ${c.long}`, 'number ltr');
  detail(list, 'تلفن', formatPhone(c.callerPhone), 'number ltr');
  // How an e-mail's sender or an Open311 app's user asked to be reached (staff only).
  const name = [c.reporter?.firstName, c.reporter?.lastName].filter(Boolean).join(' ');
  if (name) detail(list, 'نام گزارش‌دهنده', name);
  if (c.reporter?.email) detail(list, 'ایمیل', c.reporter.email, 'ltr');
  if (c.reporter?.phone) detail(list, 'تلفن دیگر', c.reporter.phone, 'number ltr');
  detail(list, 'نشانی', c.address ?? '—');
  detail(list, 'شرح', c.description ?? '—', 'description');
  detail(list, 'تاریخ ثبت', formatDateTime(c.createdAt));
  detail(list, 'مهلت رسیدگی', c.dueAt ? formatDateTime(c.dueAt) + (c.overdue ? ' (گذشته)' : '') : '—');
  if (c.duplicateOf) detail(list, 'تکراریِ', session.original?.id === c.duplicateOf ? toPersianDigits(session.original.trackingNumber) : 'پرونده‌ای دیگر');

  const actions = caseActions(session.role, c);
  $('case-actions').hidden = actions.length === 0;
  for (const el of document.querySelectorAll('#case-actions [data-action]')) el.hidden = !actions.includes(el.dataset.action);
  $('act-category').value = c.category ?? CATEGORY_OPTIONS[0].id;
  $('act-district').value = c.district ? String(c.district) : '1';
  $('do-district').textContent = c.district ? 'ارجاع دوباره به منطقهٔ دیگر' : 'ارجاع به منطقه';
  $('act-lat').value = c.lat ?? '';
  $('act-long').value = c.long ?? '';
  $('act-note').value = '';
  $('act-duplicate').value = '';
  $('duplicate-found').textContent = '';
  $('do-duplicate').hidden = true;

  const ol = $('timeline');
  ol.replaceChildren();
  for (const entry of timelineEntries(c.events, timeline, surveys)) {
    const li = document.createElement('li');
    li.dataset.kind = entry.kind;
    const when = document.createElement('time');
    when.dateTime = entry.at;
    when.textContent = formatDateTime(entry.at);
    const title = document.createElement('strong');
    title.textContent = entry.title;
    li.append(when, ' ', title);
    if (entry.detail) li.append(document.createElement('br'), entry.detail);
    if (entry.actor) {
      const who = document.createElement('span');
      who.className = 'muted small';
      who.textContent = ` — ${entry.actor}`;
      li.append(who);
    }
    ol.append(li);
  }
}

/** A coordinate as typed on a phone: Persian digits, the Persian decimal separator «٫». */
const coordinate = (text) => Number(toLatinDigits(text.trim()).replace('٫', '.'));

/** Pins the case; the server routes it by the point when it has no district yet. */
async function locate() {
  const c = session.current;
  $('action-error').textContent = '';
  $('action-done').textContent = '';
  const lat = coordinate($('act-lat').value);
  const long = coordinate($('act-long').value);
  if (!$('act-lat').value.trim() || !$('act-long').value.trim() || !Number.isFinite(lat) || !Number.isFinite(long) || Math.abs(lat) > 90 || Math.abs(long) > 180) {
    $('action-error').textContent = 'عرض (۹۰- تا ۹۰) و طول جغرافیایی (۱۸۰- تا ۱۸۰) را با عدد بنویسید، مثلاً ۳۵٫۷۲ و ۵۱٫۳۳.';
    return;
  }
  try {
    const { routedByLocation, case: changed } = await api('PUT', `${casePath(c.trackingNumber)}/location`, { lat, long });
    await openCase(c.trackingNumber);
    $('action-done').textContent = routedByLocation
      ? `موقعیت ثبت شد و پرونده به ${districtLabel(changed.district)} ارجاع شد.`
      : changed.district || changed.unit
        ? 'موقعیت ثبت شد؛ ارجاع پرونده تغییری نکرد.'
        : 'موقعیت ثبت شد، ولی در مرز هیچ منطقه‌ای نیست؛ منطقه را خودتان انتخاب کنید.';
  } catch (err) {
    $('action-error').textContent = workspaceErrorMessage(err.code);
  }
}

async function act(body, done) {
  const c = session.current;
  $('action-error').textContent = '';
  $('action-done').textContent = '';
  try {
    await api('PATCH', casePath(c.trackingNumber), body);
    await openCase(c.trackingNumber);
    $('action-done').textContent = done;
  } catch (err) {
    $('action-error').textContent = workspaceErrorMessage(err.code);
  }
}

function noteOrAsk(what) {
  const note = $('act-note').value.trim();
  if (!note) {
    $('action-error').textContent = `برای ${what} دلیل آن را در «یادداشت یا دلیل» بنویسید.`;
    $('act-note').focus();
  }
  return note;
}

async function findDuplicate() {
  const tn = toLatinDigits($('act-duplicate').value).replace(/\D/g, '');
  session.original = null;
  $('do-duplicate').hidden = true;
  $('duplicate-found').textContent = '';
  if (tn === session.current.trackingNumber) {
    $('duplicate-found').textContent = 'پرونده نمی‌تواند تکراریِ خودش باشد.';
    return;
  }
  try {
    const original = await api('GET', casePath(tn));
    session.original = original;
    $('duplicate-found').textContent =
      `${toPersianDigits(original.trackingNumber)}: ${categoryLabel(original.category)}، ${districtLabel(original.district)}، ` +
      `${caseStatusLabel(original.status)} — ${original.description ?? original.address ?? ''}`;
    $('do-duplicate').hidden = false;
  } catch (err) {
    $('duplicate-found').textContent = workspaceErrorMessage(err.code);
  }
}

function wireActions() {
  $('do-category').addEventListener('click', () => void act({ category: $('act-category').value }, 'موضوع تغییر کرد.'));
  $('do-location').addEventListener('click', () => void locate());
  $('do-district').addEventListener('click', () => void act({ district: Number($('act-district').value) }, 'پرونده به منطقه ارجاع شد.'));
  $('do-note').addEventListener('click', () => {
    const note = noteOrAsk('یادداشت');
    if (note) void act({ note }, 'یادداشت افزوده شد.');
  });
  $('do-reject').addEventListener('click', () => {
    const note = noteOrAsk('رد پرونده');
    if (note) void act({ status: 'rejected', note }, 'پرونده رد شد.');
  });
  $('do-close').addEventListener('click', () => {
    const note = $('act-note').value.trim();
    void act(note ? { status: 'closed', note } : { status: 'closed' }, 'پرونده بسته شد.');
  });
  $('do-reopen').addEventListener('click', () => {
    const note = noteOrAsk('بازگشایی');
    if (note) void act({ status: 'reopened', note }, 'پرونده بازگشایی شد.');
  });
  $('find-duplicate').addEventListener('click', () => void findDuplicate());
  $('do-duplicate').addEventListener('click', () => {
    const note = $('act-note').value.trim();
    const body = { status: 'duplicate', duplicateOf: session.original.trackingNumber, ...(note ? { note } : {}) };
    void act(body, 'پرونده به عنوان تکراری ثبت شد.');
  });
}

function backToList() {
  $('case').hidden = true;
  $('workspace').hidden = false;
  void refresh();
}

// ---------------------------------------------------------------- start

function wire() {
  fillSelects();
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => {
    forgetToken();
    showSignIn();
  });
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void refresh();
  });
  $('filters').addEventListener('reset', () => setTimeout(() => void refresh()));
  for (const b of document.querySelectorAll('.views button')) {
    b.addEventListener('click', () => {
      session.view = b.dataset.view;
      void refresh();
    });
  }
  $('select-all').addEventListener('change', selectAll);
  $('bulk-apply').addEventListener('click', () => void applyBulk());
  $('back').addEventListener('click', backToList);
  wireActions();
}

wire();
if (session.token) {
  openWorkspace().catch((err) => {
    if (session.token) showSignIn(workspaceErrorMessage(err.code));
  });
} else {
  $('username').focus();
}
