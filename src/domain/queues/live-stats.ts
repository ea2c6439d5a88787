/**
 * The live picture of the queues, kept by folding queue events: who waits, what each
 * agent is doing, and today's tallies (Tehran day) behind service level, ASA,
 * abandonment and AHT. Pure: the clock comes in with each event, so a recorded event
 * sequence always gives the same figures. After a restart, seedToday (from today's call
 * rows) and seedFromStatus (from AMI QueueStatus) rebuild the picture, so the wallboard
 * continues instead of starting from zero.
 */
import { QUEUES, type QueueName } from '../cases/case.js';
import { isoDate, tehranDate } from '../calendar/tehran-time.js';
import { DEVICE, type MemberInfo, type QueueEvent, type QueueStatusEvent } from './queue-events.js';

export interface StatsConfig {
  /** Answered within this many seconds of waiting counts towards the service level. */
  answerWithinSec: number;
  /** Abandoned after more than this many seconds counts against it; shorter ones are ignored. */
  abandonAfterSec: number;
  /** The queue's wrapuptime (queues.conf); a member's own Wrapuptime overrides it. */
  wrapUpSec: Record<QueueName, number>;
}

export const DEFAULT_WRAP_UP_SEC = 15;

export type StatsConfigOverrides = Partial<Omit<StatsConfig, 'wrapUpSec'>> & { wrapUpSec?: Partial<Record<QueueName, number>> };

export function defaultConfig(overrides: StatsConfigOverrides = {}): StatsConfig {
  const wrapUpSec = Object.fromEntries(QUEUES.map((q) => [q, DEFAULT_WRAP_UP_SEC])) as Record<QueueName, number>;
  return { answerWithinSec: 20, abandonAfterSec: 5, ...overrides, wrapUpSec: { ...wrapUpSec, ...overrides.wrapUpSec } };
}

/** The pause reason the engine's own after-call work uses. */
export const ENGINE_WRAP_UP_REASON = 'wrapup';

/** In the order the wallboard lists them; also the priority when an agent serves several queues. */
export const AGENT_STATES = ['onCall', 'ringing', 'wrapUp', 'available', 'paused', 'unavailable', 'loggedOut'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Today's raw counts for one queue; the figures are ratios of these. */
export interface Tally {
  offered: number;
  answered: number;
  answeredInTime: number;
  abandoned: number;
  abandonedLate: number;
  holdSecAnswered: number;
  /** Completed calls (AgentComplete) and their talk + wrap-up seconds. */
  handled: number;
  handleSec: number;
}

export const ZERO_TALLY: Tally = {
  offered: 0,
  answered: 0,
  answeredInTime: 0,
  abandoned: 0,
  abandonedLate: 0,
  holdSecAnswered: 0,
  handled: 0,
  handleSec: 0,
};

export interface Waiting {
  uniqueId: string;
  caller: string | null;
  callerName: string | null;
  joinedAt: Date;
}

interface Engagement {
  /** Null when known only from QueueStatus (InCall: 1), not from our own events. */
  uniqueId: string | null;
  queue: QueueName;
  since: Date;
}

/** What belongs to the agent's phone, whichever queue it serves. */
export interface Device {
  name: string;
  status: number;
  call: Engagement | null;
  ring: Engagement | null;
  lastCallAt: Date | null;
  wrapUntil: Date | null;
}

export interface Shown {
  state: AgentState;
  since: Date;
}

/** An agent's membership of one queue. */
export interface Membership {
  loggedIn: boolean;
  paused: boolean;
  pausedReason: string | null;
  pausedSince: Date | null;
  /** The member's own wrap-up; 0 means the queue's. */
  wrapUpSec: number;
  /** The state last derived at an event, with when it began (for time in state). */
  shown: Shown;
}

export interface QueueLive {
  waiting: Record<string, Waiting>;
  members: Record<string, Membership>;
  tally: Tally;
  /** Calls offered today and not yet answered or abandoned: only these may be. */
  open: Record<string, true>;
  callbacksPending: number;
}

export interface LiveState {
  config: StatsConfig;
  /** Tehran date (YYYY-MM-DD) the tallies belong to. */
  day: string;
  devices: Record<string, Device>;
  queues: Record<QueueName, QueueLive>;
}

export function tehranDay(at: Date): string {
  return isoDate(tehranDate(at));
}

function emptyQueue(): QueueLive {
  return { waiting: {}, members: {}, tally: ZERO_TALLY, open: {}, callbacksPending: 0 };
}

export function initialState(config: StatsConfig, now: Date): LiveState {
  const queues = Object.fromEntries(QUEUES.map((q) => [q, emptyQueue()])) as Record<QueueName, QueueLive>;
  return { config, day: tehranDay(now), devices: {}, queues };
}

/** A new Tehran day starts today's tallies from zero; the live picture carries on. */
export function rollTo(state: LiveState, at: Date): LiveState {
  const day = tehranDay(at);
  if (day <= state.day) return state;
  const queues = mapQueues(state, (q) => ({ ...q, tally: ZERO_TALLY, open: {} }));
  return { ...state, day, queues };
}

function mapQueues(state: LiveState, fn: (q: QueueLive, name: QueueName) => QueueLive): Record<QueueName, QueueLive> {
  return Object.fromEntries(QUEUES.map((name) => [name, fn(state.queues[name], name)])) as Record<QueueName, QueueLive>;
}

function withQueue(state: LiveState, name: QueueName, fn: (q: QueueLive) => QueueLive): LiveState {
  return { ...state, queues: { ...state.queues, [name]: fn(state.queues[name]) } };
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

function add(tally: Tally, delta: Partial<Tally>): Tally {
  const next = { ...tally };
  for (const [k, v] of Object.entries(delta) as [keyof Tally, number][]) next[k] += v;
  return next;
}

function instant(ms: number): Date {
  return new Date(ms);
}

function wrapSecOf(state: LiveState, queue: QueueName, iface: string): number {
  const own = state.queues[queue].members[iface]?.wrapUpSec ?? 0;
  return own > 0 ? own : state.config.wrapUpSec[queue];
}

/** The state of one membership at an instant, from the phone and the membership. */
export function derive(device: Device | undefined, m: Membership, at: Date): AgentState {
  if (!m.loggedIn) return 'loggedOut';
  const status = device?.status ?? DEVICE.unknown;
  if (device?.call || status === DEVICE.inUse || status === DEVICE.busy || status === DEVICE.onHold) return 'onCall';
  if (device?.ring || status === DEVICE.ringing || status === DEVICE.ringInUse) return 'ringing';
  // The engine runs wrap-up as a pause with reason `wrapup` (services/agent-service.ts).
  if (m.paused) return m.pausedReason === ENGINE_WRAP_UP_REASON ? 'wrapUp' : 'paused';
  if (device?.wrapUntil && at < device.wrapUntil) return 'wrapUp';
  if (status === DEVICE.invalid || status === DEVICE.unavailable) return 'unavailable';
  return 'available';
}

/** Wrap-up ends by the clock, with no event: the shown state as it stands at `at`. */
export function effective(device: Device | undefined, m: Membership, at: Date): Shown {
  if (m.shown.state === 'wrapUp' && device?.wrapUntil && at >= device.wrapUntil) {
    return { state: derive(device, m, at), since: device.wrapUntil };
  }
  return m.shown;
}

/** Wrap-ups that ended by the clock before `at` become what followed them, from the data as it stood. */
function settle(state: LiveState, at: Date): LiveState {
  let changed = false;
  const queues = mapQueues(state, (q) => {
    let members = q.members;
    for (const [iface, m] of Object.entries(q.members)) {
      const shown = effective(state.devices[iface], m, at);
      if (shown !== m.shown) members = { ...members, [iface]: { ...m, shown } };
    }
    changed ||= members !== q.members;
    return members === q.members ? q : { ...q, members };
  });
  return changed ? { ...state, queues } : state;
}

function reshown(device: Device | undefined, m: Membership, at: Date): Membership {
  const next = derive(device, m, at);
  if (next === m.shown.state) return m;
  let since = at;
  if (next === 'paused' && m.pausedSince) since = m.pausedSince;
  if (next === 'wrapUp' && device?.lastCallAt) since = device.lastCallAt;
  return { ...m, shown: { state: next, since } };
}

/** Re-derives every membership of an agent after their phone or a membership changed. */
function restate(state: LiveState, iface: string, at: Date): LiveState {
  const device = state.devices[iface];
  const queues = mapQueues(state, (q) => {
    const m = q.members[iface];
    if (!m) return q;
    const next = reshown(device, m, at);
    return next === m ? q : { ...q, members: { ...q.members, [iface]: next } };
  });
  return { ...state, queues };
}

function withDevice(state: LiveState, iface: string, name: string, fn: (d: Device) => Device, at: Date): LiveState {
  const current: Device = state.devices[iface] ?? {
    name,
    status: DEVICE.unknown,
    call: null,
    ring: null,
    lastCallAt: null,
    wrapUntil: null,
  };
  const next = { ...state, devices: { ...state.devices, [iface]: fn({ ...current, name: name || current.name }) } };
  return restate(next, iface, at);
}

/** The phones that were ringing for a caller who is gone stop ringing. */
function stopRinging(state: LiveState, uniqueId: string, at: Date): LiveState {
  let next = state;
  for (const [iface, d] of Object.entries(state.devices)) {
    if (d.ring?.uniqueId === uniqueId) next = withDevice(next, iface, d.name, (x) => ({ ...x, ring: null }), at);
  }
  return next;
}

function joined(state: LiveState, queue: QueueName, w: Waiting): LiveState {
  return withQueue(state, queue, (q) => {
    const isNew = !q.open[w.uniqueId] && !q.waiting[w.uniqueId] && tehranDay(w.joinedAt) === state.day;
    return {
      ...q,
      waiting: { ...q.waiting, [w.uniqueId]: w },
      tally: isNew ? add(q.tally, { offered: 1 }) : q.tally,
      open: isNew ? { ...q.open, [w.uniqueId]: true } : q.open,
    };
  });
}

function member(state: LiveState, queue: QueueName, info: MemberInfo, at: Date, removed = false): LiveState {
  const prev = state.queues[queue].members[info.iface];
  const loggedIn = !removed;
  const paused = loggedIn && info.paused;
  const m: Membership = {
    loggedIn,
    paused,
    pausedReason: paused ? info.pausedReason : null,
    pausedSince: paused ? (info.lastPause ?? (prev?.paused ? prev.pausedSince : at)) : null,
    wrapUpSec: info.wrapUpSec,
    shown: prev?.shown ?? { state: 'loggedOut', since: at },
  };
  const withMember = withQueue(state, queue, (q) => ({ ...q, members: { ...q.members, [info.iface]: m } }));
  const wrapSec = info.wrapUpSec > 0 ? info.wrapUpSec : state.config.wrapUpSec[queue];
  return withDevice(
    withMember,
    info.iface,
    info.name,
    (d) => {
      const next = { ...d, status: info.status };
      if (info.lastCall && (!d.lastCallAt || info.lastCall > d.lastCallAt)) {
        next.lastCallAt = info.lastCall;
        next.wrapUntil = instant(info.lastCall.getTime() + wrapSec * 1000);
      }
      // InCall is app_queue's own "connected to a queue caller", but a status event may
      // overtake AgentConnect: it ends only calls it began itself; AgentComplete ends ours.
      if (info.inCall && !d.call) next.call = { uniqueId: null, queue, since: at };
      if (!info.inCall && d.call?.uniqueId === null) next.call = null;
      return next;
    },
    at,
  );
}

export function apply(state: LiveState, event: QueueEvent): LiveState {
  const s = settle(rollTo(state, event.at), event.at);
  const { queue, at } = event;
  switch (event.kind) {
    case 'callerJoined':
    case 'queueEntry': {
      const waitMs = event.kind === 'queueEntry' ? event.waitSec * 1000 : 0;
      const w = { uniqueId: event.uniqueId, caller: event.caller, callerName: event.callerName, joinedAt: instant(at.getTime() - waitMs) };
      return joined(s, queue, w);
    }
    case 'callerLeft':
      return stopRinging(withQueue(s, queue, (q) => ({ ...q, waiting: without(q.waiting, event.uniqueId) })), event.uniqueId, at);
    case 'callerAbandoned': {
      const next = withQueue(s, queue, (q) => {
        const counted = q.open[event.uniqueId];
        return {
          ...q,
          waiting: without(q.waiting, event.uniqueId),
          open: without(q.open, event.uniqueId),
          tally: counted
            ? add(q.tally, { abandoned: 1, abandonedLate: event.holdSec > s.config.abandonAfterSec ? 1 : 0 })
            : q.tally,
        };
      });
      return stopRinging(next, event.uniqueId, at);
    }
    case 'agentCalled':
      return withDevice(s, event.iface, event.memberName, (d) => ({ ...d, ring: { uniqueId: event.uniqueId, queue, since: at } }), at);
    case 'agentRingNoAnswer':
    case 'agentDumped':
      return withDevice(s, event.iface, event.memberName, (d) => ({ ...d, ring: null }), at);
    case 'agentConnected': {
      const counted = withQueue(s, queue, (q) => {
        if (!q.open[event.uniqueId]) return { ...q, waiting: without(q.waiting, event.uniqueId) };
        const inTime = event.holdSec <= s.config.answerWithinSec ? 1 : 0;
        return {
          ...q,
          waiting: without(q.waiting, event.uniqueId),
          open: without(q.open, event.uniqueId),
          tally: add(q.tally, { answered: 1, answeredInTime: inTime, holdSecAnswered: event.holdSec }),
        };
      });
      const call = { uniqueId: event.uniqueId, queue, since: at };
      return withDevice(counted, event.iface, event.memberName, (d) => ({ ...d, ring: null, call }), at);
    }
    case 'agentCompleted': {
      const wrapSec = wrapSecOf(s, queue, event.iface);
      const tallied = withQueue(s, queue, (q) => ({ ...q, tally: add(q.tally, { handled: 1, handleSec: event.talkSec + wrapSec }) }));
      const wrapUntil = instant(at.getTime() + wrapSec * 1000);
      return withDevice(tallied, event.iface, event.memberName, (d) => ({ ...d, call: null, lastCallAt: at, wrapUntil }), at);
    }
    case 'memberAdded':
    case 'memberStatus':
    case 'memberPaused':
    case 'memberRingInUse':
    case 'queueMember':
      return member(s, queue, event.member, at);
    case 'memberRemoved':
      return member(s, queue, event.member, at, true);
    case 'callbacksPending':
      return withQueue(s, queue, (q) => ({ ...q, callbacksPending: Math.max(0, event.count) }));
    case 'queueParams':
      return s;
  }
}

/**
 * Rebuilds who waits and who is logged in from a complete QueueStatus answer (all
 * queues). Today's tallies stay; a waiting caller not yet counted today is counted as
 * offered. Agents missing from the answer are logged out; an agent whose state did not
 * change keeps their time in state.
 */
export function seedFromStatus(state: LiveState, events: readonly QueueStatusEvent[], at: Date): LiveState {
  const s0 = settle(rollTo(state, at), at);
  const listed = new Set(events.filter((e) => e.kind === 'queueMember').map((e) => `${e.queue}\n${e.member.iface}`));
  // Calls and rings we followed may have ended unseen; QueueStatus says who is in a call.
  const devices = Object.fromEntries(Object.entries(s0.devices).map(([iface, d]) => [iface, { ...d, call: null, ring: null }]));
  let s: LiveState = {
    ...s0,
    devices,
    queues: mapQueues(s0, (q, name) => {
      const members = Object.fromEntries(
        Object.entries(q.members).map(([iface, m]) => [iface, listed.has(`${name}\n${iface}`) ? m : { ...m, loggedIn: false, paused: false }]),
      );
      return { ...q, waiting: {}, members };
    }),
  };
  for (const iface of Object.keys(s.devices)) s = restate(s, iface, at);
  for (const event of events) s = apply(s, event);
  return s;
}

/** What the statistics need of one of today's call rows (calls table). */
export interface CallRowSummary {
  uniqueId: string;
  queue: QueueName;
  joinedAt: Date;
  /** `left`: out of the queue unanswered without abandoning (timeout, callback, voicebox). */
  outcome: 'waiting' | 'answered' | 'abandoned' | 'left';
  /** Seconds in queue until answered or abandoned. */
  waitSec: number;
  /** Set once the agent's call completed. */
  talkSec: number | null;
  /** Wrap-up actually given; the queue's setting when null. */
  wrapSec?: number | null;
}

/**
 * Today's tallies from the call rows of the current Tehran day (rows of other days are
 * ignored). Replaces the tallies, so it may run before or after seedFromStatus.
 */
export function seedToday(state: LiveState, rows: readonly CallRowSummary[], at: Date): LiveState {
  const s = rollTo(state, at);
  const tallies = new Map<QueueName, Tally>(QUEUES.map((q) => [q, ZERO_TALLY]));
  const open = new Map<QueueName, Record<string, true>>(QUEUES.map((q) => [q, {}]));
  const seen = new Set<string>();
  const { answerWithinSec, abandonAfterSec, wrapUpSec } = s.config;
  for (const row of rows) {
    if (tehranDay(row.joinedAt) !== s.day || !tallies.has(row.queue)) continue;
    seen.add(`${row.queue}\n${row.uniqueId}`);
    const delta: Partial<Tally> = { offered: 1 };
    if (row.outcome === 'answered') {
      Object.assign(delta, { answered: 1, answeredInTime: row.waitSec <= answerWithinSec ? 1 : 0, holdSecAnswered: row.waitSec });
    } else if (row.outcome === 'abandoned') {
      Object.assign(delta, { abandoned: 1, abandonedLate: row.waitSec > abandonAfterSec ? 1 : 0 });
    } else if (row.outcome === 'waiting') {
      open.get(row.queue)![row.uniqueId] = true;
    }
    if (row.talkSec !== null) {
      Object.assign(delta, { handled: 1, handleSec: row.talkSec + (row.wrapSec ?? wrapUpSec[row.queue]) });
    }
    tallies.set(row.queue, add(tallies.get(row.queue)!, delta));
  }
  return {
    ...s,
    queues: mapQueues(s, (q, name) => {
      let tally = tallies.get(name)!;
      const stillOpen = { ...open.get(name)! };
      for (const w of Object.values(q.waiting)) {
        if (seen.has(`${name}\n${w.uniqueId}`) || tehranDay(w.joinedAt) !== s.day) continue;
        tally = add(tally, { offered: 1 });
        stillOpen[w.uniqueId] = true;
      }
      return { ...q, tally, open: stillOpen };
    }),
  };
}
