/**
 * Pure helpers of the case workspace (/cases): the list's query from the filters and
 * saved views, which actions a role may take on a case, and the timeline read in
 * Persian. No DOM here, so node runs the unit tests (workspace.test.ts) against the
 * very file the browser loads.
 */
import { callOutcomeLabel, caseStatusLabel, categoryLabel, districtLabel, errorMessage, toLatinDigits, toPersianDigits } from '../agent/format.js';

/** Same list as OPEN_STATUSES in src/domain/cases/case.ts. */
export const OPEN_STATUSES = ['new', 'dispatched', 'acknowledged', 'in_progress', 'reopened'];
/** Where a case may still be classified or routed (isRoutable in src/domain/cases/lifecycle.ts). */
const ROUTABLE = OPEN_STATUSES;

export const CHANNEL_LABELS = {
  voicebox: 'پیام صوتی',
  phone: 'تلفن',
  manual: 'ثبت دستی',
  web: 'وب',
  sms: 'پیامک',
  open311: 'Open311',
  email: 'ایمیل',
};

export const channelLabel = (channel) => CHANNEL_LABELS[channel] ?? String(channel ?? '—');

/** The saved views: each a fixed set of filters, on top of which the form's own apply. */
export const VIEWS = {
  all: { label: 'همهٔ پرونده‌ها', query: {} },
  triage: { label: 'در انتظار دسته‌بندی و ارجاع', query: { toTriage: 'true' } },
  overdue: { label: 'معوق', query: { overdue: 'true' } },
  recordings: { label: 'پیام‌های صوتی', query: { hasRecording: 'true' } },
};

const JALALI_DAY = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;

/** "۱۴۰۵/۱/۹" or "1405-01-09" → "1405-01-09"; null when it is not shaped like a day. */
export function normalizeJalaliDay(input) {
  const match = JALALI_DAY.exec(toLatinDigits(String(input ?? '').trim()));
  if (!match) return null;
  return `${match[1]}-${match[2].padStart(2, '0')}-${match[3].padStart(2, '0')}`;
}

/**
 * The GET /api/cases query of a view and the filter form's values (strings as the form
 * holds them; empty means "any"). Throws { field } when a date is not a Jalali day.
 */
export function listQuery(view, form, limit = 100) {
  const params = new URLSearchParams(VIEWS[view]?.query ?? {});
  const text = (name) => String(form[name] ?? '').trim();
  for (const name of ['status', 'district', 'channel']) if (text(name)) params.set(name, text(name));
  if (text('category') === 'none') params.set('unclassified', 'true');
  else if (text('category')) params.set('category', text('category'));
  if (form.overdue) params.set('overdue', 'true');
  if (form.hasRecording) params.set('hasRecording', 'true');
  if (text('q')) params.set('q', text('q'));
  const tracking = toLatinDigits(text('trackingNumber')).replace(/\D/g, '');
  if (tracking) params.set('trackingNumber', tracking);
  if (text('phone')) params.set('phone', toLatinDigits(text('phone')));
  for (const name of ['from', 'to']) {
    if (!text(name)) continue;
    const day = normalizeJalaliDay(text(name));
    if (!day) throw Object.assign(new Error(`${name} is not a Jalali day`), { field: name });
    params.set(name, day);
  }
  params.set('limit', String(limit));
  return params.toString();
}

export const isOpenStatus = (status) => OPEN_STATUSES.includes(status);

/** Supervisors and admins act in the workspace; agents read it (they act from their desk). */
export const mayAct = (role) => role === 'admin' || role === 'supervisor';

/**
 * The actions the page offers on a case to `role`, following the lifecycle
 * (src/domain/cases/lifecycle.ts: supervisors and admins may take any edge).
 */
export function caseActions(role, c) {
  if (!mayAct(role)) return [];
  const actions = [];
  const routable = ROUTABLE.includes(c.status);
  if (routable) actions.push('category', 'district');
  if (['new', 'dispatched', 'acknowledged', 'reopened'].includes(c.status)) actions.push('reject', 'duplicate');
  if (c.status === 'resolved') actions.push('close');
  if (['resolved', 'closed', 'rejected', 'duplicate'].includes(c.status)) actions.push('reopen');
  actions.push('note');
  return actions;
}

const EVENT_TITLES = {
  district: 'ارجاع به منطقه',
  category: 'تغییر موضوع',
  note: 'یادداشت',
  phone_revealed: 'مشاهدهٔ شمارهٔ تماس‌گیرنده',
  declined: 'بازگشت از منطقه: «مربوط به این منطقه نیست»',
  escalated: 'گذشتن از مهلت رسیدگی',
  dispatch_failed: 'ارسال به منطقه ناموفق ماند',
  dispatch_retried: 'ارسال دوباره به منطقه',
  unit: 'ارجاع به واحد یا سازمان',
  location: 'ثبت موقعیت روی نقشه',
};

/** "category: - → parks_trees" (the note the server writes) in Persian words. */
function readableNote(kind, note) {
  if (!note) return '';
  const arrow = /^(category|district|unit): (\S+) → (\S+)(?: \((.*)\))?$/s.exec(note);
  if (!arrow) return note;
  const [, what, from, to, why] = arrow;
  const label = what === 'category' ? categoryLabel : what === 'unit' ? (v) => v : (v) => districtLabel(Number(v));
  const words = `${from === '-' ? 'بدون' : label(from)} ← ${to === '-' ? 'بدون' : label(to)}`;
  return kind === what ? (why ? `${words} (${why})` : words) : note;
}

/** One line of the timeline from a case event. */
export function eventEntry(e) {
  const title =
    e.kind === 'status'
      ? e.fromStatus
        ? `وضعیت: ${caseStatusLabel(e.fromStatus)} ← ${caseStatusLabel(e.toStatus)}`
        : 'ثبت پرونده'
      : (EVENT_TITLES[e.kind] ?? e.kind);
  return { at: e.at, kind: e.kind, title, detail: readableNote(e.kind, e.note), actor: e.actor };
}

const SURVEY_STATUS = {
  pending: 'در انتظار تماس',
  dialling: 'در حال تماس',
  answered: 'پاسخ داده شد',
  no_answer: 'بی‌پاسخ',
  failed: 'ناموفق',
  opted_out: 'انصراف شهروند',
  cancelled: 'لغو شد',
};

/** The whole story of a case, oldest first: events, deliveries, calls, the knowledge-base articles used on them, and surveys. */
export function timelineEntries(events, timeline, surveys) {
  const entries = events.map(eventEntry);
  for (const d of timeline?.deliveries ?? []) {
    entries.push({
      at: d.deliveredAt,
      kind: 'delivery',
      title: `تحویل به ${districtLabel(d.district)}`,
      detail: d.target === 'inbox' ? 'کارتابل منطقه' : `وب‌هوک ${d.target}`,
      actor: 'dispatch',
    });
  }
  for (const call of timeline?.calls ?? []) {
    entries.push({
      at: call.startedAt,
      kind: 'call',
      title: call.direction === 'outbound' ? 'تماس خروجی' : 'تماس ورودی',
      detail: callOutcomeLabel(call.outcome),
      actor: call.agentId ?? '',
    });
  }
  for (const used of timeline?.articles ?? []) {
    entries.push({
      at: used.usedAt,
      kind: 'article',
      title: 'پاسخ از بانک دانش',
      detail: used.title,
      actor: used.agentId,
    });
  }
  for (const s of surveys ?? []) {
    const answers = s.rating === null ? '' : `امتیاز ${toPersianDigits(s.rating)} از ۵؛ ${s.solved ? 'مشکل حل شد' : 'مشکل حل نشد'}`;
    entries.push({
      at: s.answeredAt ?? s.scheduledAt,
      kind: 'survey',
      title: `نظرسنجی ${toPersianDigits(s.surveyNumber)}: ${SURVEY_STATUS[s.status] ?? s.status}`,
      detail: answers,
      actor: 'survey',
    });
  }
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Where a district may still say "not our district" (DECLINABLE in src/domain/cases/lifecycle.ts). */
export const DECLINABLE = ['dispatched', 'reopened'];

const WORKSPACE_ERRORS = {
  HOTLINE_ERR_INVALID_TRANSITION: 'این کار در وضعیت فعلی پرونده ممکن نیست.',
  HOTLINE_ERR_CONFLICT: 'پرونده در این فاصله تغییر کرده است؛ دوباره بازش کنید.',
};

export function workspaceErrorMessage(code) {
  return (code && WORKSPACE_ERRORS[code]) || errorMessage(code);
}
