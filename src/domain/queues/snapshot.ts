/**
 * What the wallboard, GET /api/queues/stats and /metrics show: the live state read at
 * one instant, per queue and overall, with today's figures and their colours. Reading
 * never changes the state, so waits and wrap-ups simply age with `now`.
 */
import { QUEUES, type QueueName } from '../cases/case.js';
import {
  AGENT_STATES,
  ZERO_TALLY,
  effective,
  tehranDay,
  type AgentState,
  type LiveState,
  type Tally,
} from './live-stats.js';
import { colours, DEFAULT_TARGETS, type Colour, type TargetMetric, type Targets } from './targets.js';

export interface Figures {
  offered: number;
  answered: number;
  abandoned: number;
  /** Abandoned after the threshold (the short ones do not count against service). */
  abandonedLate: number;
  /** Answered within the threshold ÷ (answered + abandoned late); null before any. */
  serviceLevel: number | null;
  /** Mean seconds waited by answered calls. */
  asaSec: number | null;
  /** Abandoned ÷ offered. */
  abandonmentRate: number | null;
  /** Mean talk + wrap-up seconds of completed calls. */
  ahtSec: number | null;
}

export interface WaitingCaller {
  uniqueId: string;
  queue: QueueName;
  caller: string | null;
  callerName: string | null;
  joinedAt: Date;
  waitSec: number;
  /** 1 = longest waiting (in this view). */
  position: number;
}

export interface AgentView {
  iface: string;
  name: string;
  state: AgentState;
  since: Date;
  inStateSec: number;
  pausedReason: string | null;
}

export interface QueueView {
  callsWaiting: number;
  longestWaitSec: number;
  waiting: WaitingCaller[];
  agents: AgentView[];
  agentsByState: Record<AgentState, number>;
  today: Figures;
  callbacksPending: number;
  colours: Record<TargetMetric, Colour>;
}

export interface LiveSnapshot {
  at: Date;
  /** Tehran date of `today`. */
  day: string;
  queues: Record<QueueName, QueueView>;
  overall: QueueView;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function figures(t: Tally): Figures {
  return {
    offered: t.offered,
    answered: t.answered,
    abandoned: t.abandoned,
    abandonedLate: t.abandonedLate,
    serviceLevel: ratio(t.answeredInTime, t.answered + t.abandonedLate),
    asaSec: ratio(t.holdSecAnswered, t.answered),
    abandonmentRate: ratio(t.abandoned, t.offered),
    ahtSec: ratio(t.handleSec, t.handled),
  };
}

function sum(tallies: Tally[]): Tally {
  const total = { ...ZERO_TALLY };
  for (const t of tallies) for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += t[k];
  return total;
}

const secondsBetween = (from: Date, to: Date) => Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));

function agentsOf(state: LiveState, queue: QueueName, now: Date): AgentView[] {
  return Object.entries(state.queues[queue].members).map(([iface, m]) => {
    const shown = effective(state.devices[iface], m, now);
    return {
      iface,
      name: state.devices[iface]?.name ?? iface,
      state: shown.state,
      since: shown.since,
      inStateSec: secondsBetween(shown.since, now),
      pausedReason: shown.state === 'paused' ? m.pausedReason : null,
    };
  });
}

/** An agent in several queues is shown once overall, in their most engaged state. */
function mergeAgents(lists: AgentView[][]): AgentView[] {
  const best = new Map<string, AgentView>();
  for (const a of lists.flat()) {
    const seen = best.get(a.iface);
    if (!seen || AGENT_STATES.indexOf(a.state) < AGENT_STATES.indexOf(seen.state)) best.set(a.iface, a);
  }
  return [...best.values()];
}

function view(
  waiting: Omit<WaitingCaller, 'position'>[],
  agents: AgentView[],
  tally: Tally,
  callbacksPending: number,
  targets: Targets,
): QueueView {
  const ordered = [...waiting].sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime()).map((w, i) => ({ ...w, position: i + 1 }));
  const agentsByState = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentState, number>;
  for (const a of agents) agentsByState[a.state] += 1;
  const today = figures(tally);
  const longestWaitSec = ordered[0]?.waitSec ?? 0;
  return {
    callsWaiting: ordered.length,
    longestWaitSec,
    waiting: ordered,
    agents: [...agents].sort((a, b) => AGENT_STATES.indexOf(a.state) - AGENT_STATES.indexOf(b.state) || a.name.localeCompare(b.name)),
    agentsByState,
    today,
    callbacksPending,
    colours: colours(
      {
        serviceLevel: today.serviceLevel,
        asaSec: today.asaSec,
        abandonmentRate: today.abandonmentRate,
        ahtSec: today.ahtSec,
        longestWaitSec: ordered.length > 0 ? longestWaitSec : null,
      },
      targets,
    ),
  };
}

export function snapshot(state: LiveState, now: Date, targets: Targets = DEFAULT_TARGETS): LiveSnapshot {
  // Past midnight with no event yet, yesterday's tallies are not today's.
  const day = tehranDay(now);
  const stale = day > state.day;
  const tallyOf = (q: QueueName) => (stale ? ZERO_TALLY : state.queues[q].tally);
  const waitingOf = (q: QueueName) =>
    Object.values(state.queues[q].waiting).map((w) => ({
      uniqueId: w.uniqueId,
      queue: q,
      caller: w.caller,
      callerName: w.callerName,
      joinedAt: w.joinedAt,
      waitSec: secondsBetween(w.joinedAt, now),
    }));
  const perQueue = QUEUES.map((q) => ({ q, waiting: waitingOf(q), agents: agentsOf(state, q, now) }));
  const queues = Object.fromEntries(
    perQueue.map(({ q, waiting, agents }) => [q, view(waiting, agents, tallyOf(q), state.queues[q].callbacksPending, targets)]),
  ) as Record<QueueName, QueueView>;
  const overall = view(
    perQueue.flatMap((p) => p.waiting),
    mergeAgents(perQueue.map((p) => p.agents)),
    sum(QUEUES.map(tallyOf)),
    QUEUES.reduce((n, q) => n + state.queues[q].callbacksPending, 0),
    targets,
  );
  return { at: now, day: stale ? day : state.day, queues, overall };
}
