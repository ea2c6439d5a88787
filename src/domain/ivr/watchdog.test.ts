import { describe, expect, it } from 'vitest';
import { recordingEndReason, watchdogDue, watchdogVerdict, WATCHDOG_INTERVAL_MS, type Presence } from './watchdog.js';

describe('watchdogVerdict', () => {
  const cases: [Presence, Presence, string][] = [
    ['present', 'present', 'wait'],
    ['present', 'gone', 'finished'],
    ['present', 'unknown', 'wait'],
    ['gone', 'present', 'end'],
    ['gone', 'gone', 'end'],
    ['gone', 'unknown', 'end'],
    // Asterisk cannot be asked (ARI down): a guess could skip a prompt or cut a message.
    ['unknown', 'gone', 'wait'],
    ['unknown', 'unknown', 'wait'],
  ];
  it.each(cases)('channel %s, prompt/recording %s: %s', (channel, media, verdict) => {
    expect(watchdogVerdict({ channel, media })).toBe(verdict);
  });
});

describe('watchdogDue', () => {
  it('looks only at a wait that has lasted an interval', () => {
    expect(watchdogDue(null, 1_000_000)).toBe(false);
    expect(watchdogDue(1_000_000, 1_000_000 + WATCHDOG_INTERVAL_MS - 1)).toBe(false);
    expect(watchdogDue(1_000_000, 1_000_000 + WATCHDOG_INTERVAL_MS)).toBe(true);
  });
});

describe('recordingEndReason', () => {
  it.each([
    [{ sawHash: true, durationSeconds: 120, maxDurationSeconds: 120 }, 'dtmf'],
    [{ sawHash: false, durationSeconds: 119, maxDurationSeconds: 120 }, 'maxDuration'],
    [{ sawHash: false, durationSeconds: 40, maxDurationSeconds: 120 }, 'silence'],
  ] as const)('%o: %s', (input, reason) => {
    expect(recordingEndReason(input)).toBe(reason);
  });
});
