import type { AriEvent, CitizenCall } from '../../helpers/citizen.js';

/** Dialplan applications that put sound on the line (a prompt, a recording beep and line, hold music). */
const SOUNDING_APPS = new Set(['Playback', 'BackGround', 'Record', 'Queue', 'MusicOnHold', 'Read']);

/** Asterisk's event time ("2026-12-02T12:30:00.123+0000"), in epoch milliseconds. */
export function eventTime(e: AriEvent): number {
  return Date.parse(String(e.timestamp).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

/**
 * The longest stretch in which the hotline played nothing to the caller and recorded
 * nothing of theirs — what a citizen hears as silence — from the call's arrival to
 * `until` (or its end), leaving out the windows in which no engine was running (`down`),
 * since the promise is "no silence while the engine runs". Sound counts from ARI
 * playbacks and recordings, and after the call left Stasis from the dialplan
 * application it runs (the fallback's prompts, voicebox and queue). `from` leaves out
 * what came before (e.g. a menu waiting for the caller's key, which is the caller's turn).
 */
export function longestSilenceMs(call: CitizenCall, opts: { from?: number; until?: number; down?: Array<[number, number]> } = {}): number {
  const playing = new Set<string>();
  let recording = false;
  let dialplanSound = false;
  let quietSince: number | null = null;
  let longest = 0;
  const close = (at: number) => {
    if (quietSince === null) return;
    longest = Math.max(longest, minus(Math.max(quietSince, opts.from ?? 0), at, opts.down ?? []));
    quietSince = null;
  };
  let end = opts.until ?? Date.now();
  // The call's first event (the hotline's half created, answered): the caller waits from then.
  if (call.log[0]) quietSince = eventTime(call.log[0]);
  for (const e of call.log) {
    const at = eventTime(e);
    if (at > end) break;
    switch (e.type) {
      case 'PlaybackStarted':
        playing.add(e.playback!.id);
        break;
      case 'PlaybackFinished':
        playing.delete(e.playback!.id);
        break;
      case 'RecordingStarted':
        recording = true;
        break;
      case 'RecordingFinished':
      case 'RecordingFailed':
        recording = false;
        break;
      case 'ChannelDialplan':
        dialplanSound = SOUNDING_APPS.has(String(e.dialplan_app));
        break;
      case 'ChannelDestroyed':
        end = Math.min(end, at);
        break;
      default:
        continue;
    }
    if (playing.size > 0 || recording || dialplanSound) close(at);
    else if (quietSince === null) quietSince = at;
  }
  close(end);
  return longest;
}

/** Length of [from, to] outside the `down` windows. */
function minus(from: number, to: number, down: Array<[number, number]>): number {
  let length = Math.max(0, to - from);
  for (const [a, b] of down) length -= Math.max(0, Math.min(to, b) - Math.max(from, a));
  return length;
}
