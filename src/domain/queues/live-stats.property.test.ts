import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueueName } from '../cases/case.js';
import { AGENT_STATES, apply, defaultConfig, initialState } from './live-stats.js';
import type { MemberInfo, QueueEvent } from './queue-events.js';
import { snapshot } from './snapshot.js';

// CPU-bound: on a loaded 2-core CI machine a thousand random calls take far more than
// vitest's default 5 s. The bound is a hang guard, not a performance assertion.
const PROPERTY_TIMEOUT_MS = 120_000;

const START = Date.parse('2026-05-02T17:00:00Z'); // 20:30 in Tehran: runs cross midnight
const QUEUES: QueueName[] = ['general', 'complaints'];
const CALLS = ['c1', 'c2', 'c3', 'c4'];
const AGENTS = ['PJSIP/a', 'PJSIP/b'];

const info = (iface: string, status: number, paused: boolean): MemberInfo => ({
  iface,
  name: iface,
  stateInterface: iface,
  penalty: 0,
  callsTaken: 0,
  lastCall: null,
  lastPause: null,
  loginTime: null,
  inCall: false,
  status,
  paused,
  pausedReason: paused ? 'break' : null,
  wrapUpSec: 0,
});

/** Any event in any order, including ones real Asterisk would never send in that order. */
const eventArb = (at: Date): fc.Arbitrary<QueueEvent> => {
  const queue = fc.constantFrom(...QUEUES);
  const uniqueId = fc.constantFrom(...CALLS);
  const iface = fc.constantFrom(...AGENTS);
  const sec = fc.integer({ min: 0, max: 120 });
  return fc.oneof(
    fc.record({ queue, uniqueId }).map((e) => ({ kind: 'callerJoined' as const, ...e, at, caller: '0912', callerName: null, position: 1 })),
    fc.record({ queue, uniqueId, waitSec: sec }).map((e) => ({ kind: 'queueEntry' as const, ...e, at, caller: null, callerName: null, position: 1 })),
    fc.record({ queue, uniqueId }).map((e) => ({ kind: 'callerLeft' as const, ...e, at })),
    fc.record({ queue, uniqueId, holdSec: sec }).map((e) => ({ kind: 'callerAbandoned' as const, ...e, at, position: 1, originalPosition: 1 })),
    fc.record({ queue, uniqueId, iface }).map((e) => ({ kind: 'agentCalled' as const, ...e, at, memberName: e.iface })),
    fc.record({ queue, uniqueId, iface, holdSec: sec }).map((e) => ({ kind: 'agentConnected' as const, ...e, at, memberName: e.iface, ringSec: 2 })),
    fc.record({ queue, uniqueId, iface, talkSec: sec }).map((e) => ({ kind: 'agentCompleted' as const, ...e, at, memberName: e.iface, holdSec: 1, reason: 'caller' })),
    fc.record({ queue, uniqueId, iface }).map((e) => ({ kind: 'agentRingNoAnswer' as const, ...e, at, memberName: e.iface, ringMs: 1000 })),
    fc
      .record({ queue, iface, status: fc.integer({ min: 0, max: 8 }), paused: fc.boolean(), kind: fc.constantFrom('memberAdded', 'memberStatus', 'memberPaused', 'memberRemoved') })
      .map(({ queue: q, iface: i, status, paused, kind }) => ({ kind, queue: q, at, member: info(i, status, paused) }) as QueueEvent),
    fc.record({ queue, count: fc.integer({ min: 0, max: 9 }) }).map((e) => ({ kind: 'callbacksPending' as const, ...e, at })),
  );
};

/** Steps of 0..40 minutes, so some runs pass Tehran midnight. */
const runArb = fc.array(fc.integer({ min: 0, max: 40 * 60_000 }), { maxLength: 60 }).chain((gaps) => {
  let t = START;
  const times = gaps.map((gap) => (t += gap));
  return fc.tuple(...times.map((ms) => eventArb(new Date(ms))));
});

describe('live statistics hold their invariants for any event sequence', () => {
  it('service level in [0, 1]; answered + abandoned never exceed offered; every agent counted once', () => {
    fc.assert(
      fc.property(runArb, (events) => {
        let s = initialState(defaultConfig(), new Date(START));
        for (const e of events) {
          s = apply(s, e);
          const snap = snapshot(s, e.at);
          for (const view of [...Object.values(snap.queues), snap.overall]) {
            const t = view.today;
            expect(t.answered + t.abandoned).toBeLessThanOrEqual(t.offered);
            expect(t.abandonedLate).toBeLessThanOrEqual(t.abandoned);
            if (t.serviceLevel !== null) {
              expect(t.serviceLevel).toBeGreaterThanOrEqual(0);
              expect(t.serviceLevel).toBeLessThanOrEqual(1);
            }
            if (t.abandonmentRate !== null) expect(t.abandonmentRate).toBeLessThanOrEqual(1);
            expect(view.callsWaiting).toBe(new Set(view.waiting.map((w) => `${w.queue}/${w.uniqueId}`)).size);
            expect(view.waiting.every((w) => w.waitSec >= 0)).toBe(true);
            expect(AGENT_STATES.reduce((n, st) => n + view.agentsByState[st], 0)).toBe(view.agents.length);
            expect(view.agents.every((a) => a.inStateSec >= 0)).toBe(true);
          }
          expect(new Set(snap.overall.agents.map((a) => a.iface)).size).toBe(snap.overall.agents.length);
        }
      }),
      { numRuns: 300 },
    );
  }, PROPERTY_TIMEOUT_MS);
});
