/**
 * The 137 IVR as a pure reducer: step(state, event, ctx) → { state, commands }.
 * flow.ts holds the menus and numbers; this file holds one small handler per phase.
 * The ARI adapter turns the commands into Asterisk calls and Asterisk happenings into events.
 */
import {
  CASE_STATUSES,
  CATEGORY_IDS,
  isDistrict,
  type CaseCategory,
  type QueueName,
} from '../cases/case.js';
import { isValidTrackingNumber } from '../cases/tracking-number.js';
import { jalaliParts } from '../calendar/jalali.js';
import { LIMITS, MENUS, RECORDING, TIMING, type MenuAction, type MenuId } from './flow.js';
import { jalaliDate } from './persian-numbers.js';
import { sayDigits, statusPrompt } from './speech.js';
import { initialState, isTerminal, type EntryField, type IvrState, type Phase, type PhaseKind } from './state.js';
import type { IvrCommand, IvrEvent, StepContext, StepResult } from './types.js';

export { initialState, isTerminal };
export type { IvrState };

type Result = StepResult<IvrState>;
type PhaseOf<K extends PhaseKind> = Extract<Phase, { kind: K }>;
type Handler<K extends PhaseKind> = (
  state: IvrState,
  phase: PhaseOf<K>,
  event: IvrEvent,
  ctx: StepContext,
) => Result;

export function step(state: IvrState, event: IvrEvent, ctx: StepContext): Result {
  if (isTerminal(state)) return afterEnd(state, event);
  if (event.type === 'hangup') return callerHungUp(state);
  const handler = HANDLERS[state.phase.kind] as Handler<PhaseKind>;
  return handler(state, state.phase, normalise(event), ctx);
}

/**
 * A prompt that failed to play must not strand the caller in silence: carry on as if it
 * had been heard.
 */
function normalise(event: IvrEvent): IvrEvent {
  return event.type === 'failed' && event.command === 'play' ? { type: 'playbackDone' } : event;
}

// ─── small builders ────────────────────────────────────────────────────────────────

const stay = (state: IvrState): Result => ({ state, commands: [] });
const play = (prompts: string[]): IvrCommand => ({ type: 'play', prompts });
const playIfAny = (prompts: string[]): IvrCommand[] => (prompts.length > 0 ? [play(prompts)] : []);
const CANCEL_TIMER: IvrCommand = { type: 'cancelTimer' };

function log(state: IvrState, ...entries: string[]): IvrState {
  return { ...state, path: [...state.path, ...entries] };
}

function goTo(state: IvrState, phase: Phase, ...commands: IvrCommand[]): Result {
  return { state: { ...state, phase }, commands };
}

function withCommandsFirst(commands: IvrCommand[], result: Result): Result {
  return { state: result.state, commands: [...commands, ...result.commands] };
}

/** Starts the input timer under a fresh name and remembers it in the phase. */
function startTimer<P extends PhaseOf<'menu'> | PhaseOf<'entry'>>(state: IvrState, phase: P, ms: number): Result {
  const timerSeq = state.timerSeq + 1;
  const name = `input-${timerSeq}`;
  return goTo({ ...state, timerSeq }, { ...phase, timer: name }, { type: 'startTimer', name, ms });
}

// ─── start ────────────────────────────────────────────────────────────────────────

const onIdle: Handler<'idle'> = (state, _phase, event) => {
  if (event.type !== 'started') return stay(state);
  const started = { ...state, caller: event.caller };
  if (event.entry === 'queue-exit' && event.queueStatus === 'EXITWITHKEY' && started.caller) {
    // Pressed 1 while waiting: keep the place in line and call back instead.
    return goTo(log(started, 'queue-exit', 'callback'), { kind: 'callback' }, { type: 'requestCallback' });
  }
  if (event.entry === 'queue-exit') {
    // Back from a Queue() nobody answered: the caller already heard the menus, so only
    // the voicebox remains, and "we are closed" would be untrue.
    return enterVoicebox(log(started, 'queue-exit'), { afterHours: false }, []);
  }
  const withCase = { ...started, openCase: event.openCase };
  const greeting = event.openCase ? ['welcome', 'open-case-notice'] : ['welcome'];
  return offerMenu(withCase, 'main', 1, greeting);
};

// ─── menus (main, category, voicebox review) ──────────────────────────────────────

/**
 * The short menu first; a caller who missed it (or asked) hears the long explanation,
 * which names the same keys.
 */
function offerMenu(state: IvrState, menu: MenuId, attempts: number, before: string[], explain = attempts > 1): Result {
  const spec = MENUS[menu];
  const prompt = explain && spec.help ? spec.help : spec.prompt;
  return goTo(state, { kind: 'menu', menu, attempts, timer: null }, play([...before, prompt]));
}

function menuAction(state: IvrState, menu: MenuId, key: string): MenuAction | null {
  const keys = MENUS[menu].keys;
  // hasOwn: a key such as 'constructor' must not find Object.prototype members.
  const action = Object.hasOwn(keys, key) ? keys[key] : undefined;
  if (!action) return null;
  if (action.kind === 'open-case-status' && !state.openCase) return null;
  return action;
}

const onMenu: Handler<'menu'> = (state, phase, event, ctx) => {
  switch (event.type) {
    case 'playbackDone':
      // Already waiting means this is a late notice for an earlier prompt.
      return phase.timer ? stay(state) : startTimer(state, phase, TIMING.noInputMs);
    case 'timer':
      return event.name === phase.timer ? menuMiss(state, phase, 'no-input', ctx) : stay(state);
    case 'dtmf': {
      const cancel = phase.timer ? [CANCEL_TIMER] : [];
      const action = menuAction(state, phase.menu, event.digit);
      if (!action) return withCommandsFirst(cancel, menuMiss(state, phase, 'invalid', ctx));
      if (action.kind === 'help') {
        const asked = log(state, `${MENUS[phase.menu].label}:help`);
        return withCommandsFirst(cancel, offerMenu(asked, phase.menu, phase.attempts, [], true));
      }
      return withCommandsFirst(cancel, take(log(state, choiceEntry(phase.menu, event.digit, action)), action, ctx, []));
    }
    default:
      return stay(state);
  }
};

/** The category menu writes the category itself ('category:parks_trees'), the others the key. */
function choiceEntry(menu: MenuId, key: string, action: MenuAction): string {
  return action.kind === 'district' ? `category:${action.category}` : `${MENUS[menu].label}:${key}`;
}

type Miss = 'no-input' | 'invalid';

function menuMiss(state: IvrState, phase: PhaseOf<'menu'>, reason: Miss, ctx: StepContext): Result {
  const spec = MENUS[phase.menu];
  const feedback = reason === 'no-input' ? 'no-input' : 'invalid-option';
  const missed = log(state, `${spec.label}:${reason}`);
  if (phase.attempts >= LIMITS.menuAttempts) {
    return take(log(missed, `${spec.label}:exhausted`), spec.exhausted, ctx, [feedback]);
  }
  return offerMenu(missed, phase.menu, phase.attempts + 1, [feedback]);
}

/** Carries out a menu choice; `before` are prompts to say first (e.g. "no input"). */
function take(state: IvrState, action: MenuAction, ctx: StepContext, before: string[]): Result {
  switch (action.kind) {
    case 'category-menu':
      return offerMenu(state, 'category', 1, before);
    case 'tracking':
      return askEntry(state, 'tracking', 1, before);
    case 'open-case-status':
      return state.openCase
        ? lookUp(state, state.openCase.trackingNumber, 'open-case', 0, before)
        : offerMenu(state, 'main', 1, before);
    case 'agent':
      return toAgent({ ...state, category: action.category }, action.queue, ctx, before);
    case 'district':
      return askEntry({ ...state, category: action.category }, 'district', 1, before);
    case 'save':
      return saveMessage(state);
    case 'help':
      // Only reachable from a menu's own key, which onMenu answers itself.
      return stay(state);
    case 'record-again':
      // At the limit the caller keeps the message they have rather than losing it.
      return state.recordings < LIMITS.recordings
        ? promptRecording(state, [...before, 'voicebox-intro'])
        : saveMessage(state);
  }
}

// ─── digit entry (district, tracking number) ──────────────────────────────────────

const ENTRY_PROMPT: Record<EntryField, string> = {
  district: 'district-prompt',
  tracking: 'tracking-prompt',
};

function askEntry(state: IvrState, field: EntryField, attempts: number, before: string[]): Result {
  return goTo(
    state,
    { kind: 'entry', field, digits: '', attempts, timer: null },
    play([...before, ENTRY_PROMPT[field]]),
  );
}

const onEntry: Handler<'entry'> = (state, phase, event, ctx) => {
  switch (event.type) {
    case 'playbackDone':
      return phase.timer || phase.digits ? stay(state) : startTimer(state, phase, TIMING.noInputMs);
    case 'timer':
      if (event.name !== phase.timer) return stay(state);
      // A pause after some digits ends the entry as typed; a pause before any is no input.
      return phase.digits ? submitEntry(state, phase, ctx) : entryMiss(state, phase, 'no-input', ctx);
    case 'dtmf':
      if (event.digit === '#') {
        return withCommandsFirst(phase.timer ? [CANCEL_TIMER] : [], submitEntry(state, phase, ctx));
      }
      if (/^[0-9]$/.test(event.digit)) {
        const digits = (phase.digits + event.digit).slice(0, LIMITS.entryDigits);
        return startTimer(state, { ...phase, digits }, TIMING.interDigitMs);
      }
      // '*' and the like mean nothing here; ignoring them keeps what was typed so far.
      return stay(state);
    default:
      return stay(state);
  }
};

function submitEntry(state: IvrState, phase: PhaseOf<'entry'>, ctx: StepContext): Result {
  const { digits } = phase;
  if (phase.field === 'tracking') {
    // The check digit turns a mistyped number into "unknown" instead of a stranger's case.
    return isValidTrackingNumber(digits)
      ? lookUp(state, digits, 'tracking', phase.attempts, [])
      : entryMiss(state, phase, 'invalid', ctx);
  }
  if (digits === '') return afterDistrict(log(state, 'district:unknown'), null, ctx, []);
  const n = Number(digits);
  if (!isDistrict(n)) return entryMiss(state, phase, 'invalid', ctx);
  return afterDistrict(log(state, `district:${n}`), n, ctx, []);
}

function entryMiss(state: IvrState, phase: PhaseOf<'entry'>, reason: Miss, ctx: StepContext): Result {
  if (phase.field === 'tracking') {
    return trackingMiss(state, phase.attempts, reason === 'no-input' ? 'no-input' : 'tracking-unknown');
  }
  const feedback = reason === 'no-input' ? 'no-input' : 'invalid-district';
  const missed = log(state, `district:${reason}`);
  if (phase.attempts >= LIMITS.districtAttempts) {
    return afterDistrict(log(missed, 'district:unknown'), null, ctx, [feedback]);
  }
  return askEntry(missed, 'district', phase.attempts + 1, [feedback]);
}

function afterDistrict(state: IvrState, district: number | null, ctx: StepContext, before: string[]): Result {
  return toAgent({ ...state, district }, categoryQueue(state.category), ctx, before);
}

/** Each category has its own queue; anything else (none chosen) goes to the operators. */
function categoryQueue(category: CaseCategory | null): QueueName {
  return CATEGORY_IDS.find((id) => id === category) ?? 'general';
}

// ─── follow-up of a case ──────────────────────────────────────────────────────────

function trackingMiss(state: IvrState, attempts: number, feedback: 'no-input' | 'tracking-unknown'): Result {
  const missed = log(state, feedback === 'no-input' ? 'followup:no-input' : 'followup:unknown');
  return attempts >= LIMITS.trackingAttempts
    ? offerMenu(missed, 'main', 1, [feedback])
    : askEntry(missed, 'tracking', attempts + 1, [feedback]);
}

function lookUp(
  state: IvrState,
  trackingNumber: string,
  source: PhaseOf<'lookup'>['source'],
  attempts: number,
  before: string[],
): Result {
  return goTo(
    state,
    { kind: 'lookup', trackingNumber, source, attempts },
    ...playIfAny(before),
    { type: 'lookupCase', trackingNumber },
  );
}

const onLookup: Handler<'lookup'> = (state, phase, event) => {
  if (event.type === 'failed' && event.command === 'lookupCase') {
    return offerMenu(log(state, 'followup:error'), 'main', 1, ['technical-error']);
  }
  if (event.type !== 'lookupResult' || event.trackingNumber !== phase.trackingNumber) return stay(state);
  if (!event.found) {
    return phase.source === 'tracking'
      ? trackingMiss(state, phase.attempts, 'tracking-unknown')
      : offerMenu(log(state, 'followup:unknown'), 'main', 1, ['tracking-unknown']);
  }
  const heard: IvrState = {
    ...log(state, 'followup:found'),
    outcome: state.outcome === 'in_ivr' ? 'followup' : state.outcome,
  };
  return offerMenu(heard, 'main', 1, caseStatusPrompts(event.found));
};

function caseStatusPrompts(found: { status: string; updatedAt: Date }): string[] {
  // Guards against a status this build has no prompt for (a newer database, say) and
  // a broken timestamp, which jalaliParts would throw on in the middle of a call.
  const status = CASE_STATUSES.find((s) => s === found.status);
  const dated = !Number.isNaN(found.updatedAt.getTime());
  return [
    'case-status-intro',
    ...(status ? [statusPrompt(status)] : []),
    ...(dated ? ['last-update', ...jalaliDate(jalaliParts(found.updatedAt))] : []),
  ];
}

// ─── hand-off to a person ─────────────────────────────────────────────────────────

function toAgent(state: IvrState, queue: QueueName, ctx: StepContext, before: string[]): Result {
  if (!ctx.officeOpen) return enterVoicebox(state, { afterHours: true }, before);
  return goTo(state, { kind: 'transfer', queue }, play([...before, 'queue-transfer']));
}

const onTransfer: Handler<'transfer'> = (state, phase, event) => {
  // A key only cuts the "please hold" short; either way the caller goes to the queue.
  if (event.type !== 'playbackDone' && event.type !== 'dtmf') return stay(state);
  const queued: IvrState = { ...log(state, `queue:${phase.queue}`), outcome: 'queued', queue: phase.queue };
  return goTo(queued, { kind: 'done' }, {
    type: 'enqueue',
    queue: phase.queue,
    category: state.category,
    district: state.district,
  });
};

// ─── voicebox ─────────────────────────────────────────────────────────────────────

function enterVoicebox(state: IvrState, { afterHours }: { afterHours: boolean }, before: string[]): Result {
  const inVoicebox: IvrState = { ...log(state, 'voicebox'), outcome: 'voicebox' };
  return promptRecording(inVoicebox, [...before, ...(afterHours ? ['after-hours'] : []), 'voicebox-intro']);
}

function promptRecording(state: IvrState, prompts: string[]): Result {
  return goTo(state, { kind: 'voicebox-intro' }, play(prompts));
}

const onVoiceboxIntro: Handler<'voicebox-intro'> = (state, _phase, event) =>
  event.type === 'playbackDone' || event.type === 'dtmf' ? startRecording(state) : stay(state);

function startRecording(state: IvrState): Result {
  const recordings = state.recordings + 1;
  const name = `voicebox-${recordings}`;
  return goTo({ ...state, recordings }, { kind: 'recording', name }, {
    type: 'record',
    name,
    maxDurationSeconds: RECORDING.maxDurationSeconds,
    maxSilenceSeconds: RECORDING.maxSilenceSeconds,
    terminateOn: '#',
    beep: true,
  });
}

const onRecording: Handler<'recording'> = (state, phase, event) => {
  if (event.type === 'failed' && event.command === 'record') {
    return state.message ? saveMessage(state) : failCall(state);
  }
  if (event.type !== 'recordingDone' || event.name !== phase.name) return stay(state);
  const message = { name: event.name, durationSeconds: event.durationSeconds };

  if (event.reason === 'hangup') {
    const long = message.durationSeconds > RECORDING.minSecondsOnHangup;
    return callerHungUp(long ? { ...log(state, 'recorded'), message } : state);
  }
  if (message.durationSeconds < RECORDING.minSeconds) {
    const empty = log(state, 'recorded:empty');
    if (state.recordings < LIMITS.recordings) return promptRecording(empty, ['voicebox-empty', 'voicebox-intro']);
    return state.message ? saveMessage(empty) : closeWith(empty, ['voicebox-empty', 'goodbye']);
  }
  return offerMenu({ ...log(state, 'recorded'), message }, 'review', 1, []);
};

/** Emits `createCase` for the kept message, at most once per call. */
function requestCase(state: IvrState): Result {
  if (state.caseRequested || !state.message) return stay(state);
  return {
    state: { ...state, caseRequested: true },
    commands: [
      { type: 'createCase', category: state.category, district: state.district, recording: state.message.name },
    ],
  };
}

function saveMessage(state: IvrState): Result {
  if (!state.message) return closeWith(state, ['goodbye']);
  const requested = requestCase(state);
  return goTo(requested.state, { kind: 'saving' }, ...requested.commands);
}

const onSaving: Handler<'saving'> = (state, _phase, event) => {
  // The case could not be made now (database down or slow, audio not fetched): the
  // message stays in Asterisk under a name carrying the choices and is imported later.
  // The caller is told it is kept, not to call again (which would make a duplicate).
  if (event.type === 'failed' && event.command === 'createCase') return closeWith(log(state, 'case:kept'), ['message-kept', 'goodbye']);
  if (event.type !== 'caseCreated') return stay(state);
  const registered = { ...log(state, `case:${event.trackingNumber}`), trackingNumber: event.trackingNumber };
  const digits = sayDigits(event.trackingNumber);
  return goTo(
    registered,
    { kind: 'farewell', trackingNumber: event.trackingNumber },
    play(['case-registered', ...digits, 'repeat', ...digits, 'goodbye']),
  );
};

const onFarewell: Handler<'farewell'> = (state, phase, event) => {
  if (event.type === 'playbackDone') return hangUp(state);
  // A key stopped the reading (barge-in): the number is what the caller needs, so say it again.
  if (event.type === 'dtmf') {
    return { state, commands: [play(['repeat', ...sayDigits(phase.trackingNumber), 'goodbye'])] };
  }
  return stay(state);
};

const onCallback: Handler<'callback'> = (state, _phase, event) => {
  if (event.type === 'callbackRegistered') {
    return closeWith({ ...state, outcome: 'callback' }, ['callback-registered', 'goodbye']);
  }
  // The request could not be stored: the caller must not leave with nothing.
  if (event.type === 'failed') return enterVoicebox(log(state, 'callback-failed'), { afterHours: false }, []);
  return stay(state);
};

// ─── endings ──────────────────────────────────────────────────────────────────────

function closeWith(state: IvrState, prompts: string[]): Result {
  return goTo(state, { kind: 'closing' }, play(prompts));
}

function failCall(state: IvrState): Result {
  return closeWith({ ...state, outcome: 'failed' }, ['technical-error']);
}

const onClosing: Handler<'closing'> = (state, _phase, event) =>
  event.type === 'playbackDone' || event.type === 'dtmf' ? hangUp(state) : stay(state);

function hangUp(state: IvrState): Result {
  return goTo(log(state, 'ended'), { kind: 'done' }, { type: 'hangup' });
}

/**
 * The caller is gone, wherever they were. Only one thing may still happen: a message
 * long enough to keep becomes a case (issue 2 §5: "over 1 s").
 */
function callerHungUp(state: IvrState): Result {
  const gone: IvrState = {
    ...log(state, 'hangup'),
    callerGone: true,
    outcome: state.outcome === 'in_ivr' ? 'hangup' : state.outcome,
    phase: { kind: 'done' },
  };
  const keep = (gone.message?.durationSeconds ?? 0) > RECORDING.minSecondsOnHangup;
  return keep ? requestCase(gone) : stay(gone);
}

/** After the end nothing is commanded; a late `caseCreated` is still noted for the call row. */
function afterEnd(state: IvrState, event: IvrEvent): Result {
  if (event.type === 'caseCreated' && state.caseRequested && !state.trackingNumber) {
    return stay({ ...log(state, `case:${event.trackingNumber}`), trackingNumber: event.trackingNumber });
  }
  return stay(state);
}

const HANDLERS: { [K in PhaseKind]: Handler<K> } = {
  idle: onIdle,
  menu: onMenu,
  entry: onEntry,
  lookup: onLookup,
  transfer: onTransfer,
  'voicebox-intro': onVoiceboxIntro,
  recording: onRecording,
  saving: onSaving,
  farewell: onFarewell,
  callback: onCallback,
  closing: onClosing,
  done: (state) => stay(state),
};
