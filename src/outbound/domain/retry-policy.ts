/**
 * What to do after an outbound call attempt (survey or queue callback): done, try again
 * later (always inside the dialling window), or give up. Outcomes come from Asterisk's
 * hangup cause, which is the ITU-T Q.850 cause number (ARI `ChannelDestroyed.cause`,
 * AMI `Hangup.Cause`; chan_pjsip maps SIP responses onto it: 404 → 1, 486 → 17,
 * 480 → 18, 603 → 21, 484 → 28, 503 → 34).
 */
import type { Holiday } from '../../domain/calendar/holidays.js';
import { nextCallTime, type DiallingWindowConfig } from './dialling-window.js';

export const ATTEMPT_OUTCOMES = [
  'answered',
  'busy',
  'no_answer',
  'rejected',
  'congestion',
  'failed',
  'invalid_number',
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

interface CauseInfo {
  /** Asterisk's name for the cause (AST_CAUSE_…), stored next to the number for people. */
  name: string;
  /** What it means for a call that was never answered. */
  outcome: AttemptOutcome;
}

/**
 * The Q.850 causes a carrier or Asterisk actually sends for an unanswered call. Only
 * causes that say the number itself is wrong are permanent: a failure on our side or
 * in the network is worth another try, and a citizen who rejected one call (often a
 * "not now" on a mobile) may well answer the next.
 */
export const HANGUP_CAUSES: Readonly<Record<number, CauseInfo>> = {
  0: { name: 'NOT_DEFINED', outcome: 'failed' },
  1: { name: 'UNALLOCATED', outcome: 'invalid_number' },
  2: { name: 'NO_ROUTE_TRANSIT_NET', outcome: 'failed' },
  3: { name: 'NO_ROUTE_DESTINATION', outcome: 'invalid_number' },
  16: { name: 'NORMAL_CLEARING', outcome: 'no_answer' },
  17: { name: 'USER_BUSY', outcome: 'busy' },
  18: { name: 'NO_USER_RESPONSE', outcome: 'no_answer' },
  19: { name: 'NO_ANSWER', outcome: 'no_answer' },
  20: { name: 'SUBSCRIBER_ABSENT', outcome: 'no_answer' },
  21: { name: 'CALL_REJECTED', outcome: 'rejected' },
  22: { name: 'NUMBER_CHANGED', outcome: 'invalid_number' },
  26: { name: 'NONSELECTED_USER_CLEARING', outcome: 'no_answer' },
  27: { name: 'DESTINATION_OUT_OF_ORDER', outcome: 'failed' },
  28: { name: 'INVALID_NUMBER_FORMAT', outcome: 'invalid_number' },
  29: { name: 'FACILITY_REJECTED', outcome: 'failed' },
  31: { name: 'NORMAL_UNSPECIFIED', outcome: 'no_answer' },
  34: { name: 'NORMAL_CIRCUIT_CONGESTION', outcome: 'congestion' },
  38: { name: 'NETWORK_OUT_OF_ORDER', outcome: 'failed' },
  41: { name: 'NORMAL_TEMPORARY_FAILURE', outcome: 'failed' },
  42: { name: 'SWITCH_CONGESTION', outcome: 'congestion' },
  44: { name: 'REQUESTED_CHAN_UNAVAIL', outcome: 'congestion' },
  47: { name: 'RESOURCE_UNAVAIL', outcome: 'congestion' },
  58: { name: 'BEARERCAPABILITY_NOTAVAIL', outcome: 'failed' },
  102: { name: 'RECOVERY_ON_TIMER_EXPIRE', outcome: 'no_answer' },
  127: { name: 'INTERWORKING', outcome: 'failed' },
};

/** 'USER_BUSY' for 17; 'CAUSE_<n>' for a number not in the table. */
export function causeName(cause: number): string {
  return Object.hasOwn(HANGUP_CAUSES, cause) ? HANGUP_CAUSES[cause]!.name : `CAUSE_${cause}`;
}

/**
 * The outcome of one attempt. `answered` is whether the channel was answered (it
 * entered Stasis); once it was, the cause only says who hung up. `cause` is null when
 * the originate itself failed (ARI refused it, the trunk was unreachable): a failure on
 * our side, worth another try.
 */
export function outcomeOf(attempt: { answered: boolean; cause: number | null }): AttemptOutcome {
  if (attempt.answered) return 'answered';
  if (attempt.cause === null) return 'failed';
  return Object.hasOwn(HANGUP_CAUSES, attempt.cause) ? HANGUP_CAUSES[attempt.cause]!.outcome : 'failed';
}

export interface RetryPolicyConfig {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /**
   * Wait after attempt n before attempt n+1 (index n-1); the last entry repeats when
   * there are more attempts than entries. The result is then moved into the window.
   */
  retryDelaysMs: readonly number[];
  window: DiallingWindowConfig;
  holidays: readonly Holiday[];
}

const HOUR_MS = 3_600_000;

/** 3 attempts: the second 2 h after the first, the third a day after the second. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([2 * HOUR_MS, 24 * HOUR_MS]);
export const DEFAULT_MAX_ATTEMPTS = 3;
/**
 * Queue callbacks: the same 3 attempts, spaced in minutes rather than hours. The citizen
 * asked to be called back about a call of today; a survey can wait a day, they should not.
 */
export const CALLBACK_RETRY_DELAYS_MS: readonly number[] = Object.freeze([10 * 60_000, 30 * 60_000]);

export type GiveUpReason = 'invalid_number' | 'attempts_exhausted';

export type NextStep =
  | { kind: 'done' }
  | { kind: 'retry'; at: Date }
  | { kind: 'give_up'; reason: GiveUpReason };

/**
 * After attempt number `attempts` (1 for the first) ended with `outcome` at `now`:
 * stop, or call again at an instant inside the dialling window.
 */
export function decideNext(attempts: number, outcome: AttemptOutcome, now: Date, config: RetryPolicyConfig): NextStep {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be 1 or more, got ${attempts}`);
  if (outcome === 'answered') return { kind: 'done' };
  if (outcome === 'invalid_number') return { kind: 'give_up', reason: 'invalid_number' };
  if (attempts >= config.maxAttempts) return { kind: 'give_up', reason: 'attempts_exhausted' };
  const delays = config.retryDelaysMs;
  if (delays.length === 0) throw new RangeError('retryDelaysMs is empty but retries are allowed');
  const delay = delays[Math.min(attempts, delays.length) - 1]!;
  return { kind: 'retry', at: nextCallTime(new Date(now.getTime() + delay), config.window, config.holidays) };
}
