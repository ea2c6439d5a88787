/**
 * The IVR's per-call state. Plain JSON (no Dates, no classes) so the adapter can keep it
 * in Redis and resume a call after an ARI reconnect.
 */
import type { CaseCategory, QueueName } from '../cases/case.js';
import type { CallOutcome } from '../cases/ports.js';
import type { MenuId } from './flow.js';

export type EntryField = 'district' | 'tracking';

export type Phase =
  /** Before `started`. */
  | { kind: 'idle' }
  /** A menu prompt is playing (timer null) or the caller has been given time to press a key. */
  | { kind: 'menu'; menu: MenuId; attempts: number; timer: string | null }
  /** Digits are being collected until '#' or the inter-digit timeout. */
  | { kind: 'entry'; field: EntryField; digits: string; attempts: number; timer: string | null }
  /** Waiting for `lookupResult`. `attempts` carries the tracking tries so far. */
  | { kind: 'lookup'; trackingNumber: string; source: 'tracking' | 'open-case'; attempts: number }
  /** 'queue-transfer' is playing; the enqueue follows when it ends. */
  | { kind: 'transfer'; queue: QueueName }
  /** Prompts before the beep are playing. */
  | { kind: 'voicebox-intro' }
  | { kind: 'recording'; name: string }
  /** Waiting for `caseCreated`. */
  | { kind: 'saving' }
  /** The tracking number is being read; hang up when it ends. */
  | { kind: 'farewell'; trackingNumber: string }
  /** Waiting for `callbackRegistered`. */
  | { kind: 'callback' }
  /** A last prompt (goodbye, technical error) is playing; hang up when it ends. */
  | { kind: 'closing' }
  /** Terminal: enqueued, hung up by us or by the caller. No more commands. */
  | { kind: 'done' };

export type PhaseKind = Phase['kind'];

export type IvrOutcome = Extract<CallOutcome, 'in_ivr' | 'queued' | 'voicebox' | 'followup' | 'hangup' | 'failed' | 'callback'>;

export interface VoiceMessage {
  name: string;
  durationSeconds: number;
}

export interface IvrState {
  phase: Phase;
  /** The IVR path as the caller walked it; stored on the call row. */
  path: string[];
  /** What the call came to so far, for the call row ('in_ivr' until something happens). */
  outcome: IvrOutcome;
  caller: string | null;
  openCase: { trackingNumber: string } | null;
  category: CaseCategory | null;
  district: number | null;
  /** The queue the call was handed to, once enqueued. */
  queue: QueueName | null;
  /** Recordings started in this call (names are `voicebox-<n>`). */
  recordings: number;
  /** The newest recording long enough to keep; it is what gets saved. */
  message: VoiceMessage | null;
  /** `createCase` was emitted; it never is twice. */
  caseRequested: boolean;
  /** Tracking number of the case this call created. */
  trackingNumber: string | null;
  /** The caller is gone (hang-up seen); nothing may be played any more. */
  callerGone: boolean;
  /** Makes every timer name unique, so a stale timer can never be taken for the current one. */
  timerSeq: number;
}

export function initialState(): IvrState {
  return {
    phase: { kind: 'idle' },
    path: [],
    outcome: 'in_ivr',
    caller: null,
    openCase: null,
    category: null,
    district: null,
    queue: null,
    recordings: 0,
    message: null,
    caseRequested: false,
    trackingNumber: null,
    callerGone: false,
    timerSeq: 0,
  };
}

export function isTerminal(state: IvrState): boolean {
  return state.phase.kind === 'done';
}
