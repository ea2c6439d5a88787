import { describe, expect, it } from 'vitest';
import type { Holiday } from '../../domain/calendar/holidays.js';
import { DEFAULT_DIALLING_WINDOW, isInsideWindow } from './dialling-window.js';
import {
  ATTEMPT_OUTCOMES,
  causeName,
  decideNext,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_DELAYS_MS,
  HANGUP_CAUSES,
  outcomeOf,
  type AttemptOutcome,
  type RetryPolicyConfig,
} from './retry-policy.js';

/* Tehran = UTC+03:30. Wed 2026-04-29 = 1405/02/09 … Sat 05-02 = 02/12; no holidays that week. */
const config: RetryPolicyConfig = {
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
  window: DEFAULT_DIALLING_WINDOW,
  holidays: [],
};
const at = (iso: string) => new Date(iso);
const WED_1000 = at('2026-04-29T06:30:00Z');

describe('outcomeOf (Asterisk hangup cause → outcome)', () => {
  it.each<[number, AttemptOutcome]>([
    [1, 'invalid_number'],
    [3, 'invalid_number'],
    [22, 'invalid_number'],
    [28, 'invalid_number'],
    [17, 'busy'],
    [18, 'no_answer'],
    [19, 'no_answer'],
    [20, 'no_answer'],
    [16, 'no_answer'],
    [21, 'rejected'],
    [34, 'congestion'],
    [42, 'congestion'],
    [44, 'congestion'],
    [38, 'failed'],
    [41, 'failed'],
    [127, 'failed'],
    [0, 'failed'],
    [99, 'failed'],
  ])('unanswered, cause %i → %s', (cause, outcome) => {
    expect(outcomeOf({ answered: false, cause })).toBe(outcome);
  });

  it('an answered call is answered whatever the cause (16 normal clearing, or the far end dropping)', () => {
    expect(outcomeOf({ answered: true, cause: 16 })).toBe('answered');
    expect(outcomeOf({ answered: true, cause: 41 })).toBe('answered');
    expect(outcomeOf({ answered: true, cause: null })).toBe('answered');
  });

  it('an originate that failed before any cause is a retryable failure', () => {
    expect(outcomeOf({ answered: false, cause: null })).toBe('failed');
  });

  it('names causes for the attempt history', () => {
    expect(causeName(17)).toBe('USER_BUSY');
    expect(causeName(1)).toBe('UNALLOCATED');
    expect(causeName(250)).toBe('CAUSE_250');
  });

  it('maps every cause in the table to a known outcome', () => {
    for (const info of Object.values(HANGUP_CAUSES)) expect(ATTEMPT_OUTCOMES).toContain(info.outcome);
  });
});

describe('decideNext', () => {
  it('is done once the citizen answered, at any attempt', () => {
    for (const n of [1, 2, 3]) expect(decideNext(n, 'answered', WED_1000, config)).toEqual({ kind: 'done' });
  });

  it('gives up at once on an invalid number, even on the first attempt', () => {
    expect(decideNext(1, 'invalid_number', WED_1000, config)).toEqual({ kind: 'give_up', reason: 'invalid_number' });
    expect(decideNext(1, outcomeOf({ answered: false, cause: 1 }), WED_1000, config)).toEqual({
      kind: 'give_up',
      reason: 'invalid_number',
    });
  });

  it.each<AttemptOutcome>(['busy', 'no_answer', 'rejected', 'congestion', 'failed'])(
    '%s is retried 2 h later, then a day later, and stops after 3 attempts',
    (outcome) => {
      const first = decideNext(1, outcome, WED_1000, config);
      expect(first).toEqual({ kind: 'retry', at: at('2026-04-29T08:30:00Z') }); // Wednesday 12:00
      if (first.kind !== 'retry') return;
      const second = decideNext(2, outcome, first.at, config);
      expect(second).toEqual({ kind: 'retry', at: at('2026-04-30T08:30:00Z') }); // Thursday 12:00
      if (second.kind !== 'retry') return;
      expect(decideNext(3, outcome, second.at, config)).toEqual({ kind: 'give_up', reason: 'attempts_exhausted' });
    },
  );

  it('moves a retry that would fall outside the window to the next opening', () => {
    // Wednesday 19:00 + 2 h = 21:00 → Thursday 09:00.
    expect(decideNext(1, 'busy', at('2026-04-29T15:30:00Z'), config)).toEqual({
      kind: 'retry',
      at: at('2026-04-30T05:30:00Z'),
    });
    // Thursday 19:00 + 24 h = Friday 19:00 → Saturday 09:00.
    expect(decideNext(2, 'no_answer', at('2026-04-30T15:30:00Z'), config)).toEqual({
      kind: 'retry',
      at: at('2026-05-02T05:30:00Z'),
    });
  });

  it('skips holidays when placing a retry', () => {
    const holidays: Holiday[] = [{ jy: 1405, jm: 2, jd: 10, name: 'test' }]; // Thursday
    // Wednesday 12:00 + 24 h = Thursday 12:00, a holiday → Saturday 09:00.
    expect(decideNext(2, 'busy', at('2026-04-29T08:30:00Z'), { ...config, holidays })).toEqual({
      kind: 'retry',
      at: at('2026-05-02T05:30:00Z'),
    });
  });

  it('every retry lands inside the window, whenever the attempt ended', () => {
    for (let h = 0; h < 24 * 7; h += 1) {
      const now = new Date(at('2026-04-25T00:00:00Z').getTime() + h * 3_600_000 + 17 * 60_000);
      for (const attempts of [1, 2]) {
        const next = decideNext(attempts, 'no_answer', now, config);
        expect(next.kind).toBe('retry');
        if (next.kind !== 'retry') continue;
        expect(isInsideWindow(next.at, config.window, config.holidays)).toBe(true);
        expect(next.at.getTime()).toBeGreaterThanOrEqual(now.getTime() + DEFAULT_RETRY_DELAYS_MS[attempts - 1]!);
      }
    }
  });

  it('repeats the last delay when more attempts are allowed than delays listed', () => {
    const five = { ...config, maxAttempts: 5, retryDelaysMs: [3_600_000] };
    expect(decideNext(4, 'busy', WED_1000, five)).toEqual({ kind: 'retry', at: at('2026-04-29T07:30:00Z') });
    expect(decideNext(5, 'busy', WED_1000, five)).toEqual({ kind: 'give_up', reason: 'attempts_exhausted' });
  });

  it('with a single attempt allowed, never retries', () => {
    expect(decideNext(1, 'busy', WED_1000, { ...config, maxAttempts: 1 })).toEqual({
      kind: 'give_up',
      reason: 'attempts_exhausted',
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects attempts = %s', (n) => {
    expect(() => decideNext(n, 'busy', WED_1000, config)).toThrow(RangeError);
  });
});
