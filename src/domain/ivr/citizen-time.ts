/**
 * The citizen's time: how many seconds a scripted caller spends from the answer to the
 * point where their report is being taken (the voicebox beep after hours, the queue in
 * office hours), computed by driving the real reducer with the prompts' real lengths.
 * Pure: the caller of this module reads the .wav files and hands in their durations.
 */
import { initialState, step } from './engine.js';
import type { IvrState } from './state.js';
import type { IvrCommand, IvrEvent, StepContext } from './types.js';

export interface CallerScript {
  name: string;
  officeOpen: boolean;
  /** What the caller types each time the IVR asks for input, in order ('1', '7#'...). */
  inputs: string[];
}

/** `waits` hears every prompt to its end; `barges` presses their key a moment into the prompt. */
export type Listener = 'waits' | 'barges';

export interface CallerHabits {
  /** Seconds into a prompt list at which a barging caller presses (the bench's caller: 1.5). */
  bargeInSeconds: number;
  /** Seconds a waiting caller takes to press after the prompt ended. */
  reactionSeconds: number;
  /** Seconds between two keys of one entry ('7#'). */
  perKeySeconds: number;
}

export const DEFAULT_HABITS: CallerHabits = { bargeInSeconds: 1.5, reactionSeconds: 1, perKeySeconds: 0.3 };

/** Asterisk's own `beep` before a recording. */
const BEEP_SECONDS = 0.25;

export interface Journey {
  /** Seconds from the answer to the recording's start or the hand-off to the queue. */
  seconds: number;
  /** What ended the journey. */
  reached: 'recording' | 'queue';
  /** Prompts started, in order (a barged-in list counts whole). */
  heard: string[];
}

const CTX_TIME = new Date('2026-12-02T08:00:00Z');

/** Phases in which a key is what the IVR is waiting for. */
function wantsInput(state: IvrState): boolean {
  return state.phase.kind === 'menu' || state.phase.kind === 'entry';
}

export function journey(
  durations: ReadonlyMap<string, number>,
  script: CallerScript,
  listener: Listener,
  habits: CallerHabits = DEFAULT_HABITS,
): Journey {
  const ctx: StepContext = { now: CTX_TIME, officeOpen: script.officeOpen };
  const inputs = [...script.inputs];
  const heard: string[] = [];
  let state = initialState();
  let t = 0;

  const feed = (event: IvrEvent): IvrCommand[] => {
    const result = step(state, event, ctx);
    state = result.state;
    return result.commands;
  };
  const press = (keys: string): IvrCommand[] => {
    const commands: IvrCommand[] = [];
    [...keys].forEach((digit, i) => {
      if (i > 0) t += habits.perKeySeconds;
      commands.push(...feed({ type: 'dtmf', digit }));
    });
    return commands;
  };
  const lengthOf = (prompts: string[]): number =>
    prompts.reduce((sum, id) => {
      if (id === 'beep') return sum + BEEP_SECONDS;
      const seconds = durations.get(id);
      if (seconds === undefined) throw new Error(`no duration for prompt "${id}"`);
      return sum + seconds;
    }, 0);

  const pending = feed({ type: 'started', caller: '09121234567', entry: 'inbound', openCase: null });
  for (let guard = 0; guard < 1000; guard++) {
    const command = pending.shift();
    if (!command) throw new Error(`${script.name}: the IVR stopped commanding before a recording or queue`);
    switch (command.type) {
      case 'record':
        return { seconds: t, reached: 'recording', heard };
      case 'enqueue':
        return { seconds: t, reached: 'queue', heard };
      case 'play': {
        heard.push(...command.prompts);
        const length = lengthOf(command.prompts);
        const next = inputs[0];
        if (listener === 'barges' && next !== undefined && wantsInput(state)) {
          inputs.shift();
          t += Math.min(habits.bargeInSeconds, length);
          pending.push(...press(next));
          break;
        }
        t += length;
        pending.push(...feed({ type: 'playbackDone' }));
        if (wantsInput(state) && next !== undefined) {
          inputs.shift();
          t += habits.reactionSeconds;
          pending.push(...press(next));
        }
        break;
      }
      case 'startTimer':
      case 'cancelTimer':
        // The scripted caller always answers in time.
        break;
      default:
        throw new Error(`${script.name}: unexpected command ${command.type}`);
    }
  }
  throw new Error(`${script.name}: no end after 1000 commands`);
}

/** The journeys the issue asks about: a report by category and district, and the operator. */
export const CITIZEN_SCRIPTS: readonly CallerScript[] = [
  { name: 'report after hours (1, category 2, district 7#) to the beep', officeOpen: false, inputs: ['1', '2', '7#'] },
  { name: 'report in office hours (1, category 2, district 7#) to the queue', officeOpen: true, inputs: ['1', '2', '7#'] },
  { name: 'operator in office hours (0) to the queue', officeOpen: true, inputs: ['0'] },
];
