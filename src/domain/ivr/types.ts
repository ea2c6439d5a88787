/**
 * The contract between the pure IVR reducer (domain/ivr) and the ARI session adapter
 * (adapters/ari). The reducer never touches Asterisk: it turns events into commands.
 *
 *   step(state, event, ctx) → { state, commands }
 *
 * Only the adapter turns commands into ARI calls and Asterisk happenings into events.
 */
import type { CaseCategory, CaseStatus, QueueName } from '../cases/case.js';

/** Snapshot of the world the adapter hands in with every event (the clock is passed in). */
export interface StepContext {
  now: Date;
  /** Office hours as of `now`, including holidays and the supervisor override. */
  officeOpen: boolean;
  /** While closed: when agents answer again by the calendar (null: not known, e.g. closed by the override). */
  nextOpening?: Date | null;
}

export type IvrEvent =
  /**
   * The call entered Stasis. `entry` says why: a fresh call to 137, or a caller coming
   * back from a dialplan Queue() that timed out / had no agents (offered the voicebox).
   */
  | {
      type: 'started';
      caller: string | null;
      entry: 'inbound' | 'queue-exit';
      /** For `queue-exit`: app_queue's QUEUESTATUS (TIMEOUT, JOINEMPTY, EXITWITHKEY = pressed 1…). */
      queueStatus?: string | null;
      /** The caller's newest open case, looked up by the adapter before `started`. */
      openCase: { trackingNumber: string } | null;
    }
  /** A key pressed. The adapter has already stopped any prompt that was playing (barge-in). */
  | { type: 'dtmf'; digit: string }
  /** The whole prompt list of the last `play` finished without being interrupted. */
  | { type: 'playbackDone' }
  /** A timer started with `startTimer` fired (and was not cancelled or replaced). */
  | { type: 'timer'; name: string }
  /** Answer to `lookupCase`: null when no case has that tracking number. */
  | {
      type: 'lookupResult';
      trackingNumber: string;
      found: { status: CaseStatus; updatedAt: Date } | null;
    }
  /**
   * A `record` ended. When the caller hangs up mid-recording the adapter delivers this
   * (reason 'hangup') before the `hangup` event, so the message can still become a case.
   */
  | {
      type: 'recordingDone';
      name: string;
      durationSeconds: number;
      reason: 'dtmf' | 'silence' | 'maxDuration' | 'hangup';
    }
  /** Answer to `requestCallback`: the request is stored and its job queued. */
  | { type: 'callbackRegistered' }
  /** Answer to `createCase`. */
  | { type: 'caseCreated'; trackingNumber: string }
  /** A command failed in the adapter (lookup/createCase/record error). */
  | { type: 'failed'; command: IvrCommand['type']; message: string }
  /** The caller hung up (always the last event of a call). */
  | { type: 'hangup' };

export type IvrCommand =
  /** Play prompt ids from sounds/fa/manifest.json (plus Asterisk's own 'beep'), in order; any key interrupts. */
  | { type: 'play'; prompts: string[] }
  /** Start (or replace) the one input timer of this call. */
  | { type: 'startTimer'; name: string; ms: number }
  | { type: 'cancelTimer' }
  | {
      type: 'record';
      name: string;
      maxDurationSeconds: number;
      maxSilenceSeconds: number;
      terminateOn: '#';
      beep: boolean;
    }
  | { type: 'lookupCase'; trackingNumber: string }
  | {
      type: 'createCase';
      category: CaseCategory | null;
      district: number | null;
      /** Name of the recording (as given to `record`), if the case carries one. */
      recording: string | null;
    }
  /** Store a request to call the caller back (they pressed 1 while waiting in a queue). */
  | { type: 'requestCallback' }
  /** Leave Stasis for the dialplan Queue(); the reducer is done with this call. */
  | { type: 'enqueue'; queue: QueueName; category: CaseCategory | null; district: number | null }
  | { type: 'hangup' };

export interface StepResult<S> {
  state: S;
  commands: IvrCommand[];
}
