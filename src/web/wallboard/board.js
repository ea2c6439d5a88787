/**
 * What the wallboard shows, worked out from the stats snapshot (pure: no DOM, so the
 * unit tests run it in node). Waits and times in state age between pushes, so they
 * are recomputed from the snapshot's instants and the page's clock every second.
 */
import { formatDuration, queueLabel, toPersianDigits } from '../agent/format.js';

export const LIVE_STATE_LABELS = {
  onCall: 'در مکالمه',
  ringing: 'در حال زنگ',
  wrapUp: 'پس از تماس',
  available: 'آماده',
  paused: 'مکث',
  unavailable: 'در دسترس نیست',
  loggedOut: 'خارج از صف',
};

export function liveStateLabel(state) {
  return LIVE_STATE_LABELS[state] ?? String(state);
}

/** Seconds from an ISO instant to `nowMs`, never negative (clocks differ a little). */
export function ageSec(iso, nowMs) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, Math.floor((nowMs - t) / 1000));
}

export function percent(ratio) {
  if (ratio === null || ratio === undefined) return '—';
  return `${toPersianDigits(Math.round(ratio * 100))}٪`;
}

export function seconds(value) {
  if (value === null || value === undefined) return '—';
  return formatDuration(Math.round(value));
}

/** The words on a tile whose queue nobody answers: its callers only wait. */
export const NO_MEMBERS_WARNING = 'کارشناسی در این صف نیست';

/**
 * A tile for every queue: one without members is the one a supervisor must see most
 * (its callers wait for nobody), so it gets a tile too, with a warning.
 */
export function tiles(snapshot, nowMs) {
  return Object.entries(snapshot.queues)
    .map(([name, q]) => ({
      queue: name,
      title: queueLabel(name),
      warning: q.agents.length === 0 ? NO_MEMBERS_WARNING : null,
      figures: [
        { key: 'waiting', label: 'در انتظار', value: toPersianDigits(q.callsWaiting), colour: 'none' },
        {
          key: 'longestWait',
          label: 'بیشترین انتظار',
          value: formatDuration(q.waiting.length ? ageSec(q.waiting[0].joinedAt, nowMs) : 0),
          colour: q.colours.longestWaitSec,
          // The page ages it every second from this instant.
          since: q.waiting[0]?.joinedAt ?? null,
        },
        { key: 'serviceLevel', label: 'سطح خدمت', value: percent(q.today.serviceLevel), colour: q.colours.serviceLevel },
        { key: 'asa', label: 'میانگین زمان پاسخ', value: seconds(q.today.asaSec), colour: q.colours.asaSec },
        { key: 'abandonment', label: 'نرخ رهاشدگی', value: percent(q.today.abandonmentRate), colour: q.colours.abandonmentRate },
        { key: 'aht', label: 'میانگین زمان رسیدگی', value: seconds(q.today.ahtSec), colour: q.colours.ahtSec },
        { key: 'offered', label: 'ورودی', value: toPersianDigits(q.today.offered), colour: 'none' },
        { key: 'answered', label: 'پاسخ‌داده', value: toPersianDigits(q.today.answered), colour: 'none' },
        { key: 'abandoned', label: 'رهاشده', value: toPersianDigits(q.today.abandoned), colour: 'none' },
        { key: 'callbacks', label: 'درخواست تماس', value: toPersianDigits(q.callbacksPending), colour: 'none' },
        {
          key: 'agents',
          label: 'آماده / در مکالمه / مکث',
          value: [q.agentsByState.available, q.agentsByState.onCall, q.agentsByState.paused].map(toPersianDigits).join(' / '),
          colour: 'none',
        },
      ],
    }));
}

/** The overall waiting list, longest first, with waits as of `nowMs`. */
export function waitingRows(snapshot, nowMs) {
  return snapshot.overall.waiting.map((w) => ({ ...w, waitSec: ageSec(w.joinedAt, nowMs) }));
}

/** Agents once each, with the API id that the pause/unpause/logout actions need (null when unknown). */
export function agentRows(snapshot, agentsByInterface, nowMs) {
  return snapshot.overall.agents.map((a) => ({
    ...a,
    id: agentsByInterface.get(a.iface)?.id ?? null,
    displayName: agentsByInterface.get(a.iface)?.displayName ?? a.name,
    inStateSec: ageSec(a.since, nowMs),
  }));
}

/** Only a call in progress can be listened to, and only for an agent the API knows. */
export function canListen(row) {
  return Boolean(row.id) && row.state === 'onCall';
}

/** What the supervisor is told once the engine rings their phone. */
export function listenNotice(displayName) {
  return `تلفن شما زنگ می‌خورد؛ با پاسخ دادن، مکالمهٔ ${displayName} را می‌شنوید (فقط شنیدن: صدای شما پخش نمی‌شود).`;
}

/**
 * The overdue counts (the stream's `overdue` event) as the board lists them: one row per
 * district with overdue cases, «بدون منطقه» for those not routed yet.
 */
export function overdueRows(summary) {
  return (summary?.byDistrict ?? []).map((r) => ({
    district: r.district,
    label: r.district === null ? 'بدون منطقه' : `منطقه ${toPersianDigits(r.district)}`,
    count: toPersianDigits(r.count),
  }));
}

/**
 * The Asterisk nodes card, from GET /api/health's `nodes`: one row per node, with what is
 * wrong with it in words; `down` marks a row the supervisor must look at.
 */
export function nodeRows(health) {
  return (health?.nodes ?? []).map((n) => {
    const problems = [...(n.ari ? [] : ['منوی تلفنی قطع است']), ...(n.ami ? [] : ['آمار صف قطع است'])];
    return {
      name: n.name,
      state: problems.length > 0 ? problems.join('، ') : n.driving ? 'فعال' : 'فعال (در دست موتور دیگر)',
      down: problems.length > 0,
      callers: toPersianDigits(n.callers),
      waiting: toPersianDigits(n.waiting),
    };
  });
}
