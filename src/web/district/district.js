/**
 * The district inbox: a district user signs in, sees their district's cases with the
 * time left on each SLA, and acknowledges, starts and resolves them. Plain DOM, no
 * framework, no build step, like the agent desktop whose helpers it shares.
 */
import { caseStatusLabel, categoryLabel, districtLabel, formatDateTime, toPersianDigits } from '../agent/format.js';
import { DISTRICT_ACTIONS, allowedActions, formatCountdown, inboxErrorMessage, isOpenStatus } from './inbox.js';
import { $ } from '../shared/session.js';
import { createSignIn, showSignedIn } from '../shared/sign-in.js';
import { loadRecording } from '../shared/recording.js';
import { loadPhotos } from '../shared/photos.js';
import { DECLINABLE, channelLabel, timelineEntries } from '../cases/workspace.js';

/** New cases reach the district at any time; half a minute is fresh enough for a work list. */
const REFRESH_MS = 30_000;
/** The API's page limit: far more than a district's open cases. */
const LIST_LIMIT = 200;

// ---------------------------------------------------------------- sign-in and API

const signIn = createSignIn({
  storageKey: 'hotline137.district.token',
  pageId: 'inbox',
  open: openInbox,
  close: () => {
    clearInterval(session.refreshTimer);
    session.refreshTimer = null;
    session.district = null;
    session.cases = [];
    session.current = null;
    $('case').hidden = true;
    $('district-name').textContent = '';
  },
  errorText: inboxErrorMessage,
});
const { api } = signIn;

const session = Object.assign(signIn.session, {
  district: null,
  /** The cases as last listed, newest first. */
  cases: [],
  refreshTimer: null,
  /** The case whose resolve dialog is open. */
  resolving: null,
  /** The case open in the case panel, as last read. */
  current: null,
  /** The blob URL of the recording playing, revoked when another case opens. */
  audioUrl: null,
});

/** Only district users have an inbox: anyone else is told so and their session ends. */
async function openInbox() {
  const me = await api('GET', '/api/auth/me');
  if (me.role !== 'district' || !Number.isInteger(me.district)) {
    return 'این صفحه ویژهٔ کاربران مناطق است؛ با حساب کاربری منطقه وارد شوید.';
  }
  session.district = me.district;
  $('district-name').textContent = toPersianDigits(me.district);
  $('account-name').textContent = `${me.user?.displayName ?? me.id} — ${districtLabel(me.district)}`;
  showSignedIn('inbox');
  $('main').focus();
  await refresh();
  clearInterval(session.refreshTimer);
  session.refreshTimer = setInterval(() => void refresh(), REFRESH_MS);
  return null;
}

// ---------------------------------------------------------------- the list

const showingAll = () => document.querySelector('input[name="filter"]:checked')?.value === 'all';

async function refresh() {
  if (!session.token || session.district === null) return;
  try {
    const { cases } = await api('GET', `/api/cases?limit=${LIST_LIMIT}`);
    session.cases = cases;
    $('inbox-error').textContent = '';
    $('updated').textContent = `آخرین به‌روزرسانی: ${formatDateTime(new Date().toISOString())}`;
    render();
  } catch (err) {
    if (session.token) $('inbox-error').textContent = inboxErrorMessage(err.code);
  }
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** Open cases first, the one due soonest on top (the late ones); finished cases after them, newest first. */
function byUrgency(a, b) {
  const openFirst = Number(isOpenStatus(b.status)) - Number(isOpenStatus(a.status));
  if (openFirst !== 0) return openFirst;
  if (!isOpenStatus(a.status)) return Date.parse(b.createdAt) - Date.parse(a.createdAt);
  const due = (c) => (c.dueAt ? Date.parse(c.dueAt) : Number.POSITIVE_INFINITY);
  return due(a) - due(b) || Date.parse(b.createdAt) - Date.parse(a.createdAt);
}

function render() {
  const all = showingAll();
  const shown = session.cases.filter((c) => all || isOpenStatus(c.status)).sort(byUrgency);
  const body = $('cases').tBodies[0];
  body.replaceChildren();
  if (shown.length === 0) {
    cell(body.insertRow(), all ? 'پرونده‌ای برای این منطقه ثبت نشده است.' : 'پروندهٔ بازی ندارید.', 'empty').colSpan = 8;
  }
  for (const c of shown) {
    const row = body.insertRow();
    row.dataset.trackingNumber = c.trackingNumber;
    row.dataset.status = c.status;
    const tracking = cell(row, toPersianDigits(c.trackingNumber), 'number');
    if (c.overdue) {
      const flag = document.createElement('span');
      flag.className = 'flag';
      flag.textContent = 'معوق';
      tracking.append(flag);
    }
    cell(row, categoryLabel(c.category));
    cell(row, c.address ?? '—');
    cell(row, c.description ?? (c.hasRecording ? 'پیام صوتی (در جزئیات پرونده بشنوید)' : '—'), 'description');
    cell(row, caseStatusLabel(c.status), 'status');
    cell(row, formatDateTime(c.createdAt));
    const countdown = cell(row, '', 'countdown number');
    countdown.dataset.dueAt = c.dueAt ?? '';
    // Only open cases run against their SLA; a finished one shows no clock.
    countdown.dataset.running = String(isOpenStatus(c.status));
    const actions = cell(row, '', 'actions');
    const details = document.createElement('button');
    details.type = 'button';
    details.textContent = 'جزئیات';
    details.className = 'details';
    details.addEventListener('click', () => void openCase(c.trackingNumber));
    actions.append(details);
    appendActionButtons(actions, c);
  }
  const open = session.cases.filter((c) => isOpenStatus(c.status));
  const overdue = open.filter((c) => c.overdue || formatCountdown(c.dueAt, Date.now()).overdue).length;
  $('summary').textContent =
    `${toPersianDigits(open.length)} پروندهٔ باز` + (overdue ? `، ${toPersianDigits(overdue)} پرونده با مهلت گذشته` : '');
  tick();
}

/** Every second: the countdowns, and a row turns red the moment its due time passes. */
function tick() {
  const now = Date.now();
  for (const row of $('cases').tBodies[0].rows) {
    const countdown = row.querySelector('td.countdown');
    if (!countdown) continue;
    const c = session.cases.find((x) => x.trackingNumber === row.dataset.trackingNumber);
    if (countdown.dataset.running !== 'true') {
      countdown.textContent = '—';
      row.classList.remove('overdue');
      continue;
    }
    const left = formatCountdown(countdown.dataset.dueAt, now);
    countdown.textContent = left.text;
    row.classList.toggle('overdue', left.overdue || Boolean(c?.overdue));
  }
}

// ---------------------------------------------------------------- actions

async function changeStatus(c, status, note) {
  const body = note === undefined ? { status } : { status, note };
  await api('PATCH', `/api/cases/${encodeURIComponent(c.trackingNumber)}`, body);
}

async function act(c, action, button) {
  $('inbox-error').textContent = '';
  if (action.needsNote) {
    openResolve(c);
    return;
  }
  button.disabled = true;
  try {
    await changeStatus(c, action.status);
  } catch (err) {
    $('inbox-error').textContent = inboxErrorMessage(err.code);
    $('case-error').textContent = inboxErrorMessage(err.code);
  }
  await refresh();
  if (session.current?.trackingNumber === c.trackingNumber) await openCase(c.trackingNumber);
}

// ---------------------------------------------------------------- one case

const casePath = (tn) => `/api/cases/${encodeURIComponent(tn)}`;

function detail(list, term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

/** Everything the district needs to work one case: details, number, recording, history, actions. */
async function openCase(trackingNumber) {
  $('case-error').textContent = '';
  try {
    const [c, timeline] = await Promise.all([api('GET', casePath(trackingNumber)), api('GET', `${casePath(trackingNumber)}/timeline`)]);
    session.current = c;
    $('case-tracking').textContent = toPersianDigits(c.trackingNumber);
    $('case-status').textContent = caseStatusLabel(c.status);
    const list = $('case-details');
    list.replaceChildren();
    detail(list, 'موضوع', categoryLabel(c.category));
    detail(list, 'راه ثبت', channelLabel(c.channel));
    // An e-mail's sender, masked for districts like the number.
    if (c.reporter?.email) detail(list, 'ایمیل', c.reporter.email);
    detail(list, 'نشانی', c.address ?? '—');
    detail(list, 'شرح', c.description ?? (c.hasRecording ? 'پیام صوتی؛ در زیر بشنوید.' : '—'));
    detail(list, 'تاریخ ثبت', formatDateTime(c.createdAt));
    detail(list, 'مهلت رسیدگی', c.dueAt ? formatDateTime(c.dueAt) : '—');
    $('case-phone').textContent = c.callerPhone ? toPersianDigits(c.callerPhone) : 'ناشناس';
    $('reveal-phone').hidden = !c.callerPhone;
    renderCaseButtons(c);
    $('decline').hidden = !DECLINABLE.includes(c.status);
    $('decline-note').value = '';
    const history = $('history');
    history.replaceChildren();
    for (const entry of timelineEntries(c.events, timeline, [])) {
      const li = document.createElement('li');
      const when = document.createElement('time');
      when.dateTime = entry.at;
      when.textContent = formatDateTime(entry.at);
      li.append(when, ' ', entry.title, entry.detail ? ` — ${entry.detail}` : '');
      history.append(li);
    }
    $('inbox').hidden = true;
    $('case').hidden = false;
    await loadRecording(session, c);
    await loadPhotos(session, c.trackingNumber);
  } catch (err) {
    $('inbox-error').textContent = inboxErrorMessage(err.code);
  }
}

/** The status changes the lifecycle allows a district for this case, as buttons (in the list and the case panel). */
function appendActionButtons(container, c) {
  const allowed = allowedActions(c.status);
  for (const action of DISTRICT_ACTIONS) {
    if (!allowed.includes(action.status)) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = action.label;
    button.className = action.status === 'resolved' ? 'primary' : '';
    button.addEventListener('click', () => void act(c, action, button));
    container.append(button);
  }
}

function renderCaseButtons(c) {
  const box = $('case-buttons');
  box.replaceChildren();
  appendActionButtons(box, c);
}

/** Asking for the number is recorded on the case (who, when): the API answers it in full. */
async function revealPhone() {
  const c = session.current;
  try {
    const { callerPhone } = await api('POST', `${casePath(c.trackingNumber)}/reveal-phone`);
    $('case-phone').textContent = toPersianDigits(callerPhone ?? '');
    $('reveal-phone').hidden = true;
  } catch (err) {
    $('case-error').textContent = inboxErrorMessage(err.code);
  }
}

async function decline() {
  const c = session.current;
  const note = $('decline-note').value.trim();
  if (!note) {
    $('case-error').textContent = 'بنویسید چرا این پرونده مربوط به منطقهٔ شما نیست.';
    $('decline-note').focus();
    return;
  }
  try {
    await api('POST', `${casePath(c.trackingNumber)}/decline`, { note });
    await closeCase();
    $('summary').textContent = `پروندهٔ ${toPersianDigits(c.trackingNumber)} برای ارجاع دوباره به ۱۳۷ برگشت.`;
  } catch (err) {
    $('case-error').textContent = inboxErrorMessage(err.code);
  }
}

function closeCase() {
  session.current = null;
  if (session.audioUrl) URL.revokeObjectURL(session.audioUrl);
  session.audioUrl = null;
  $('case').hidden = true;
  $('inbox').hidden = false;
  return refresh();
}

function openResolve(c) {
  session.resolving = c;
  $('resolve-tracking').textContent = toPersianDigits(c.trackingNumber);
  $('resolve-note').value = '';
  $('resolve-error').textContent = '';
  $('resolve-dialog').showModal();
  $('resolve-note').focus();
}

async function submitResolve(event) {
  event.preventDefault();
  const c = session.resolving;
  if (!c) return;
  const note = $('resolve-note').value.trim();
  if (!note) {
    $('resolve-error').textContent = 'شرح اقدام انجام‌شده را بنویسید.';
    $('resolve-note').focus();
    return;
  }
  const button = event.currentTarget.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    await changeStatus(c, 'resolved', note);
    session.resolving = null;
    $('resolve-dialog').close();
    await refresh();
    if (session.current?.trackingNumber === c.trackingNumber) await openCase(c.trackingNumber);
  } catch (err) {
    $('resolve-error').textContent = inboxErrorMessage(err.code);
  } finally {
    button.disabled = false;
  }
}

function cancelResolve() {
  session.resolving = null;
  $('resolve-dialog').close();
}

// ---------------------------------------------------------------- start

function wire() {
  $('refresh').addEventListener('click', () => void refresh());
  for (const radio of document.querySelectorAll('input[name="filter"]')) radio.addEventListener('change', render);
  $('resolve-form').addEventListener('submit', submitResolve);
  $('back').addEventListener('click', () => void closeCase());
  $('reveal-phone').addEventListener('click', () => void revealPhone());
  $('do-decline').addEventListener('click', () => void decline());
  $('resolve-cancel').addEventListener('click', cancelResolve);
  $('resolve-dialog').addEventListener('close', () => {
    session.resolving = null;
  });
  setInterval(tick, 1000);
}

wire();
signIn.start();
