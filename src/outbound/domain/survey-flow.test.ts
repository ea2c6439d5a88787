import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_CATEGORIES, type CaseCategory } from '../../domain/cases/case.js';
import { TIMING } from '../../domain/ivr/flow.js';
import {
  categoryPrompt,
  COMMENT_RECORDING,
  initialSurveyState,
  isSurveyOver,
  shouldReopen,
  step,
  SURVEY_PROMPT_IDS,
  surveyResult,
  type SurveyCommand,
  type SurveyContext,
  type SurveyEvent,
  type SurveyResult,
  type SurveyState,
} from './survey-flow.js';

// ─── events in ────────────────────────────────────────────────────────────────────

type Step = SurveyEvent | ((state: SurveyState) => SurveyEvent);

const NOW: SurveyContext = { now: new Date('2026-04-29T08:30:00Z') };
const answered = (category: CaseCategory | null = 'parks_trees'): SurveyEvent => ({
  type: 'started',
  trackingNumber: '12345671',
  category,
});
const key = (digit: string): SurveyEvent => ({ type: 'dtmf', digit });
const done: SurveyEvent = { type: 'playbackDone' };
const hangup: SurveyEvent = { type: 'hangup' };
const timeout: Step = (s) => ({
  type: 'timer',
  name: s.phase.kind === 'question' && s.phase.timer ? s.phase.timer : 'no-timer',
});
const recorded =
  (durationSeconds: number, reason: 'dtmf' | 'silence' | 'maxDuration' | 'hangup' = 'dtmf'): Step =>
  (s) => ({
    type: 'recordingDone',
    name: s.phase.kind === 'recording' ? s.phase.name : 'no-recording',
    durationSeconds,
    reason,
  });

// ─── commands out ─────────────────────────────────────────────────────────────────

const play = (...prompts: string[]): SurveyCommand => ({ type: 'play', prompts });
const waitForKey = { type: 'startTimer', name: expect.stringMatching(/^input-\d+$/), ms: TIMING.noInputMs };
const cancel: SurveyCommand = { type: 'cancelTimer' };
const hangUp: SurveyCommand = { type: 'hangup' };
const record: SurveyCommand = {
  type: 'record',
  name: 'survey-comment',
  maxDurationSeconds: 30,
  maxSilenceSeconds: 5,
  terminateOn: '#',
  beep: true,
};
const INTRO = play(
  'survey-intro',
  'survey-case-number',
  ...['1', '2', '3', '4', '5', '6', '7', '1'].map((d) => `digit-${d}`),
  'survey-case-category',
  'category-parks-trees',
  'survey-case-closed',
  'survey-opt-out-hint',
);
const SOLVED = play('survey-solved-question');
const RATING = play('survey-rating-question');
const COMMENT = play('survey-comment-offer');
const THANKS = play('survey-thanks');

// ─── drivers ──────────────────────────────────────────────────────────────────────

/** A table of rows: the event delivered and exactly the commands it must produce. */
function converse(rows: [Step, unknown[]][], from: SurveyState = initialSurveyState()): SurveyState {
  let state = from;
  rows.forEach(([s, expected], i) => {
    const event = typeof s === 'function' ? s(state) : s;
    const r = step(state, event, NOW);
    expect(r.commands, `row ${i}: ${JSON.stringify(event)}`).toEqual(expected);
    state = r.state;
  });
  return state;
}

const result = (partial: Partial<SurveyResult>): SurveyResult => ({
  answered: true,
  solved: null,
  rating: null,
  commentRecording: null,
  optOut: false,
  ...partial,
});

// ─── paths ────────────────────────────────────────────────────────────────────────

describe('the whole survey', () => {
  it('names the case, asks both questions, records a comment, thanks and hangs up', () => {
    const state = converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [done, [waitForKey]],
      [key('2'), [cancel, RATING]],
      [done, [waitForKey]],
      [key('4'), [cancel, COMMENT]],
      [done, [waitForKey]],
      [key('1'), [cancel, play('survey-comment-intro')]],
      [done, [record]],
      [recorded(12), [THANKS]],
      [done, [hangUp]],
      [hangup, []],
    ]);
    expect(surveyResult(state)).toEqual(result({ solved: false, rating: 4, commentRecording: 'survey-comment' }));
    expect(state.answeredAt).toBe(NOW.now.toISOString());
    expect(state.path).toEqual(['answered', 'solved:2', 'rating:4', 'comment:1', 'comment:recorded', 'ended']);
    expect(isSurveyOver(state)).toBe(true);
  });

  it('takes answers typed while a question is still playing (barge-in) and skips the comment on 2', () => {
    const state = converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [key('1'), [RATING]],
      [key('5'), [COMMENT]],
      [key('2'), [THANKS]],
      [done, [hangUp]],
    ]);
    expect(surveyResult(state)).toEqual(result({ solved: true, rating: 5 }));
  });

  it('a key during the intro goes straight to the first question without answering it', () => {
    const state = converse([
      [answered(), [INTRO]],
      [key('1'), [SOLVED]],
    ]);
    expect(state.solved).toBeNull();
  });

  it('leaves the category out when the case has none', () => {
    converse([
      [
        answered(null),
        [
          play(
            'survey-intro',
            'survey-case-number',
            ...['1', '2', '3', '4', '5', '6', '7', '1'].map((d) => `digit-${d}`),
            'survey-case-closed',
            'survey-opt-out-hint',
          ),
        ],
      ],
    ]);
  });

  it('a failed prompt is treated as heard, so the citizen is not left in silence', () => {
    converse([
      [answered(), [INTRO]],
      [{ type: 'failed', command: 'play', message: 'boom' }, [SOLVED]],
    ]);
  });
});

describe('invalid and missing input', () => {
  it('asks again once after an invalid key, then ends the call with what was collected', () => {
    const state = converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [key('1'), [RATING]],
      [done, [waitForKey]],
      [key('7'), [cancel, play('invalid-option', 'survey-rating-question')]],
      [done, [waitForKey]],
      [key('0'), [cancel, play('invalid-option', 'survey-thanks')]],
      [done, [hangUp]],
    ]);
    expect(surveyResult(state)).toEqual(result({ solved: true, rating: null }));
    expect(state.path).toEqual(['answered', 'solved:1', 'rating:invalid', 'rating:invalid', 'rating:gave-up', 'ended']);
  });

  it('asks again once after no input, then ends', () => {
    const state = converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [done, [waitForKey]],
      [timeout, [play('no-input', 'survey-solved-question')]],
      [done, [waitForKey]],
      [timeout, [play('no-input', 'survey-thanks')]],
      [done, [hangUp]],
    ]);
    expect(surveyResult(state)).toEqual(result({}));
  });

  it('a valid key on the second try carries on', () => {
    const state = converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [done, [waitForKey]],
      [timeout, [play('no-input', 'survey-solved-question')]],
      [key('3'), [play('invalid-option', 'survey-thanks')]],
    ]);
    expect(state.solved).toBeNull();

    const second = converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [key('8'), [play('invalid-option', 'survey-solved-question')]],
      [key('2'), [RATING]],
    ]);
    expect(second.solved).toBe(false);
  });

  it('each question gets its own retry', () => {
    converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [key('5'), [play('invalid-option', 'survey-solved-question')]],
      [key('1'), [RATING]],
      [key('6'), [play('invalid-option', 'survey-rating-question')]],
      [key('3'), [COMMENT]],
      [key('4'), [play('invalid-option', 'survey-comment-offer')]],
      [key('4'), [play('invalid-option', 'survey-thanks')]],
    ]);
  });

  it('ignores a stale timer and a second playbackDone', () => {
    const state = converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [done, [waitForKey]],
      [done, []],
      [{ type: 'timer', name: 'input-999' }, []],
    ]);
    expect(state.phase).toMatchObject({ kind: 'question', question: 'solved', attempts: 1 });
  });

  it('a timer from the first asking cannot count against the second', () => {
    let stale = '';
    converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [done, [waitForKey]],
      [
        (s) => {
          stale = s.phase.kind === 'question' ? (s.phase.timer ?? '') : '';
          return key('7');
        },
        [cancel, play('invalid-option', 'survey-solved-question')],
      ],
      [() => ({ type: 'timer', name: stale }), []],
    ]);
  });
});

describe('opt-out (9)', () => {
  it.each<[string, [Step, unknown[]][], Partial<SurveyResult>]>([
    ['during the intro', [[key('9'), [play('survey-opt-out-confirm')]]], {}],
    [
      'at the first question, while waiting',
      [
        [done, [SOLVED]],
        [done, [waitForKey]],
        [key('9'), [cancel, play('survey-opt-out-confirm')]],
      ],
      {},
    ],
    [
      'at the rating, keeping the earlier answer',
      [
        [done, [SOLVED]],
        [key('2'), [RATING]],
        [key('9'), [play('survey-opt-out-confirm')]],
      ],
      { solved: false },
    ],
    [
      'at the comment offer',
      [
        [done, [SOLVED]],
        [key('1'), [RATING]],
        [key('3'), [COMMENT]],
        [key('9'), [play('survey-opt-out-confirm')]],
      ],
      { solved: true, rating: 3 },
    ],
  ])('%s: confirms and hangs up, flagging optOut', (_label, rows, collected) => {
    const state = converse([[answered(), [INTRO]], ...rows, [done, [hangUp]]]);
    expect(surveyResult(state)).toEqual(result({ ...collected, optOut: true }));
    expect(state.path).toContain('opt-out');
  });

  it('9 is an opt-out even on the second asking', () => {
    const state = converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [key('0'), [play('invalid-option', 'survey-solved-question')]],
      [key('9'), [play('survey-opt-out-confirm')]],
    ]);
    expect(state.optOut).toBe(true);
  });
});

describe('the comment', () => {
  const toComment: [Step, unknown[]][] = [
    [answered(), [INTRO]],
    [done, [SOLVED]],
    [key('1'), [RATING]],
    [key('2'), [COMMENT]],
    [key('1'), [play('survey-comment-intro')]],
  ];

  it('records for at most 30 s, # to finish, with a beep', () => {
    expect(COMMENT_RECORDING.maxDurationSeconds).toBe(30);
    converse([...toComment, [key('#'), [record]]]);
  });

  it.each(['silence', 'maxDuration'] as const)('keeps a comment ended by %s', (reason) => {
    const state = converse([...toComment, [done, [record]], [recorded(30, reason), [THANKS]]]);
    expect(state.commentRecording).toBe('survey-comment');
  });

  it('drops an empty comment but still thanks', () => {
    const state = converse([...toComment, [done, [record]], [recorded(0), [THANKS]]]);
    expect(state.commentRecording).toBeNull();
    expect(state.path).toContain('comment:empty');
  });

  it('a failed recording ends politely with no comment', () => {
    const state = converse([
      ...toComment,
      [done, [record]],
      [{ type: 'failed', command: 'record', message: 'boom' }, [THANKS]],
    ]);
    expect(state.commentRecording).toBeNull();
  });

  it('a recordingDone for another name is ignored', () => {
    converse([
      ...toComment,
      [done, [record]],
      [{ type: 'recordingDone', name: 'other', durationSeconds: 5, reason: 'dtmf' }, []],
    ]);
  });
});

describe('hang-up mid-survey keeps what was collected', () => {
  it.each<[string, [Step, unknown[]][], SurveyResult]>([
    ['before anything was asked', [[answered(), [INTRO]]], result({})],
    [
      'after the first answer',
      [
        [answered(), [INTRO]],
        [done, [SOLVED]],
        [key('2'), [RATING]],
      ],
      result({ solved: false }),
    ],
    [
      'after the rating, at the comment offer',
      [
        [answered(), [INTRO]],
        [done, [SOLVED]],
        [key('1'), [RATING]],
        [key('1'), [COMMENT]],
      ],
      result({ solved: true, rating: 1 }),
    ],
  ])('%s', (_label, rows, expected) => {
    const state = converse([...rows, [hangup, []]]);
    expect(surveyResult(state)).toEqual(expected);
    expect(isSurveyOver(state)).toBe(true);
    // Nothing is commanded after the end.
    converse([[done, []], [key('1'), []], [hangup, []]], state);
  });

  it('a comment cut by a hang-up is kept when it has content', () => {
    const state = converse([
      [answered(), [INTRO]],
      [done, [SOLVED]],
      [key('2'), [RATING]],
      [key('2'), [COMMENT]],
      [key('1'), [play('survey-comment-intro')]],
      [done, [record]],
      [recorded(7, 'hangup'), []],
      [hangup, []],
    ]);
    expect(surveyResult(state)).toEqual(result({ solved: false, rating: 2, commentRecording: 'survey-comment' }));
  });

  it('a call never answered has no answers', () => {
    const state = converse([[hangup, []]]);
    expect(surveyResult(state)).toEqual(result({ answered: false }));
  });

  it('events before `started` do nothing', () => {
    const state = converse([
      [done, []],
      [key('1'), []],
    ]);
    expect(state.phase).toEqual({ kind: 'idle' });
  });
});

describe('shouldReopen', () => {
  it.each<[boolean | null, SurveyResult['rating'], boolean]>([
    [false, 5, true],
    [false, null, true],
    [true, 1, true],
    [true, 2, true],
    [null, 2, true],
    [true, 3, false],
    [true, 5, false],
    [true, null, false],
    [null, null, false],
    [null, 4, false],
  ])('solved %s, rating %s → %s', (solved, rating, reopen) => {
    expect(shouldReopen({ solved, rating })).toBe(reopen);
  });
});

describe('prompts', () => {
  const manifest = JSON.parse(
    readFileSync(new URL('../../../sounds/fa/manifest.json', import.meta.url), 'utf8'),
  ) as { prompts: { id: string }[] };
  const ids = new Set(manifest.prompts.map((p) => p.id));

  it.each(SURVEY_PROMPT_IDS.map((id) => [id]))('%s is in sounds/fa/manifest.json', (id) => {
    expect(ids.has(id)).toBe(true);
  });

  it('has a prompt for every case category', () => {
    for (const c of CASE_CATEGORIES) expect(SURVEY_PROMPT_IDS).toContain(categoryPrompt(c));
  });

  it('every prompt a full survey plays is listed', () => {
    const plays: string[] = [];
    let state = initialSurveyState();
    for (const e of [answered('staff_complaint'), done, key('1'), key('9')]) {
      const r = step(state, e, NOW);
      state = r.state;
      for (const c of r.commands) if (c.type === 'play') plays.push(...c.prompts);
    }
    for (const id of plays) expect(SURVEY_PROMPT_IDS).toContain(id);
  });
});
