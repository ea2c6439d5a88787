import { describe, expect, it } from 'vitest';
import { shareBucket, shouldRecord } from './policy.js';

const ids = Array.from({ length: 2000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

describe('recording policy', () => {
  it('gives a call the same bucket every time', () => {
    expect(shareBucket(ids[7]!)).toBe(shareBucket(ids[7]!));
    expect(shareBucket(ids[7]!)).toBeGreaterThanOrEqual(0);
    expect(shareBucket(ids[7]!)).toBeLessThan(10_000);
  });

  it('records every call at 100 %, none at 0 %', () => {
    expect(ids.every((callId) => shouldRecord({ callId, queue: 'general' }, { sharePercent: 100, queuesOff: [] }))).toBe(true);
    expect(ids.some((callId) => shouldRecord({ callId, queue: 'general' }, { sharePercent: 0, queuesOff: [] }))).toBe(false);
  });

  it('records about the configured share of calls', () => {
    const recorded = ids.filter((callId) => shouldRecord({ callId, queue: 'general' }, { sharePercent: 25, queuesOff: [] })).length;
    expect(recorded / ids.length).toBeGreaterThan(0.2);
    expect(recorded / ids.length).toBeLessThan(0.3);
  });

  it('never records a queue that is switched off', () => {
    const policy = { sharePercent: 100, queuesOff: ['complaints'] as const };
    expect(shouldRecord({ callId: ids[0]!, queue: 'complaints' }, policy)).toBe(false);
    expect(shouldRecord({ callId: ids[0]!, queue: 'general' }, policy)).toBe(true);
  });
});
