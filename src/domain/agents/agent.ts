/**
 * Agents: users with role `agent` who answer the queues from a phone. Pure data; the
 * AMI side (QueueAdd/QueuePause) lives in services/agent-service.ts.
 */
import type { CaseCategory, CaseStatus, QueueName } from '../cases/case.js';
import type { CallOutcome } from '../cases/ports.js';
import type { CitizenSnapshot } from '../citizens/profile.js';

/** Reasons an agent (or the engine) pauses; sent to Asterisk as the QueuePause reason. */
export const PAUSE_REASONS = ['break', 'lunch', 'training', 'meeting', 'after_call_work', 'missed', 'wrapup'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];
/** Reasons a person may choose; `missed` and `wrapup` are the engine's. */
export const USER_PAUSE_REASONS = ['break', 'lunch', 'training', 'meeting', 'after_call_work'] as const;

export const AGENT_STATES = ['logged_out', 'available', 'ringing', 'on_call', 'wrap_up', 'paused'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export interface QueueSkill {
  queue: QueueName;
  /** app_queue penalty: 0 is the first choice; higher penalties ring only when lower ones are busy. */
  penalty: number;
}

export interface AgentView {
  /** The agent's user id. */
  id: string;
  username: string;
  displayName: string;
  /** PJSIP endpoint name of the agent's phone. */
  endpoint: string;
  /** What app_queue dials: PJSIP/<endpoint> unless the agent works from another line. */
  interface: string;
  queues: QueueSkill[];
  state: AgentState;
  pauseReason: PauseReason | null;
  /** When the agent entered the current state (ISO). */
  since: string;
  /** End of the running wrap-up (ISO), while state is wrap_up. */
  wrapUpUntil: string | null;
  /** Consecutive calls that rang out unanswered. */
  missedInARow: number;
  /**
   * Our id (calls.id, a UUID) of the call the agent is on: what /api/calls/:callId/*
   * expects. Null while on no call, or on a call the engine has no record of (queued
   * by the dialplan's fallback while the engine was down).
   */
  callId: string | null;
  /** Asterisk's uniqueid of the caller's channel, while on a call. */
  uniqueId: string | null;
  /**
   * Whether app_queue can ring the agent's phone (false: not registered); null while the
   * agent is in no queue. Set by services/phone-reachability.ts, absent where nobody asked.
   */
  phoneReachable?: boolean | null;
}

/** A caller's past, shown on the screen pop. */
export interface CallerHistory {
  calls: { id: string; startedAt: string; outcome: CallOutcome; queue: QueueName | null; caseTrackingNumber: string | null }[];
  cases: { trackingNumber: string; status: CaseStatus; category: CaseCategory | null; district: number | null; createdAt: string; description: string | null }[];
}

export interface ScreenPop {
  /** Our calls.id: use it to create or link a case. */
  callId: string;
  /** Asterisk uniqueid of the caller's channel. */
  uniqueId: string;
  caller: string | null;
  queue: QueueName;
  category: CaseCategory | null;
  district: number | null;
  ivrPath: string[];
  waitedSeconds: number;
  connectedAt: string;
  history: CallerHistory;
  /** Who the caller is to us (repeat caller, open cases, last satisfaction, do-not-call); null without a number. */
  citizen: CitizenSnapshot | null;
}

/** What the agent desktop receives over its event stream (SSE `event:` names). */
export type DeskEvent =
  | { type: 'state'; agent: AgentView }
  | { type: 'screen-pop'; pop: ScreenPop }
  | { type: 'call-ended'; callId: string | null; uniqueId: string; talkSeconds: number };
