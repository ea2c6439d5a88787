import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_CATEGORIES } from '../../domain/cases/case.js';
import {
  initialSurveyState,
  isSurveyOver,
  step,
  SURVEY_PROMPT_IDS,
  surveyResult,
  type SurveyCommand,
  type SurveyEvent,
  type SurveyState,
} from './survey-flow.js';

const NOW = { now: new Date('2026-04-29T08:30:00Z') };
const PLAYABLE = new Set(SURVEY_PROMPT_IDS);

/** Abstract events; timer and recording names are resolved against the state, `stale` picks a wrong one. */
type Pick =
  | { kind: 'started'; category: (typeof CASE_CATEGORIES)[number] | null }
  | { kind: 'dtmf'; digit: string }
  | { kind: 'playbackDone' }
  | { kind: 'timer'; stale: boolean }
  | { kind: 'recordingDone'; stale: boolean; seconds: number; reason: 'dtmf' | 'silence' | 'maxDuration' | 'hangup' }
  | { kind: 'failed'; command: 'play' | 'record' | 'startTimer' }
  | { kind: 'hangup' };

const rarely = fc.constantFrom(false, false, false, true);
const pickArb: fc.Arbitrary<Pick> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('started' as const),
      category: fc.option(fc.constantFrom(...CASE_CATEGORIES)),
    }),
  },
  {
    weight: 10,
    // 'constructor' checks that a key never finds a member of Object.prototype.
    arbitrary: fc.record({
      kind: fc.constant('dtmf' as const),
      digit: fc.constantFrom(...'0123456789*#', 'constructor'),
    }),
  },
  { weight: 8, arbitrary: fc.constant({ kind: 'playbackDone' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('timer' as const), stale: rarely }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('recordingDone' as const),
      stale: rarely,
      seconds: fc.double({ min: 0, max: 31, noNaN: true }),
      reason: fc.constantFrom('dtmf' as const, 'silence' as const, 'maxDuration' as const, 'hangup' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('failed' as const),
      command: fc.constantFrom('play' as const, 'record' as const, 'startTimer' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hangup' as const }) },
);

function resolve(pick: Pick, state: SurveyState): SurveyEvent {
  const phase = state.phase;
  switch (pick.kind) {
    case 'started':
      return { type: 'started', trackingNumber: '12345671', category: pick.category };
    case 'timer':
      return { type: 'timer', name: !pick.stale && phase.kind === 'question' && phase.timer ? phase.timer : 'stale' };
    case 'recordingDone':
      return {
        type: 'recordingDone',
        name: !pick.stale && phase.kind === 'recording' ? phase.name : 'stale',
        durationSeconds: pick.seconds,
        reason: pick.reason,
      };
    case 'failed':
      return { type: 'failed', command: pick.command, message: 'boom' };
    case 'dtmf':
      return { type: 'dtmf', digit: pick.digit };
    case 'playbackDone':
      return { type: 'playbackDone' };
    case 'hangup':
      return { type: 'hangup' };
  }
}

/** What a silent citizen's line delivers next: prompts finish, timers fire, recordings end. */
function silentNext(state: SurveyState): SurveyEvent {
  const phase = state.phase;
  if (phase.kind === 'question' && phase.timer) return { type: 'timer', name: phase.timer };
  if (phase.kind === 'recording') {
    return { type: 'recordingDone', name: phase.name, durationSeconds: 5, reason: 'silence' };
  }
  return { type: 'playbackDone' };
}

function run(picks: Pick[]) {
  let state = initialSurveyState();
  const commands: SurveyCommand[] = [];
  let afterEnd: SurveyCommand[] = [];
  for (const pick of picks) {
    const wasOver = isSurveyOver(state);
    const r = step(state, resolve(pick, state), NOW);
    if (wasOver) afterEnd = [...afterEnd, ...r.commands];
    commands.push(...r.commands);
    state = r.state;
  }
  return { state, commands, afterEnd };
}

describe('survey reducer properties', () => {
  it('plays only listed prompts, commands nothing after the end, hangs up at most once, keeps sane answers', () => {
    fc.assert(
      fc.property(fc.array(pickArb, { maxLength: 60 }), (picks) => {
        const { state, commands, afterEnd } = run(picks);
        expect(afterEnd).toEqual([]);
        const played = commands.flatMap((c) => (c.type === 'play' ? c.prompts : []));
        for (const id of played) expect(PLAYABLE.has(id), id).toBe(true);
        expect(commands.filter((c) => c.type === 'hangup').length).toBeLessThanOrEqual(1);
        const result = surveyResult(state);
        expect([null, 1, 2, 3, 4, 5]).toContain(result.rating);
        expect(result.answered).toBe(state.path[0] === 'answered');
        if (!result.answered) {
          expect(result).toMatchObject({ solved: null, rating: null, commentRecording: null, optOut: false });
        }
        expect(result.optOut).toBe(state.path.includes('opt-out'));
      }),
      { numRuns: 500 },
    );
  });

  it('from anywhere, a citizen who goes silent is thanked and hung up on within a few steps', () => {
    fc.assert(
      fc.property(fc.array(pickArb, { maxLength: 40 }), (picks) => {
        let { state } = run([{ kind: 'started', category: null }, ...picks]);
        let steps = 0;
        while (!isSurveyOver(state) && steps < 20) {
          state = step(state, silentNext(state), NOW).state;
          steps++;
        }
        expect(isSurveyOver(state)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
