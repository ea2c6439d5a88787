import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_STATUSES } from '../cases/case.js';
import { initialState, isTerminal, step, type IvrState } from './engine.js';
import type { IvrCommand, IvrEvent, StepContext } from './types.js';

// CPU-bound: on a loaded 2-core CI machine a thousand random calls take far more than
// vitest's default 5 s. The bound is a hang guard, not a performance assertion.
const PROPERTY_TIMEOUT_MS = 120_000;

const manifest = JSON.parse(
  readFileSync(new URL('../../../sounds/fa/manifest.json', import.meta.url), 'utf8'),
) as { prompts: { id: string }[] };
const PLAYABLE = new Set([...manifest.prompts.map((p) => p.id), 'beep']);

/**
 * An event in the abstract. Names (timer, recording, tracking number) are resolved
 * against what the engine last asked for, so random runs reach deep into the flow;
 * `stale` picks a name that is certainly not the awaited one.
 */
type Pick =
  | { kind: 'started'; entry: 'inbound' | 'queue-exit'; openCase: boolean }
  | { kind: 'dtmf'; digit: string }
  | { kind: 'playbackDone' }
  | { kind: 'timer'; stale: boolean }
  | { kind: 'recordingDone'; stale: boolean; seconds: number; reason: 'dtmf' | 'silence' | 'maxDuration' | 'hangup' }
  | { kind: 'lookupResult'; stale: boolean; status: (typeof CASE_STATUSES)[number] | null; at: number }
  | { kind: 'caseCreated'; trackingNumber: string }
  | { kind: 'failed'; command: IvrCommand['type'] }
  | { kind: 'hangup' }
  /** What a well-behaved adapter would deliver next: the answer to the last command. */
  | { kind: 'answer'; seconds: number; found: boolean };

const startedArb = fc.record({
  kind: fc.constant('started' as const),
  entry: fc.constantFrom('inbound' as const, 'queue-exit' as const),
  openCase: fc.boolean(),
});

const rarely = fc.constantFrom(false, false, false, true);

const pickArb: fc.Arbitrary<Pick> = fc.oneof(
  { weight: 1, arbitrary: startedArb },
  {
    weight: 10,
    // 'constructor' checks that a key never finds a member of Object.prototype.
    arbitrary: fc.record({ kind: fc.constant('dtmf' as const), digit: fc.constantFrom(...'0123456789*#', 'A', 'constructor') }),
  },
  { weight: 8, arbitrary: fc.constant({ kind: 'playbackDone' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('timer' as const), stale: rarely }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('recordingDone' as const),
      stale: rarely,
      seconds: fc.oneof(fc.constantFrom(0, 0.5, 1, 1.5), fc.double({ min: 0, max: 130, noNaN: true })),
      reason: fc.constantFrom('dtmf' as const, 'silence' as const, 'maxDuration' as const, 'hangup' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('lookupResult' as const),
      stale: rarely,
      status: fc.option(fc.constantFrom(...CASE_STATUSES)),
      at: fc.integer({ min: -1, max: 2_000_000_000_000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('caseCreated' as const), trackingNumber: fc.stringMatching(/^\d{10}$/) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('failed' as const),
      command: fc.constantFrom<IvrCommand['type']>(
        ...['play', 'startTimer', 'cancelTimer', 'record', 'lookupCase', 'createCase', 'enqueue', 'hangup'] as const,
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hangup' as const }) },
  {
    weight: 16,
    arbitrary: fc.record({ kind: fc.constant('answer' as const), seconds: fc.constantFrom(0.5, 3, 60), found: fc.boolean() }),
  },
);

interface Asked {
  timer: string;
  recording: string;
  lookup: string;
  /** The last command that expects an answer event. */
  pending: IvrCommand['type'] | null;
}

function resolve(pick: Pick, asked: Asked): IvrEvent {
  switch (pick.kind) {
    case 'started':
      return {
        type: 'started',
        caller: '09120000000',
        entry: pick.entry,
        openCase: pick.openCase ? { trackingNumber: '11112222' } : null,
      };
    case 'dtmf':
      return { type: 'dtmf', digit: pick.digit };
    case 'playbackDone':
      return { type: 'playbackDone' };
    case 'timer':
      return { type: 'timer', name: pick.stale ? `${asked.timer}-old` : asked.timer };
    case 'recordingDone':
      return {
        type: 'recordingDone',
        name: pick.stale ? 'elsewhere' : asked.recording,
        durationSeconds: pick.seconds,
        reason: pick.reason,
      };
    case 'lookupResult':
      return {
        type: 'lookupResult',
        trackingNumber: pick.stale ? '00000000' : asked.lookup,
        found: pick.status ? { status: pick.status, updatedAt: new Date(pick.at) } : null,
      };
    case 'caseCreated':
      return { type: 'caseCreated', trackingNumber: pick.trackingNumber };
    case 'failed':
      return { type: 'failed', command: pick.command, message: 'random failure' };
    case 'hangup':
      return { type: 'hangup' };
    case 'answer':
      return answer(pick, asked);
  }
}

function answer(pick: { seconds: number; found: boolean }, asked: Asked): IvrEvent {
  switch (asked.pending) {
    case 'startTimer':
      return { type: 'timer', name: asked.timer };
    case 'record':
      return { type: 'recordingDone', name: asked.recording, durationSeconds: pick.seconds, reason: 'dtmf' };
    case 'lookupCase':
      return {
        type: 'lookupResult',
        trackingNumber: asked.lookup,
        found: pick.found ? { status: 'resolved', updatedAt: new Date('2025-01-01T00:00:00Z') } : null,
      };
    case 'createCase':
      return { type: 'caseCreated', trackingNumber: '12345671' };
    default:
      return { type: 'playbackDone' };
  }
}

const ANSWERED: IvrCommand['type'][] = ['play', 'startTimer', 'record', 'lookupCase', 'createCase'];

function remember(asked: Asked, commands: IvrCommand[]): Asked {
  let next = asked;
  for (const c of commands) {
    if (c.type === 'startTimer') next = { ...next, timer: c.name };
    if (c.type === 'record') next = { ...next, recording: c.name };
    if (c.type === 'lookupCase') next = { ...next, lookup: c.trackingNumber };
    if (ANSWERED.includes(c.type)) next = { ...next, pending: c.type };
  }
  return next;
}

/** Mostly a call as the adapter delivers it (started first), sometimes with junk before it. */
const callArb = fc
  .tuple(fc.array(pickArb, { maxLength: 2 }), startedArb, fc.array(pickArb, { maxLength: 80, size: 'max' }))
  .map(([before, started, after]) => [...before, started, ...after]);

describe('step: any sequence of events', () => {
  it('never throws, stays silent after the end, plays only manifest prompts, creates at most one case', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(fc.boolean(), callArb, (officeOpen, picks) => {
        const ctx: StepContext = { now: new Date('2025-01-04T08:00:00Z'), officeOpen };
        let state: IvrState = initialState();
        let asked: Asked = { timer: 'none', recording: 'none', lookup: '00000000', pending: null };
        let createCases = 0;
        const timerNames = new Set<string>();

        for (const pick of picks) {
          const wasTerminal = isTerminal(state);
          const event = resolve(pick, asked);
          const { state: next, commands } = step(state, event, ctx);

          if (wasTerminal) expect(commands).toEqual([]);
          for (const c of commands) {
            if (c.type === 'play') for (const id of c.prompts) expect(PLAYABLE).toContain(id);
            if (c.type === 'createCase') createCases += 1;
            if (c.type === 'startTimer') {
              expect(timerNames.has(c.name)).toBe(false);
              timerNames.add(c.name);
            }
            if (c.type === 'enqueue') expect(officeOpen).toBe(true);
            if (c.type === 'enqueue' || c.type === 'hangup') expect(isTerminal(next)).toBe(true);
          }
          if (event.type === 'hangup') expect(isTerminal(next)).toBe(true);
          expect(next.path.slice(0, state.path.length)).toEqual(state.path);
          expect(JSON.parse(JSON.stringify(next))).toEqual(next);

          state = next;
          asked = remember(asked, commands);
          reached.add(state.phase.kind);
        }
        expect(createCases).toBeLessThanOrEqual(1);
      }),
      { numRuns: 1_000 },
    );
    // The properties are only worth something if random calls get deep into the flow.
    for (const kind of ['entry', 'lookup', 'transfer', 'recording', 'saving', 'farewell', 'closing', 'done']) {
      expect(reached).toContain(kind);
    }
  }, PROPERTY_TIMEOUT_MS);
});
