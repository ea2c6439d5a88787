/**
 * The agent desktop: sign in, change one's own state, receive screen pops over the
 * agent's event stream and register the caller's case. Plain DOM, no framework: the
 * page must be quick on an old office PC and readable without a build step.
 */
import {
  CATEGORY_OPTIONS,
  DISTRICT_COUNT,
  USER_PAUSE_REASONS,
  callOutcomeLabel,
  caseStatusLabel,
  categoryLabel,
  citizenNotes,
  districtLabel,
  errorMessage,
  formatDateTime,
  formatDuration,
  formatPhone,
  normalizeTrackingNumber,
  pauseReasonLabel,
  queueLabel,
  secondsSince,
  secondsUntil,
  deskStateLabel,
  PHONE_UNREACHABLE_NOTICE,
  toPersianDigits,
} from './format.js';
import { backoffDelay, createSseParser } from './sse.js';
import { disputeLabel, formatScore, qaErrorMessage } from '../qa/qa-view.js';
import { $ } from '../shared/session.js';
import { createSignIn, showSignedIn } from '../shared/sign-in.js';
import { showSuggestions } from '../knowledge/suggestions.js';

/** The server pings well within this; silence longer than it means a dead connection. */
const STREAM_SILENCE_MS = 60_000;

// ---------------------------------------------------------------- sign-in and API

const signIn = createSignIn({
  storageKey: 'hotline137.agent.token',
  pageId: 'desk',
  open: openDesk,
  close: () => {
    stopStream();
    session.agent = null;
  },
  errorText: errorMessage,
});
const { api } = signIn;

const session = Object.assign(signIn.session, {
  /** AgentView of the signed-in agent, as the server last told it. */
  agent: null,
  /** The ScreenPop on show, plus what happened to it on this page. */
  pop: null,
  /** Aborts the event stream and its reconnect loop on sign-out. */
  streamAbort: null,
});

const agentPath = (action) => `/api/agents/${encodeURIComponent(session.agent.id)}/${action}`;

/** Agents only: for anyone else /api/agents/me answers 403 and the sign-in shows why. */
async function openDesk() {
  const agent = await api('GET', '/api/agents/me');
  showSignedIn('desk');
  $('account-name').textContent = agent.displayName;
  showAgent(agent);
  startStream(agent.id);
  $('main').focus();
  await loadMyScores();
}

// ---------------------------------------------------------------- agent state

function showAgent(agent) {
  session.agent = agent;
  $('agent-name').textContent = agent.displayName;
  const state = $('agent-state');
  state.textContent = deskStateLabel(agent);
  const unreachable = agent.phoneReachable === false && agent.state !== 'logged_out';
  state.dataset.state = unreachable ? 'unreachable' : agent.state;
  $('phone-warning').hidden = !unreachable;
  $('phone-warning').textContent = unreachable ? PHONE_UNREACHABLE_NOTICE : '';
  $('agent-reason').textContent = agent.state === 'paused' && agent.pauseReason ? `(${pauseReasonLabel(agent.pauseReason)})` : '';
  const s = agent.state;
  $('queue-login').disabled = s !== 'logged_out';
  $('pause').disabled = !['available', 'paused', 'wrap_up'].includes(s);
  $('pause-reason').disabled = $('pause').disabled;
  $('unpause').disabled = s !== 'paused';
  $('end-wrap-up').disabled = s !== 'wrap_up';
  $('queue-logout').disabled = !['available', 'paused', 'wrap_up'].includes(s);
  tick();
}

/** Clocks on the page: time in state and the wrap-up countdown. */
function tick() {
  const agent = session.agent;
  if (!agent) return;
  const now = Date.now();
  $('agent-time').textContent = formatDuration(secondsSince(agent.since, now));
  const wrapping = agent.state === 'wrap_up' && Boolean(agent.wrapUpUntil);
  $('wrap-up-label').hidden = !wrapping;
  $('wrap-up-left').hidden = !wrapping;
  if (wrapping) $('wrap-up-left').textContent = formatDuration(secondsUntil(agent.wrapUpUntil, now));
}

async function changeState(button, action, body) {
  $('desk-error').textContent = '';
  button.disabled = true;
  try {
    showAgent(await api('POST', agentPath(action), body));
  } catch (err) {
    $('desk-error').textContent = errorMessage(err.code);
    if (session.agent) showAgent(session.agent);
  }
}

// ---------------------------------------------------------------- event stream

function setConnected(connected) {
  const el = $('connection');
  el.dataset.connected = String(connected);
  el.textContent = connected ? 'اتصال به سامانه برقرار است.' : 'اتصال به سامانه قطع است؛ در حال تلاش دوباره…';
}

function stopStream() {
  session.streamAbort?.abort();
  session.streamAbort = null;
}

function startStream(agentId) {
  stopStream();
  const controller = new AbortController();
  session.streamAbort = controller;
  void streamLoop(agentId, controller.signal);
}

function wait(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/** Keeps one stream open for as long as the agent is signed in, reconnecting with backoff. */
async function streamLoop(agentId, signal) {
  let attempt = 0;
  while (!signal.aborted) {
    const connection = new AbortController();
    const abortConnection = () => connection.abort();
    signal.addEventListener('abort', abortConnection, { once: true });
    let watchdog;
    const feedWatchdog = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(abortConnection, STREAM_SILENCE_MS);
    };
    try {
      const res = await fetch(`/api/agents/${encodeURIComponent(agentId)}/events`, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${session.token}` },
        cache: 'no-store',
        signal: connection.signal,
      });
      if (res.status === 401) {
        signIn.backToForm(errorMessage('HOTLINE_ERR_UNAUTHORIZED'));
        return;
      }
      if (!res.ok || !res.body) throw new Error(`event stream answered HTTP ${res.status}`);
      setConnected(true);
      feedWatchdog();
      // The state may have changed while the stream was down.
      api('GET', '/api/agents/me').then(showAgent, () => {});
      const parser = createSseParser((message) => {
        attempt = 0;
        onServerEvent(message);
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        feedWatchdog();
        parser.push(value);
      }
    } catch {
      // A dropped connection or an aborted one: both end up reconnecting below, unless signed out.
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener('abort', abortConnection);
    }
    if (signal.aborted) return;
    setConnected(false);
    await wait(backoffDelay(attempt), signal);
    attempt += 1;
  }
}

function onServerEvent({ event, data }) {
  let payload;
  try {
    payload = JSON.parse(data);
  } catch {
    return;
  }
  if (event === 'state') showAgent(payload);
  else if (event === 'screen-pop') showPop(payload);
  else if (event === 'call-ended') callEnded(payload);
}

// ---------------------------------------------------------------- screen pop

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** Empties a history table; a single row says so when there is nothing to list. */
function clearTable(table, rows, columns) {
  const body = table.tBodies[0];
  body.replaceChildren();
  if (rows.length === 0) cell(body.insertRow(), 'موردی ثبت نشده است.', 'empty').colSpan = columns;
  return body;
}

function showHistory(history) {
  const cases = clearTable($('history-cases'), history.cases, 6);
  for (const c of history.cases) {
    const row = cases.insertRow();
    cell(row, toPersianDigits(c.trackingNumber), 'number');
    cell(row, caseStatusLabel(c.status));
    cell(row, categoryLabel(c.category));
    cell(row, districtLabel(c.district));
    cell(row, formatDateTime(c.createdAt));
    cell(row, c.description ?? '—');
  }
  const calls = clearTable($('history-calls'), history.calls, 4);
  for (const call of history.calls) {
    const row = calls.insertRow();
    cell(row, formatDateTime(call.startedAt));
    cell(row, callOutcomeLabel(call.outcome));
    cell(row, queueLabel(call.queue));
    cell(row, call.caseTrackingNumber ? toPersianDigits(call.caseTrackingNumber) : '—', 'number');
  }
}

function showCitizen(citizen) {
  const list = $('pop-citizen');
  list.replaceChildren(
    ...citizenNotes(citizen).map((note) => {
      const li = document.createElement('li');
      li.textContent = note.text;
      if (note.warn) li.dataset.tone = 'warn';
      return li;
    }),
  );
}

function showPop(pop) {
  session.pop = { ...pop, caseDone: false };
  $('pop-empty').hidden = true;
  $('pop-body').hidden = false;
  $('pop-caller').textContent = formatPhone(pop.caller);
  $('pop-category').textContent = categoryLabel(pop.category);
  $('pop-district').textContent = districtLabel(pop.district);
  $('pop-queue').textContent = queueLabel(pop.queue);
  $('pop-waited').textContent = formatDuration(pop.waitedSeconds);
  $('pop-connected').textContent = formatDateTime(pop.connectedAt);
  $('pop-ended').hidden = true;
  showCitizen(pop.citizen);
  showHistory(pop.history ?? { calls: [], cases: [] });

  const category = pop.category ?? (CATEGORY_OPTIONS.some((c) => c.id === pop.queue) ? pop.queue : '');
  $('case-category').value = category;
  void showSuggestions({ api, pop, category, container: $('pop-articles') });
  $('case-district').value = pop.district ? String(pop.district) : '';
  $('case-address').value = '';
  $('case-description').value = '';
  $('link-tracking').value = '';
  $('case-result').replaceChildren();
  $('case-error').textContent = '';
  setCaseFormsEnabled(true);

  const parts = [`تماس جدید از ${formatPhone(pop.caller)}`];
  if (pop.category) parts.push(categoryLabel(pop.category));
  if (pop.district) parts.push(districtLabel(pop.district));
  parts.push(`${formatDuration(pop.waitedSeconds)} انتظار`);
  $('pop-announcement').textContent = parts.join('، ');
}

/** The pop's call ended: matched by Asterisk's uniqueid, which every ended call has (its callId may be unknown to the engine). */
function callEnded({ uniqueId, talkSeconds }) {
  if (!session.pop || session.pop.uniqueId !== uniqueId) return;
  $('pop-announcement').textContent = '';
  const ended = $('pop-ended');
  ended.textContent = `تماس پایان یافت؛ مدت مکالمه ${formatDuration(talkSeconds)}.`;
  ended.hidden = false;
}

function closePop() {
  session.pop = null;
  $('pop-body').hidden = true;
  $('pop-empty').hidden = false;
  $('pop-announcement').textContent = '';
}

function setCaseFormsEnabled(enabled) {
  for (const form of [$('case-form'), $('link-form')]) {
    for (const el of form.elements) el.disabled = !enabled;
  }
}

function showCaseResult(created, verb) {
  session.pop.caseDone = true;
  setCaseFormsEnabled(false);
  const strong = document.createElement('strong');
  strong.id = 'case-tracking';
  strong.className = 'number';
  strong.textContent = toPersianDigits(created.trackingNumber);
  $('case-result').replaceChildren(`پرونده با کد رهگیری `, strong, ` ${verb}.`);
}

async function submitCase(event) {
  event.preventDefault();
  const form = event.currentTarget;
  if (!session.pop || session.pop.caseDone || !form.reportValidity()) return;
  const description = $('case-description').value.trim();
  if (!description) {
    $('case-error').textContent = 'شرح پرونده را بنویسید.';
    $('case-description').focus();
    return;
  }
  const body = { category: $('case-category').value, description };
  const district = Number($('case-district').value);
  if (district) body.district = district;
  const address = $('case-address').value.trim();
  if (address) body.address = address;
  $('case-error').textContent = '';
  setCaseFormsEnabled(false);
  try {
    const created = await api('POST', `/api/calls/${encodeURIComponent(session.pop.callId)}/case`, body);
    showCaseResult(created, 'ثبت شد');
  } catch (err) {
    $('case-error').textContent = errorMessage(err.code);
    setCaseFormsEnabled(true);
  }
}

async function submitLink(event) {
  event.preventDefault();
  if (!session.pop || session.pop.caseDone) return;
  const trackingNumber = normalizeTrackingNumber($('link-tracking').value);
  if (!trackingNumber) {
    $('case-error').textContent = 'کد رهگیری باید ۱۰ رقم باشد (کدهای قدیمی ۸ رقم).';
    $('link-tracking').focus();
    return;
  }
  $('case-error').textContent = '';
  setCaseFormsEnabled(false);
  try {
    const linked = await api('POST', `/api/calls/${encodeURIComponent(session.pop.callId)}/link`, { trackingNumber });
    showCaseResult(linked, 'به این تماس پیوند خورد');
  } catch (err) {
    $('case-error').textContent = errorMessage(err.code);
    setCaseFormsEnabled(true);
  }
}

// ---------------------------------------------------------------- my evaluations

/**
 * The supervisors' scores of this agent's recorded calls (the API gives an agent only
 * their own), each criterion by its label, the comment, and a dispute the agent may
 * raise once; the supervisor's answer shows here when it comes.
 */
async function loadMyScores() {
  $('my-scores-error').textContent = '';
  try {
    const [{ evaluations }, { forms }] = await Promise.all([api('GET', '/api/qa/evaluations'), api('GET', '/api/qa/forms')]);
    showMyScores(evaluations, new Map(forms.map((f) => [f.id, f])));
  } catch (err) {
    $('my-scores-error').textContent = qaErrorMessage(err.code, errorMessage);
  }
}

function showMyScores(evaluations, forms) {
  const list = $('my-scores-list');
  list.replaceChildren();
  $('my-scores-empty').hidden = evaluations.length > 0;
  for (const e of evaluations) {
    const item = document.createElement('li');
    item.dataset.evaluationId = e.id;
    const head = document.createElement('p');
    const score = document.createElement('span');
    score.className = e.criticalFailed ? 'score failed' : 'score';
    score.textContent = `نمره ${formatScore(e.score)} از ۱۰۰${e.criticalFailed ? ' (معیار حیاتی رد شد)' : ''}`;
    head.append(`تماس ${formatDateTime(e.callStartedAt)} — ${queueLabel(e.queue)} — `, score);
    item.append(head);
    const form = forms.get(e.formId);
    if (form) {
      const details = form.criteria
        .map((c) => {
          const value = e.answers[c.id];
          const text = value === null || value === undefined ? 'نامربوط' : c.critical ? (value === 100 ? 'قبول' : 'رد') : formatScore(value);
          return `${c.label}: ${text}`;
        })
        .join('، ');
      const criteria = document.createElement('p');
      criteria.className = 'muted';
      criteria.textContent = details;
      item.append(criteria);
    }
    if (e.comment) {
      const comment = document.createElement('p');
      comment.textContent = `توضیح سرپرست: ${e.comment}`;
      item.append(comment);
    }
    if (e.disputeStatus) {
      const status = document.createElement('p');
      status.className = 'dispute-status';
      status.textContent = `${disputeLabel(e.disputeStatus)}${e.resolutionNote ? ` — پاسخ: ${e.resolutionNote}` : ''}`;
      item.append(status);
    } else {
      item.append(disputeControls(e.id));
    }
    list.append(item);
  }
}

function disputeControls(evaluationId) {
  const box = document.createElement('div');
  const open = document.createElement('button');
  open.type = 'button';
  open.textContent = 'اعتراض';
  const reason = document.createElement('textarea');
  reason.rows = 2;
  reason.maxLength = 4000;
  reason.hidden = true;
  reason.setAttribute('aria-label', 'دلیل اعتراض');
  reason.placeholder = 'چرا این نمره را درست نمی‌دانید؟';
  const send = document.createElement('button');
  send.type = 'button';
  send.textContent = 'ثبت اعتراض';
  send.hidden = true;
  const error = document.createElement('p');
  error.className = 'error';
  error.setAttribute('role', 'alert');
  open.addEventListener('click', () => {
    open.hidden = true;
    reason.hidden = false;
    send.hidden = false;
    reason.focus();
  });
  send.addEventListener('click', async () => {
    error.textContent = '';
    if (reason.value.trim() === '') {
      error.textContent = 'دلیل اعتراض را بنویسید.';
      return;
    }
    send.disabled = true;
    try {
      await api('POST', `/api/qa/evaluations/${encodeURIComponent(evaluationId)}/dispute`, { reason: reason.value.trim() });
      await loadMyScores();
    } catch (err) {
      error.textContent = qaErrorMessage(err.code, errorMessage);
      send.disabled = false;
    }
  });
  box.append(open, reason, send, error);
  return box;
}

// ---------------------------------------------------------------- start

function option(value, text) {
  const el = document.createElement('option');
  el.value = value;
  el.textContent = text;
  return el;
}

function fillSelects() {
  $('pause-reason').replaceChildren(...USER_PAUSE_REASONS.map((r) => option(r, pauseReasonLabel(r))));
  $('case-category').replaceChildren(option('', 'انتخاب کنید'), ...CATEGORY_OPTIONS.map((c) => option(c.id, c.fa)));
  const districts = Array.from({ length: DISTRICT_COUNT }, (_, i) => option(String(i + 1), districtLabel(i + 1)));
  $('case-district').replaceChildren(option('', 'نامشخص'), ...districts);
}

function wire() {
  $('queue-login').addEventListener('click', (e) => void changeState(e.currentTarget, 'login'));
  $('queue-logout').addEventListener('click', (e) => void changeState(e.currentTarget, 'logout'));
  $('pause').addEventListener('click', (e) => void changeState(e.currentTarget, 'pause', { reason: $('pause-reason').value }));
  $('unpause').addEventListener('click', (e) => void changeState(e.currentTarget, 'unpause'));
  $('end-wrap-up').addEventListener('click', (e) => void changeState(e.currentTarget, 'wrap-up/end'));
  $('case-form').addEventListener('submit', submitCase);
  $('link-form').addEventListener('submit', submitLink);
  $('pop-close').addEventListener('click', closePop);
  $('my-scores-refresh').addEventListener('click', () => void loadMyScores());
  setInterval(tick, 1000);
}

fillSelects();
wire();
signIn.start();
