/**
 * The supervisors' wallboard: sign in, follow the live queue statistics over the
 * stats stream (fetch, so the bearer token goes in a header), act on agents and on
 * the office-hours override. Plain DOM like the agent desktop: no build step.
 */
import { errorMessage, formatDateTime, formatDuration, formatPhone, pauseReasonLabel, queueLabel, toPersianDigits } from '../agent/format.js';
import { backoffDelay, createSseParser } from '../agent/sse.js';
import { ageSec, agentRows, canListen, listenNotice, liveStateLabel, nodeRows, overdueRows, tiles, waitingRows } from './board.js';
import { $, ApiError } from '../shared/session.js';
import { createSignIn, showSignedIn } from '../shared/sign-in.js';

/** The server pings every 15 s; silence longer than this means a dead connection. */
const STREAM_SILENCE_MS = 60_000;
/** How often the Asterisk nodes' health is read again. */
const NODES_EVERY_MS = 5_000;
const HOURS_LABELS = { auto: 'طبق برنامه', open: 'باز (دستی)', closed: 'بسته (دستی)' };

// ---------------------------------------------------------------- sign-in and API

const signIn = createSignIn({
  storageKey: 'hotline137.wallboard.token',
  pageId: 'board',
  open: openBoard,
  close: () => {
    stopStream();
    clearInterval(session.nodesTimer);
    session.snapshot = null;
  },
  refuse: (user) => (user.role === 'supervisor' || user.role === 'admin' ? null : errorMessage('HOTLINE_ERR_FORBIDDEN')),
  errorText: errorMessage,
});
const { api } = signIn;

const session = Object.assign(signIn.session, {
  snapshot: null,
  /** Agents by the interface app_queue dials, for their API ids. */
  agents: new Map(),
  /** Interfaces the agents list was already reloaded for, so an unknown one costs one request, not one per push. */
  looked: new Set(),
  streamAbort: null,
  nodesTimer: undefined,
});

async function openBoard() {
  showSignedIn('board');
  await Promise.all([loadAgents(), loadHours()]).catch((err) => ($('board-error').textContent = errorMessage(err.code)));
  startStream();
  void loadNodes();
  clearInterval(session.nodesTimer);
  session.nodesTimer = setInterval(() => void loadNodes(), NODES_EVERY_MS);
}

/** Each Asterisk node's health (public /api/health): a node down is the first thing to see. */
async function loadNodes() {
  let health;
  try {
    const res = await fetch('/api/health', { cache: 'no-store' });
    health = await res.json();
  } catch {
    $('nodes-error').hidden = false;
    return;
  }
  $('nodes-error').hidden = true;
  $('nodes').querySelector('tbody').replaceChildren(
    ...nodeRows(health).map((n) => {
      const row = document.createElement('tr');
      row.dataset.node = n.name;
      if (n.down) row.className = 'down';
      cell(row, n.name);
      cell(row, n.state);
      cell(row, n.callers, 'number');
      cell(row, n.waiting, 'number');
      return row;
    }),
  );
}

// ---------------------------------------------------------------- data

async function loadAgents() {
  const { agents } = await api('GET', '/api/agents');
  session.agents = new Map(agents.map((a) => [a.interface, a]));
}

async function loadHours() {
  const [status, calendar] = await Promise.all([api('GET', '/api/hours'), api('GET', '/api/hours/calendar')]);
  showHours(status);
  showOverrideBy(calendar.override.setBy);
}

/** Who last set the override and when: a closed line must say whose decision it was. */
function showOverrideBy(setBy) {
  $('hours-by').textContent = setBy
    ? `آخرین تغییر دستی: ${setBy.name === 'admin' ? 'مدیر سامانه' : setBy.name}، ${formatDateTime(setBy.at)}`
    : 'حالت دستی تاکنون تغییر نکرده است.';
}

function showHours(status) {
  $('hours-mode').value = status.mode;
  $('hours-status').textContent = `${status.open ? 'باز' : 'بسته'} — ${HOURS_LABELS[status.mode] ?? status.mode}`;
  $('hours-status').dataset.open = String(status.open);
  $('hours-status').dataset.mode = status.mode;
}

/** Closing the line sends every caller to the voicebox: asked once more, as on /hours. */
const CLOSE_LINE_QUESTION =
  'با بستن خط، همهٔ تماس‌ها به پیام‌گیر می‌روند و هیچ تماسی به کارشناسان نمی‌رسد تا وقتی که دوباره باز شود. بسته شود؟';

async function applyHours(button) {
  const mode = $('hours-mode').value;
  if (mode === 'closed' && $('hours-status').dataset.mode !== 'closed' && !window.confirm(CLOSE_LINE_QUESTION)) {
    $('hours-mode').value = $('hours-status').dataset.mode ?? 'auto';
    return;
  }
  button.disabled = true;
  $('board-error').textContent = '';
  try {
    showHours(await api('PUT', '/api/hours/override', { mode }));
    showOverrideBy((await api('GET', '/api/hours/calendar')).override.setBy);
  } catch (err) {
    $('board-error').textContent = errorMessage(err.code);
  } finally {
    button.disabled = false;
  }
}

async function agentAction(button, agentId, action, body) {
  button.disabled = true;
  $('board-error').textContent = '';
  try {
    await api('POST', `/api/agents/${encodeURIComponent(agentId)}/${action}`, body);
  } catch (err) {
    $('board-error').textContent = errorMessage(err.code);
    button.disabled = false;
  }
}

/** Rings the supervisor's own phone into the agent's call; the button stays for another try. */
async function listen(button, agent) {
  button.disabled = true;
  $('board-error').textContent = '';
  $('board-notice').textContent = '';
  try {
    await api('POST', `/api/agents/${encodeURIComponent(agent.id)}/listen`);
    $('board-notice').textContent = listenNotice(agent.displayName);
  } catch (err) {
    $('board-error').textContent = errorMessage(err.code);
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- stream

function stopStream() {
  session.streamAbort?.abort();
  session.streamAbort = null;
}

function setConnected(connected) {
  const el = $('connection');
  el.dataset.connected = String(connected);
  el.textContent = connected ? 'زنده' : 'در حال اتصال…';
}

function startStream() {
  stopStream();
  const abort = new AbortController();
  session.streamAbort = abort;
  void (async () => {
    for (let attempt = 0; !abort.signal.aborted; ) {
      try {
        await readStream(abort);
        attempt = 0;
      } catch (err) {
        if (abort.signal.aborted) return;
        if (err?.status === 401 || err?.status === 403) return signIn.backToForm(errorMessage(err.code));
      }
      setConnected(false);
      if (abort.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt++)));
    }
  })();
}

async function readStream(abort) {
  const res = await fetch('/api/queues/stats/stream', {
    headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream' },
    cache: 'no-store',
    signal: abort.signal,
  });
  if (!res.ok || !res.body) {
    const error = await res.json().catch(() => null);
    throw new ApiError(error?.error?.code, res.status);
  }
  setConnected(true);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parser = createSseParser((message) => {
    if (message.event === 'stats') render(JSON.parse(message.data));
    else if (message.event === 'overdue') showOverdue(JSON.parse(message.data));
  });
  let silence;
  const watch = () => {
    clearTimeout(silence);
    silence = setTimeout(() => reader.cancel().catch(() => undefined), STREAM_SILENCE_MS);
  };
  try {
    for (;;) {
      watch();
      const { value, done } = await reader.read();
      if (done) return;
      parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    clearTimeout(silence);
  }
}

// ---------------------------------------------------------------- rendering

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.append(td);
  return td;
}

function render(snapshot) {
  session.snapshot = snapshot;
  const unknown = snapshot.overall.agents.filter((a) => !session.agents.has(a.iface) && !session.looked.has(a.iface));
  if (unknown.length > 0) {
    for (const a of unknown) session.looked.add(a.iface);
    loadAgents().then(() => draw(), () => undefined);
  }
  draw();
  tick();
}

function showOverdue(summary) {
  const rows = overdueRows(summary);
  $('overdue-total').textContent = `(${toPersianDigits(summary.total)})`;
  $('overdue-empty').hidden = rows.length > 0;
  $('overdue-districts').replaceChildren(
    ...rows.map((r) => {
      const li = document.createElement('li');
      li.dataset.district = String(r.district);
      const name = document.createElement('span');
      name.textContent = r.label;
      const count = document.createElement('span');
      count.className = 'number';
      count.textContent = r.count;
      li.append(name, count);
      return li;
    }),
  );
}

/**
 * Between pushes only the ageing times change: updated in place, so a button is never
 * replaced under the supervisor's pointer.
 */
function tick() {
  const now = Date.now();
  $('clock').textContent = toPersianDigits(new Date(now).toLocaleTimeString('fa-IR-u-nu-latn', { timeZone: 'Asia/Tehran', hourCycle: 'h23' }));
  for (const el of document.querySelectorAll('[data-since]')) el.textContent = formatDuration(ageSec(el.dataset.since, now));
}

function draw() {
  const snapshot = session.snapshot;
  if (!snapshot) return;
  const now = Date.now();
  const tileBox = $('tiles');
  tileBox.replaceChildren(
    ...tiles(snapshot, now).map((t) => {
      const section = document.createElement('section');
      section.className = 'tile';
      section.dataset.queue = t.queue;
      const h = document.createElement('h3');
      h.textContent = t.title;
      const dl = document.createElement('dl');
      for (const f of t.figures) {
        const div = document.createElement('div');
        div.className = 'figure';
        div.dataset.key = f.key;
        div.dataset.colour = f.colour;
        const dt = document.createElement('dt');
        dt.textContent = f.label;
        const dd = document.createElement('dd');
        dd.className = 'number';
        dd.textContent = f.value;
        if (f.since) dd.dataset.since = f.since;
        div.append(dt, dd);
        dl.append(div);
      }
      section.append(h);
      if (t.warning) {
        section.dataset.noMembers = 'true';
        const warning = document.createElement('p');
        warning.className = 'tile-warning';
        warning.textContent = t.warning;
        section.append(warning);
      }
      section.append(dl);
      return section;
    }),
  );

  const waiting = waitingRows(snapshot, now);
  $('waiting-count').textContent = `(${toPersianDigits(waiting.length)})`;
  $('waiting-empty').hidden = waiting.length > 0;
  $('waiting').hidden = waiting.length === 0;
  $('waiting').querySelector('tbody').replaceChildren(
    ...waiting.map((w) => {
      const tr = document.createElement('tr');
      tr.dataset.uniqueId = w.uniqueId;
      cell(tr, toPersianDigits(w.position), 'number');
      cell(tr, queueLabel(w.queue));
      const phone = cell(tr, '');
      const bdi = document.createElement('bdi');
      bdi.dir = 'ltr';
      bdi.textContent = formatPhone(w.caller);
      phone.append(bdi);
      cell(tr, formatDuration(w.waitSec), 'number').dataset.since = w.joinedAt;
      return tr;
    }),
  );

  const agents = agentRows(snapshot, session.agents, now);
  $('agents-empty').hidden = agents.length > 0;
  $('agents').hidden = agents.length === 0;
  $('agents').querySelector('tbody').replaceChildren(
    ...agents.map((a) => {
      const tr = document.createElement('tr');
      tr.dataset.iface = a.iface;
      cell(tr, a.displayName);
      const state = cell(tr, liveStateLabel(a.state) + (a.pausedReason ? ` (${pauseReasonLabel(a.pausedReason)})` : ''));
      state.dataset.state = a.state;
      cell(tr, formatDuration(a.inStateSec), 'number').dataset.since = a.since;
      const actions = cell(tr, '', 'actions');
      if (a.id) {
        const add = (label, action, body) => {
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = label;
          b.addEventListener('click', () => void agentAction(b, a.id, action, body));
          actions.append(b);
        };
        if (a.state === 'paused') add('ادامه', 'unpause');
        else if (a.state !== 'loggedOut') add('مکث', 'pause', { reason: 'break' });
        if (a.state !== 'loggedOut') add('خروج از صف', 'logout');
        if (canListen(a)) {
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'listen';
          b.textContent = 'گوش دادن';
          b.addEventListener('click', () => void listen(b, a));
          actions.append(b);
        }
      }
      return tr;
    }),
  );
}

function start() {
  $('hours-apply').addEventListener('click', (e) => void applyHours(e.currentTarget));
  setInterval(tick, 1000);
  signIn.start();
}

start();
