/**
 * A session waits on Asterisk for two things: the end of a prompt (PlaybackFinished) and
 * the end of a recording (RecordingFinished). Events lost in a WebSocket drop would
 * leave the caller in silence with their keys ignored. The watchdog asks Asterisk
 * instead of waiting forever; these are its decisions, free of I/O.
 */

/** How often a session still waiting on Asterisk asks about it. */
export const WATCHDOG_INTERVAL_MS = 4_000;

export type Waiting = 'playback' | 'recording';

/** What Asterisk answered: the thing still exists, is gone (404), or could not be asked. */
export type Presence = 'present' | 'gone' | 'unknown';

export type WatchdogVerdict =
  /** All is well (or Asterisk cannot be asked): wait on. */
  | 'wait'
  /** The channel is gone: the session ends as on StasisEnd. */
  | 'end'
  /** The prompt or recording is over and its event was missed: carry on as if it came. */
  | 'finished';

export function watchdogVerdict(probe: { channel: Presence; media: Presence }): WatchdogVerdict {
  if (probe.channel === 'gone') return 'end';
  if (probe.media === 'gone' && probe.channel === 'present') return 'finished';
  return 'wait';
}

/** Whether a wait begun at `sinceMs` is due a look at `nowMs`. */
export function watchdogDue(sinceMs: number | null, nowMs: number): boolean {
  return sinceMs !== null && nowMs - sinceMs >= WATCHDOG_INTERVAL_MS;
}

/** Why a recording stopped, from what the session saw: '#', its length, or else silence. */
export function recordingEndReason(input: {
  sawHash: boolean;
  durationSeconds: number;
  maxDurationSeconds: number;
}): 'dtmf' | 'maxDuration' | 'silence' {
  if (input.sawHash) return 'dtmf';
  return input.durationSeconds >= input.maxDurationSeconds - 1 ? 'maxDuration' : 'silence';
}
