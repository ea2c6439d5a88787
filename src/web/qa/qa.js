/**
 * The quality team's page: the week's random sample of recorded calls per agent, each
 * playable with a seek bar and scored on a form (weighted criteria, critical pass/fail
 * items) with the score shown as it is typed; the scores of other supervisors on the same
 * call (calibration); the agents' disputes to answer; the reports per agent, team, queue
 * and criterion over Jalali periods; and the forms themselves. Everything goes through
 * the quality API with the supervisor's token. Plain DOM, no build step, like the other pages.
 */
import { errorMessage, formatDateTime, queueLabel, toPersianDigits } from '../agent/format.js';
import { $ } from '../shared/session.js';
import { createSignIn, showSignedIn } from '../shared/sign-in.js';
import {
  calibrationSummary,
  formatScore,
  missingAnswers,
  normalizeJalaliInput,
  parseScoreInput,
  previewScore,
  qaErrorMessage,
  weekStartOf,
} from './qa-view.js';

const signIn = createSignIn({
  storageKey: 'hotline137.qa.token',
  pageId: 'qa',
  open: openPage,
  close: closeScoring,
  refuse: (user) => (user && !QA_ROLES.has(user.role) ? QA_REFUSAL : null),
  errorText: errorMessage,
});
const { api, session } = signIn;
/** What the page keeps besides the token: the forms, agents' names, what the scoring card works on. */
const state = {
  forms: [],
  agents: new Map(),
  /** What the scoring card works on: a recording to score, or a disputed evaluation to revise. */
  target: null,
  audioUrl: null,
};
const message = (err) => qaErrorMessage(err?.code, errorMessage);
const fa = (value) => toPersianDigits(String(value));
const agentName = (id) => (id ? (state.agents.get(id) ?? 'کارشناس') : '—');
const QA_ROLES = new Set(['admin', 'supervisor']);
const QA_REFUSAL = 'ارزیابی کیفیت برای سرپرستان و مدیران است؛ کارشناسان نمره‌های خود را در میز کار می‌بینند.';

async function openPage() {
  const me = await api('GET', '/api/auth/me');
  if (!QA_ROLES.has(me.role)) return QA_REFUSAL;
  $('account-name').textContent = me.user?.displayName ?? me.id;
  showSignedIn('qa');
  $('main').focus();
  const week = weekStartOf(Date.now());
  $('sample-week').value = fa(week.replaceAll('-', '/'));
  $('report-from').value = fa(`${week.slice(0, 7)}/01`.replaceAll('-', '/'));
  $('report-to').value = fa(week.replaceAll('-', '/'));
  const [listed] = await Promise.all([api('GET', '/api/agents').catch(() => ({ agents: [] })), loadForms()]);
  for (const a of listed.agents) state.agents.set(a.id, a.displayName);
  await Promise.all([loadSample(), loadDisputes()]);
}

// ---------------------------------------------------------------- the weekly sample

async function loadSample(event) {
  event?.preventDefault();
  $('sample-error').textContent = '';
  const week = normalizeJalaliInput($('sample-week').value);
  if (!week) {
    $('sample-error').textContent = 'تاریخ شنبهٔ هفته را به شکل ۱۴۰۵/۰۹/۰۷ بنویسید.';
    return;
  }
  try {
    const { recordings } = await api('GET', `/api/qa/sample?week=${week}&perAgent=${$('sample-per-agent').value}`);
    renderSample(recordings);
  } catch (err) {
    $('sample-error').textContent = message(err);
  }
}

function renderSample(recordings) {
  const body = $('sample').querySelector('tbody');
  body.replaceChildren();
  $('sample-empty').hidden = recordings.length > 0;
  for (const r of recordings) {
    const row = document.createElement('tr');
    row.dataset.recordingId = r.id;
    for (const text of [r.agentName ?? agentName(r.agentId), formatDateTime(r.startedAt), queueLabel(r.queue), r.trackingNumber ? fa(r.trackingNumber) : '—']) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    const action = document.createElement('td');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'شنیدن و ارزیابی';
    button.addEventListener('click', () => void openScoring({ kind: 'score', recording: r }));
    action.append(button);
    row.append(action);
    body.append(row);
  }
}

// ---------------------------------------------------------------- scoring

/** The call's audio, fetched with the token and played from a blob URL: the player gets its seek bar. */
async function playRecording(recordingId) {
  $('audio-error').textContent = '';
  if (state.audioUrl) URL.revokeObjectURL(state.audioUrl);
  state.audioUrl = null;
  $('scoring-audio').removeAttribute('src');
  try {
    const res = await fetch(`/api/recordings/${recordingId}/audio`, { headers: { authorization: `Bearer ${session.token}` }, cache: 'no-store' });
    if (!res.ok) throw new Error(String(res.status));
    state.audioUrl = URL.createObjectURL(await res.blob());
    $('scoring-audio').src = state.audioUrl;
  } catch {
    $('audio-error').textContent = 'صدای این تماس بارگیری نشد (شاید پس از مدت نگهداری حذف شده باشد).';
  }
}

async function openScoring(target) {
  state.target = target;
  const revising = target.kind === 'revise';
  const recordingId = revising ? target.evaluation.recordingId : target.recording.id;
  $('scoring').hidden = false;
  $('scoring-status').textContent = '';
  $('scoring-error').textContent = '';
  $('scoring-comment').value = '';
  $('scoring-title').textContent = revising ? 'بازنگری نمره پس از اعتراض' : 'ارزیابی تماس';
  $('scoring-comment-label').textContent = revising ? 'پاسخ به اعتراض کارشناس' : 'توضیح برای کارشناس';
  $('scoring-submit').textContent = revising ? 'ثبت نمرهٔ بازنگری‌شده' : 'ثبت ارزیابی';
  $('scoring-call').textContent = revising
    ? `${agentName(target.evaluation.agentId)} — ${formatDateTime(target.evaluation.callStartedAt)} — نمرهٔ پیشین ${formatScore(target.evaluation.score)}`
    : `${target.recording.agentName ?? agentName(target.recording.agentId)} — ${formatDateTime(target.recording.startedAt)} — ${queueLabel(target.recording.queue)}`;
  const select = $('scoring-form');
  select.replaceChildren(...state.forms.map((f) => new Option(f.name, f.id)));
  if (revising) select.value = target.evaluation.formId;
  select.disabled = revising;
  renderCriteria(revising ? target.evaluation.answers : {});
  $('scoring-title').focus();
  await Promise.all([playRecording(recordingId), loadCalibration(recordingId)]);
}

function currentForm() {
  return state.forms.find((f) => f.id === $('scoring-form').value) ?? null;
}

function renderCriteria(answers) {
  const list = $('criteria-list');
  list.replaceChildren();
  const form = currentForm();
  if (!form) {
    list.textContent = 'هنوز فرمی تعریف نشده است؛ پایین همین صفحه یک فرم بسازید.';
    updatePreview();
    return;
  }
  for (const c of form.criteria) {
    const row = document.createElement('div');
    row.className = 'criterion';
    row.dataset.criterion = c.id;
    const label = document.createElement('label');
    const id = `answer-${c.id}`;
    label.htmlFor = id;
    label.append(c.label, ' ');
    const note = document.createElement('span');
    note.className = c.critical ? 'critical' : 'weight';
    note.textContent = c.critical ? '(حیاتی: رد = نمرهٔ صفر)' : `(وزن ${fa(c.weight)})`;
    label.append(note);
    let input;
    if (c.critical) {
      input = document.createElement('select');
      input.append(new Option('—', ''), new Option('قبول', '100'), new Option('رد', '0'));
      if (answers[c.id] === 100 || answers[c.id] === 0) input.value = String(answers[c.id]);
    } else {
      input = document.createElement('input');
      input.type = 'text';
      input.inputMode = 'numeric';
      input.maxLength = 3;
      input.dir = 'ltr';
      input.placeholder = '۰–۱۰۰';
      if (typeof answers[c.id] === 'number') input.value = fa(answers[c.id]);
      const skip = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.className = 'not-applicable';
      box.checked = answers[c.id] === null;
      input.disabled = box.checked;
      box.addEventListener('change', () => {
        input.disabled = box.checked;
        updatePreview();
      });
      skip.append(box, ' نامربوط به این تماس');
      row.append(label, input, skip);
      input.id = id;
      input.addEventListener('input', updatePreview);
      list.append(row);
      continue;
    }
    input.id = id;
    input.addEventListener('change', updatePreview);
    row.append(label, input);
    list.append(row);
  }
  updatePreview();
}

/** The answers as the form stands: undefined where nothing was given yet. */
function readAnswers() {
  const form = currentForm();
  const answers = {};
  if (!form) return answers;
  for (const c of form.criteria) {
    const row = $('criteria-list').querySelector(`[data-criterion="${c.id}"]`);
    if (c.critical) {
      const value = row.querySelector('select').value;
      answers[c.id] = value === '' ? null : Number(value);
    } else if (row.querySelector('.not-applicable').checked) {
      answers[c.id] = null;
    } else {
      const value = parseScoreInput(row.querySelector('input[type="text"]').value);
      if (value !== undefined) answers[c.id] = value;
    }
  }
  return answers;
}

function updatePreview() {
  const form = currentForm();
  const preview = $('scoring-preview');
  if (!form) {
    preview.textContent = '';
    return;
  }
  const answers = readAnswers();
  const { score, criticalFailed } = previewScore(form.criteria, answers);
  preview.classList.toggle('failed', criticalFailed);
  preview.textContent = criticalFailed ? 'نمره: ۰ (معیار حیاتی رد شده است)' : `نمره: ${formatScore(score)} از ۱۰۰`;
}

async function submitScore() {
  const form = currentForm();
  const target = state.target;
  if (!form || !target) return;
  $('scoring-error').textContent = '';
  $('scoring-status').textContent = '';
  const answers = readAnswers();
  const problems = missingAnswers(form.criteria, answers);
  const comment = $('scoring-comment').value.trim();
  if (target.kind === 'revise' && comment === '') problems.push('پاسخ به اعتراض را بنویسید.');
  if (problems.length > 0) {
    $('scoring-error').textContent = problems.join(' ');
    return;
  }
  const button = $('scoring-submit');
  button.disabled = true;
  try {
    if (target.kind === 'revise') {
      const resolved = await api('POST', `/api/qa/evaluations/${target.evaluation.id}/resolve`, { outcome: 'revised', note: comment, answers });
      $('scoring-status').textContent = `نمره به ${formatScore(resolved.score)} بازنگری و پاسخ برای کارشناس ثبت شد.`;
      await loadDisputes();
    } else {
      const created = await api('POST', '/api/qa/evaluations', { recordingId: target.recording.id, formId: form.id, answers, ...(comment ? { comment } : {}) });
      $('scoring-status').textContent = `ارزیابی با نمرهٔ ${formatScore(created.score)} ثبت شد؛ کارشناس آن را در میز کار می‌بیند.`;
      $('sample').querySelector(`tr[data-recording-id="${target.recording.id}"]`)?.remove();
      $('sample-empty').hidden = $('sample').querySelector('tbody tr') !== null;
      await loadCalibration(target.recording.id);
    }
  } catch (err) {
    $('scoring-error').textContent = message(err);
  } finally {
    button.disabled = false;
  }
}

function closeScoring() {
  $('scoring').hidden = true;
  $('scoring-audio').pause();
  if (state.audioUrl) URL.revokeObjectURL(state.audioUrl);
  state.audioUrl = null;
  state.target = null;
}

async function loadCalibration(recordingId) {
  try {
    const result = await api('GET', `/api/qa/recordings/${recordingId}/calibration`);
    $('calibration').hidden = result.evaluations.length === 0;
    $('calibration-summary').textContent = calibrationSummary(result.calibration);
    $('calibration-list').replaceChildren(
      ...result.evaluations.map((e, i) => {
        const item = document.createElement('li');
        item.textContent = `ارزیاب ${fa(i + 1)}: ${formatScore(e.score)}${e.criticalFailed ? ' (رد حیاتی)' : ''}${e.comment ? ` — ${e.comment}` : ''}`;
        return item;
      }),
    );
  } catch {
    $('calibration').hidden = true;
  }
}

// ---------------------------------------------------------------- disputes

async function loadDisputes() {
  $('disputes-error').textContent = '';
  try {
    const { evaluations } = await api('GET', '/api/qa/evaluations?disputeStatus=open');
    renderDisputes(evaluations);
  } catch (err) {
    $('disputes-error').textContent = message(err);
  }
}

function renderDisputes(evaluations) {
  const list = $('disputes');
  list.replaceChildren();
  $('disputes-empty').hidden = evaluations.length > 0;
  for (const e of evaluations) {
    const item = document.createElement('li');
    item.dataset.evaluationId = e.id;
    const head = document.createElement('p');
    head.textContent = `${agentName(e.agentId)} — تماس ${formatDateTime(e.callStartedAt)} — نمره ${formatScore(e.score)}`;
    const reason = document.createElement('p');
    reason.textContent = `اعتراض: ${e.disputeReason ?? ''}`;
    const note = document.createElement('textarea');
    note.rows = 2;
    note.maxLength = 4000;
    note.setAttribute('aria-label', 'پاسخ به اعتراض');
    note.placeholder = 'پاسخ به اعتراض';
    const buttons = document.createElement('div');
    buttons.className = 'buttons';
    const uphold = document.createElement('button');
    uphold.type = 'button';
    uphold.textContent = 'نمره می‌ماند';
    const revise = document.createElement('button');
    revise.type = 'button';
    revise.textContent = 'بازنگری نمره';
    const error = document.createElement('p');
    error.className = 'error';
    error.setAttribute('role', 'alert');
    uphold.addEventListener('click', async () => {
      error.textContent = '';
      if (note.value.trim() === '') {
        error.textContent = 'پاسخ به اعتراض را بنویسید.';
        return;
      }
      uphold.disabled = true;
      try {
        await api('POST', `/api/qa/evaluations/${e.id}/resolve`, { outcome: 'upheld', note: note.value.trim() });
        await loadDisputes();
      } catch (err) {
        error.textContent = message(err);
        uphold.disabled = false;
      }
    });
    revise.addEventListener('click', () => void openScoring({ kind: 'revise', evaluation: e }));
    buttons.append(uphold, revise);
    item.append(head, reason);
    if (e.comment) {
      const comment = document.createElement('p');
      comment.className = 'muted';
      comment.textContent = `توضیح ارزیاب: ${e.comment}`;
      item.append(comment);
    }
    item.append(note, buttons, error);
    list.append(item);
  }
}

// ---------------------------------------------------------------- reports

const GROUP_LABELS = { agent: 'کارشناس', team: 'تیم', queue: 'صف', criterion: 'معیار' };

function criterionLabel(id) {
  for (const f of state.forms) {
    const found = f.criteria.find((c) => c.id === id);
    if (found) return found.label;
  }
  return id;
}

async function loadReport(event) {
  event.preventDefault();
  $('report-error').textContent = '';
  const from = normalizeJalaliInput($('report-from').value);
  const to = normalizeJalaliInput($('report-to').value);
  if (!from || !to) {
    $('report-error').textContent = 'تاریخ‌ها را به شکل ۱۴۰۵/۰۹/۰۱ بنویسید.';
    return;
  }
  const by = $('report-by').value;
  try {
    const { rows } = await api('GET', `/api/reports/quality?from=${from}&to=${to}&by=${by}&period=${$('report-period').value}`);
    $('report-key').textContent = GROUP_LABELS[by];
    const body = $('report').querySelector('tbody');
    body.replaceChildren(
      ...rows.map((r) => {
        const row = document.createElement('tr');
        const key = by === 'agent' ? agentName(r.key) : by === 'queue' || by === 'team' ? queueLabel(r.key) : criterionLabel(r.key);
        const rate = r.criticalFailRate === null ? '—' : `${fa(Math.round(r.criticalFailRate * 1000) / 10)}٪`;
        const trend = r.trend.map((t) => `${fa(t.period.replaceAll('-', '/'))}: ${formatScore(t.meanScore)}`).join('، ');
        for (const text of [key, fa(r.evaluations), formatScore(r.meanScore), rate, trend]) {
          const cell = document.createElement('td');
          cell.textContent = text;
          row.append(cell);
        }
        return row;
      }),
    );
    if (rows.length === 0) $('report-error').textContent = 'در این بازه ارزیابی‌ای ثبت نشده است.';
  } catch (err) {
    $('report-error').textContent = message(err);
  }
}

// ---------------------------------------------------------------- forms

async function loadForms() {
  const { forms } = await api('GET', '/api/qa/forms');
  state.forms = forms;
  $('forms').replaceChildren(
    ...forms.map((f) => {
      const item = document.createElement('li');
      const parts = f.criteria.map((c) => `${c.label} (${c.critical ? 'حیاتی' : `وزن ${fa(c.weight)}`})`);
      item.textContent = `${f.name}: ${parts.join('، ')}`;
      return item;
    }),
  );
}

function addCriterionRow() {
  const row = document.createElement('div');
  row.className = 'new-criterion';
  const field = (labelText, input) => {
    const label = document.createElement('label');
    label.append(labelText, ' ', input);
    return label;
  };
  const id = Object.assign(document.createElement('input'), { className: 'c-id', maxLength: 40, dir: 'ltr' });
  const label = Object.assign(document.createElement('input'), { className: 'c-label', maxLength: 200 });
  const weight = Object.assign(document.createElement('input'), { className: 'c-weight', maxLength: 3, dir: 'ltr', value: '۱' });
  const critical = Object.assign(document.createElement('input'), { type: 'checkbox', className: 'c-critical' });
  row.append(field('شناسه', id), field('عنوان', label), field('وزن', weight), field('حیاتی', critical));
  $('new-form-criteria').append(row);
}

async function saveForm() {
  $('new-form-error').textContent = '';
  $('new-form-status').textContent = '';
  const name = $('new-form-name').value.trim();
  const criteria = [...$('new-form-criteria').querySelectorAll('.new-criterion')]
    .map((row) => ({
      id: row.querySelector('.c-id').value.trim(),
      label: row.querySelector('.c-label').value.trim(),
      weight: parseScoreInput(row.querySelector('.c-weight').value) ?? 1,
      critical: row.querySelector('.c-critical').checked,
    }))
    .filter((c) => c.id !== '' || c.label !== '');
  const problems = [];
  if (!name) problems.push('نام فرم را بنویسید.');
  if (criteria.length === 0) problems.push('دست‌کم یک معیار بنویسید.');
  for (const c of criteria) {
    if (!/^[a-z0-9_-]{1,40}$/.test(c.id)) problems.push(`شناسهٔ «${c.id || c.label}» باید با حروف کوچک لاتین، رقم، - یا _ باشد.`);
    if (!c.label) problems.push(`معیار «${c.id}» عنوان ندارد.`);
    if (!Number.isInteger(c.weight) || c.weight < 1 || c.weight > 100) problems.push(`وزن «${c.label || c.id}» باید از ۱ تا ۱۰۰ باشد.`);
  }
  if (criteria.length > 0 && criteria.every((c) => c.critical)) problems.push('دست‌کم یک معیار باید امتیازی باشد، نه فقط قبول و رد.');
  if (problems.length > 0) {
    $('new-form-error').textContent = problems.join(' ');
    return;
  }
  try {
    await api('POST', '/api/qa/forms', { name, criteria });
    $('new-form-status').textContent = `فرم «${name}» ذخیره شد.`;
    $('new-form-name').value = '';
    $('new-form-criteria').replaceChildren();
    addCriterionRow();
    await loadForms();
  } catch (err) {
    $('new-form-error').textContent = message(err);
  }
}

// ---------------------------------------------------------------- wiring

$('sample-form').addEventListener('submit', (event) => void loadSample(event));
$('report-form').addEventListener('submit', (event) => void loadReport(event));
$('scoring-form').addEventListener('change', () => renderCriteria({}));
$('scoring-submit').addEventListener('click', () => void submitScore());
$('scoring-cancel').addEventListener('click', closeScoring);
$('new-form-add').addEventListener('click', addCriterionRow);
$('new-form-save').addEventListener('click', () => void saveForm());
addCriterionRow();

signIn.start();
