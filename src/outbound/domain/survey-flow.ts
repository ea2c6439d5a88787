/**
 * The satisfaction survey call as a pure reducer, in the IVR's shape:
 *
 *   step(state, event, ctx) → { state, commands }
 *
 * The hotline calls the citizen after their case closed: it names the case, asks
 * "was it solved?" (1/2), "rate us 1..5", offers a short voice comment, thanks and hangs
 * up. 9 at any question means "do not call me again". The ARI session adapter plays the
 * commands exactly as it does for the IVR; only the set of events and commands is smaller.
 */
import { CATEGORIES, COMPLAINT_CATEGORY, type CaseCategory } from '../../domain/cases/case.js';
import { TIMING } from '../../domain/ivr/flow.js';
import { sayDigits } from '../../domain/ivr/speech.js';
import type { IvrCommand, IvrEvent, StepContext, StepResult } from '../../domain/ivr/types.js';

// ─── contract ─────────────────────────────────────────────────────────────────────

export type SurveyEvent =
  /** The citizen answered the survey call (the channel entered Stasis). */
  | { type: 'started'; trackingNumber: string; category: CaseCategory | null }
  | Extract<IvrEvent, { type: 'dtmf' | 'playbackDone' | 'timer' | 'recordingDone' | 'failed' | 'hangup' }>;

export type SurveyCommand = Extract<IvrCommand, { type: 'play' | 'startTimer' | 'cancelTimer' | 'record' | 'hangup' }>;

/** The survey needs only the clock. */
export type SurveyContext = Pick<StepContext, 'now'>;

export type SurveyStepResult = Omit<StepResult<SurveyState>, 'commands'> & { commands: SurveyCommand[] };

// ─── the flow as data ─────────────────────────────────────────────────────────────

export const OPT_OUT_KEY = '9';

export const SURVEY_LIMITS = {
  /** Each question is asked again once after no or invalid input ("asked again once"). */
  questionAttempts: 2,
} as const;

export const COMMENT_RECORDING = {
  name: 'survey-comment',
  maxDurationSeconds: 30,
  maxSilenceSeconds: 5,
  /** Shorter than this the comment is treated as empty (a beep and a breath). */
  minSeconds: 1,
} as const;

export type Question = 'solved' | 'rating' | 'comment';

type Answer =
  | { kind: 'solved'; value: boolean }
  | { kind: 'rating'; value: 1 | 2 | 3 | 4 | 5 }
  | { kind: 'comment'; value: boolean };

interface QuestionSpec {
  prompt: string;
  keys: Readonly<Record<string, Answer>>;
}

export const QUESTIONS: Readonly<Record<Question, QuestionSpec>> = {
  solved: {
    prompt: 'survey-solved-question',
    keys: { '1': { kind: 'solved', value: true }, '2': { kind: 'solved', value: false } },
  },
  rating: {
    prompt: 'survey-rating-question',
    keys: {
      '1': { kind: 'rating', value: 1 },
      '2': { kind: 'rating', value: 2 },
      '3': { kind: 'rating', value: 3 },
      '4': { kind: 'rating', value: 4 },
      '5': { kind: 'rating', value: 5 },
    },
  },
  comment: {
    prompt: 'survey-comment-offer',
    keys: { '1': { kind: 'comment', value: true }, '2': { kind: 'comment', value: false } },
  },
};

/** 'parks_trees' → 'category-parks-trees' (prompt ids are kebab-case). */
export function categoryPrompt(category: CaseCategory): string {
  return `category-${category.replaceAll('_', '-')}`;
}

const ALL_CATEGORIES: readonly CaseCategory[] = [...CATEGORIES.map((c) => c.id), COMPLAINT_CATEGORY];

/** Every prompt id the survey can play (a test checks each is in sounds/fa/manifest.json). */
export const SURVEY_PROMPT_IDS: readonly string[] = [
  'survey-intro',
  'survey-case-number',
  'survey-case-category',
  ...ALL_CATEGORIES.map(categoryPrompt),
  'survey-case-closed',
  'survey-opt-out-hint',
  ...Object.values(QUESTIONS).map((q) => q.prompt),
  'survey-comment-intro',
  'survey-thanks',
  'survey-opt-out-confirm',
  'no-input',
  'invalid-option',
  ...Array.from({ length: 10 }, (_, d) => `digit-${d}`),
];

// ─── state ────────────────────────────────────────────────────────────────────────

export type SurveyPhase =
  | { kind: 'idle' }
  /** The case is being named; any key skips to the first question. */
  | { kind: 'intro' }
  | { kind: 'question'; question: Question; attempts: number; timer: string | null }
  /** "After the beep…" is playing; the recording starts when it ends. */
  | { kind: 'comment-intro' }
  | { kind: 'recording'; name: string }
  /** A last prompt (thanks, opt-out confirmation) is playing; hang up when it ends. */
  | { kind: 'closing' }
  | { kind: 'done' };

/** Plain JSON (no Dates), so the adapter can keep it in Redis across an ARI reconnect. */
export interface SurveyState {
  phase: SurveyPhase;
  /** The path the citizen walked ('solved:1', 'rating:no-input', 'opt-out'…), for the attempt record. */
  path: string[];
  trackingNumber: string | null;
  category: CaseCategory | null;
  /** ISO instant the citizen answered; null while never answered. */
  answeredAt: string | null;
  solved: boolean | null;
  rating: 1 | 2 | 3 | 4 | 5 | null;
  /** Name of the comment recording as given to `record` (the adapter knows where it stored it). */
  commentRecording: string | null;
  optOut: boolean;
  timerSeq: number;
}

export function initialSurveyState(): SurveyState {
  return {
    phase: { kind: 'idle' },
    path: [],
    trackingNumber: null,
    category: null,
    answeredAt: null,
    solved: null,
    rating: null,
    commentRecording: null,
    optOut: false,
    timerSeq: 0,
  };
}

export function isSurveyOver(state: SurveyState): boolean {
  return state.phase.kind === 'done';
}

export interface SurveyResult {
  answered: boolean;
  solved: boolean | null;
  rating: 1 | 2 | 3 | 4 | 5 | null;
  commentRecording: string | null;
  optOut: boolean;
}

/** What was collected so far; valid at any point, also after a hang-up mid-survey. */
export function surveyResult(state: SurveyState): SurveyResult {
  return {
    answered: state.answeredAt !== null,
    solved: state.solved,
    rating: state.rating,
    commentRecording: state.commentRecording,
    optOut: state.optOut,
  };
}

/** Closing the loop: "not solved" or a rating of 1–2 reopens the case for a supervisor. */
export function shouldReopen(result: Pick<SurveyResult, 'solved' | 'rating'>): boolean {
  return result.solved === false || (result.rating !== null && result.rating <= 2);
}

// ─── the reducer ──────────────────────────────────────────────────────────────────

type Result = SurveyStepResult;
type QuestionPhase = Extract<SurveyPhase, { kind: 'question' }>;
type RecordingPhase = Extract<SurveyPhase, { kind: 'recording' }>;

export function step(state: SurveyState, event: SurveyEvent, ctx: SurveyContext): Result {
  if (isSurveyOver(state)) return stay(state);
  if (event.type === 'hangup') return citizenHungUp(state);
  const e = normalise(event);
  switch (state.phase.kind) {
    case 'idle':
      return onIdle(state, e, ctx);
    case 'intro':
      return onIntro(state, e);
    case 'question':
      return onQuestion(state, state.phase, e);
    case 'comment-intro':
      return e.type === 'playbackDone' || e.type === 'dtmf' ? startRecording(state) : stay(state);
    case 'recording':
      return onRecording(state, state.phase, e);
    case 'closing':
      return e.type === 'playbackDone' || e.type === 'dtmf' ? hangUp(state) : stay(state);
    case 'done':
      return stay(state);
  }
}

/** A prompt that failed to play must not leave the citizen in silence: carry on as if heard. */
function normalise(event: SurveyEvent): SurveyEvent {
  return event.type === 'failed' && event.command === 'play' ? { type: 'playbackDone' } : event;
}

const stay = (state: SurveyState): Result => ({ state, commands: [] });
const play = (prompts: string[]): SurveyCommand => ({ type: 'play', prompts });
const CANCEL_TIMER: SurveyCommand = { type: 'cancelTimer' };

function log(state: SurveyState, ...entries: string[]): SurveyState {
  return { ...state, path: [...state.path, ...entries] };
}

function goTo(state: SurveyState, phase: SurveyPhase, ...commands: SurveyCommand[]): Result {
  return { state: { ...state, phase }, commands };
}

function withFirst(commands: SurveyCommand[], result: Result): Result {
  return { state: result.state, commands: [...commands, ...result.commands] };
}

function onIdle(state: SurveyState, event: SurveyEvent, ctx: SurveyContext): Result {
  if (event.type !== 'started') return stay(state);
  const started: SurveyState = {
    ...log(state, 'answered'),
    trackingNumber: event.trackingNumber,
    category: event.category,
    answeredAt: ctx.now.toISOString(),
  };
  const category = event.category ? ['survey-case-category', categoryPrompt(event.category)] : [];
  return goTo(
    started,
    { kind: 'intro' },
    play([
      'survey-intro',
      'survey-case-number',
      ...sayDigits(event.trackingNumber),
      ...category,
      'survey-case-closed',
      'survey-opt-out-hint',
    ]),
  );
}

function onIntro(state: SurveyState, event: SurveyEvent): Result {
  if (event.type === 'dtmf' && event.digit === OPT_OUT_KEY) return optOut(state);
  // Any other key has already cut the intro short (barge-in): go on rather than wait in silence.
  if (event.type === 'playbackDone' || event.type === 'dtmf') return ask(state, 'solved', 1, []);
  return stay(state);
}

function ask(state: SurveyState, question: Question, attempts: number, before: string[]): Result {
  const phase: QuestionPhase = { kind: 'question', question, attempts, timer: null };
  return goTo(state, phase, play([...before, QUESTIONS[question].prompt]));
}

function onQuestion(state: SurveyState, phase: QuestionPhase, event: SurveyEvent): Result {
  switch (event.type) {
    case 'playbackDone': {
      if (phase.timer) return stay(state);
      const timerSeq = state.timerSeq + 1;
      const name = `input-${timerSeq}`;
      const wait: SurveyCommand = { type: 'startTimer', name, ms: TIMING.noInputMs };
      return goTo({ ...state, timerSeq }, { ...phase, timer: name }, wait);
    }
    case 'timer':
      return event.name === phase.timer ? miss(state, phase, 'no-input') : stay(state);
    case 'dtmf': {
      const cancel = phase.timer ? [CANCEL_TIMER] : [];
      if (event.digit === OPT_OUT_KEY) return withFirst(cancel, optOut(state));
      const keys = QUESTIONS[phase.question].keys;
      const answer = Object.hasOwn(keys, event.digit) ? keys[event.digit] : undefined;
      if (!answer) return withFirst(cancel, miss(state, phase, 'invalid'));
      return withFirst(cancel, take(log(state, `${phase.question}:${event.digit}`), answer));
    }
    default:
      return stay(state);
  }
}

function miss(state: SurveyState, phase: QuestionPhase, reason: 'no-input' | 'invalid'): Result {
  const feedback = reason === 'no-input' ? 'no-input' : 'invalid-option';
  const missed = log(state, `${phase.question}:${reason}`);
  if (phase.attempts >= SURVEY_LIMITS.questionAttempts) {
    // The issue: asked again once, then the call ends with what was collected.
    return closeWith(log(missed, `${phase.question}:gave-up`), [feedback, 'survey-thanks']);
  }
  return ask(missed, phase.question, phase.attempts + 1, [feedback]);
}

function take(state: SurveyState, answer: Answer): Result {
  switch (answer.kind) {
    case 'solved':
      return ask({ ...state, solved: answer.value }, 'rating', 1, []);
    case 'rating':
      return ask({ ...state, rating: answer.value }, 'comment', 1, []);
    case 'comment':
      return answer.value ? goTo(state, { kind: 'comment-intro' }, play(['survey-comment-intro'])) : thank(state);
  }
}

function startRecording(state: SurveyState): Result {
  return goTo(state, { kind: 'recording', name: COMMENT_RECORDING.name }, {
    type: 'record',
    name: COMMENT_RECORDING.name,
    maxDurationSeconds: COMMENT_RECORDING.maxDurationSeconds,
    maxSilenceSeconds: COMMENT_RECORDING.maxSilenceSeconds,
    terminateOn: '#',
    beep: true,
  });
}

function onRecording(state: SurveyState, phase: RecordingPhase, event: SurveyEvent): Result {
  if (event.type === 'failed' && event.command === 'record') return thank(log(state, 'comment:failed'));
  if (event.type !== 'recordingDone' || event.name !== phase.name) return stay(state);
  const kept = event.durationSeconds >= COMMENT_RECORDING.minSeconds;
  const next = kept ? { ...log(state, 'comment:recorded'), commentRecording: event.name } : log(state, 'comment:empty');
  // Cut by a hang-up: keep what was said; the `hangup` event that follows finds the call over.
  if (event.reason === 'hangup') return goTo(log(next, 'hangup'), { kind: 'done' });
  return thank(next);
}

function thank(state: SurveyState): Result {
  return closeWith(state, ['survey-thanks']);
}

function optOut(state: SurveyState): Result {
  return closeWith({ ...log(state, 'opt-out'), optOut: true }, ['survey-opt-out-confirm']);
}

function closeWith(state: SurveyState, prompts: string[]): Result {
  return goTo(state, { kind: 'closing' }, play(prompts));
}

function hangUp(state: SurveyState): Result {
  return goTo(log(state, 'ended'), { kind: 'done' }, { type: 'hangup' });
}

/** The citizen is gone: nothing more to say; what was collected stays. */
function citizenHungUp(state: SurveyState): Result {
  return goTo(log(state, 'hangup'), { kind: 'done' });
}
