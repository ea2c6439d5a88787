/**
 * What the outbound-calls feature (satisfaction surveys, queue callbacks) agrees on
 * between its layers and with the rest of the engine: how an ended call is reported,
 * how calls are placed, how long one may last. Services and adapters both import these;
 * neither imports the other for them.
 */
import type { SurveyResult } from './domain/survey-flow.js';

/**
 * Longest an outbound survey call may hold its place under the calling cap, ringing
 * included. The worker, the call driver and the crash sweep (whose bound must exceed it)
 * all read it from here.
 */
export const DEFAULT_MAX_CALL_MS = 10 * 60_000;

/**
 * An answered callback waits in the queue and talks to an agent on its trunk channel,
 * so its slot is held until the call ends; past this the slot is given back anyway.
 */
export const DEFAULT_CALLBACK_MAX_CALL_MS = 60 * 60_000;

/** What the ARI side reports when a survey call is over (or never got through). */
export interface SurveyCallEnded {
  surveyId: string;
  /** Whether the channel was answered (it entered Stasis with the survey flow). */
  answered: boolean;
  /** Q.850 hangup cause (ChannelDestroyed.cause); null when the originate itself failed. */
  cause: number | null;
  /**
   * surveyResult(state) of the survey reducer; absent for an unanswered call. Its
   * `commentRecording` names the comment in Asterisk's stored recordings: it is imported
   * into the engine's store once the answers are saved.
   */
  result?: SurveyResult | undefined;
  /**
   * Why no cause came, stored as the attempt's cause name (the sweep's `engine-lost`:
   * the process that placed the call died before hearing how it ended).
   */
  lost?: string | undefined;
}

/** What the ARI side (or the job, for a failed originate) reports when a callback call is over. */
export interface CallbackCallEnded {
  callbackId: string;
  /** Whether the citizen answered (the channel entered Stasis with the callback flow). */
  answered: boolean;
  /** Q.850 hangup cause (ChannelDestroyed.cause); null when none came. */
  cause: number | null;
  /** Why no cause came (e.g. `engine-lost`), stored as the attempt's cause name. */
  lost?: string | undefined;
  /** Ignore the report when the attempt was answered (a job's timeout on a long answered call). */
  onlyIfUnanswered?: boolean;
}

/** One attempt of a survey call, as the service asks the job queue to place it. */
export interface SurveyJob {
  jobId: string;
  surveyId: string;
  attempt: number;
  /** When the attempt may be placed (inside the dialling window). */
  at: Date;
}

export interface SurveyDialler {
  /** Originates the call into the `hotline` Stasis app with appArgs `survey,<surveyId>`. */
  originate(input: { phone: string; surveyId: string }): Promise<void>;
}

export interface CallbackDialler {
  /** Originates the call into the `hotline` Stasis app with appArgs `callback,<id>`. */
  originate(input: { phone: string; callbackId: string; queue?: string }): Promise<void>;
  /** Agents free to take a call in an app_queue queue right now. */
  availableAgents(queue: string): Promise<number>;
}
