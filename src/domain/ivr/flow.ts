/**
 * The 137 hotline IVR as data: timings, limits and the menus (prompt, keys → action).
 * engine.ts interprets it; nothing here does I/O.
 */
import { NEXT_OPENING_PROMPT_IDS } from './next-opening-speech.js';
import {
  CASE_STATUSES,
  CATEGORIES,
  COMPLAINT_CATEGORY,
  type CaseCategory,
  type CategoryId,
  type QueueName,
} from '../cases/case.js';
import { MAX_SPOKEN_NUMBER, statusPrompt } from './speech.js';

/** Every number that shapes the caller's experience, in one place. */
export const TIMING = {
  /** Silence after a menu or entry prompt finished before it counts as "no input". */
  noInputMs: 6_000,
  /** Silence between two digits of a district or tracking number; then the entry is taken as typed. */
  interDigitMs: 5_000,
} as const;

export const LIMITS = {
  /** Offers of one menu (the first included) before the caller is routed to a person. */
  menuAttempts: 3,
  /** Tries at the district number before carrying on with an unknown district. */
  districtAttempts: 3,
  /** Tries at the tracking number: the issue offers it "again once". */
  trackingAttempts: 2,
  /** Recordings per call, so an empty line cannot loop the voicebox forever. */
  recordings: 3,
  /**
   * Longest digit entry kept; one more than the longest valid entry (a 10-digit tracking
   * number) so overlong input stays invalid. A legacy 8-digit number ends with # or a pause.
   */
  entryDigits: 11,
} as const;

export const RECORDING = {
  maxDurationSeconds: 120,
  maxSilenceSeconds: 5,
  /** Shorter than this, a recording ended by the caller is treated as empty. */
  minSeconds: 1,
  /** Longer than this, a recording cut by a hang-up still becomes a case (issue 2 §5: "over 1 s"). */
  minSecondsOnHangup: 1,
} as const;

export type MenuId = 'main' | 'category' | 'review';

export type MenuAction =
  | { kind: 'category-menu' }
  | { kind: 'tracking' }
  /** Only offered when the caller has an open case (the engine checks). */
  | { kind: 'open-case-status' }
  | { kind: 'agent'; queue: QueueName; category: CaseCategory | null }
  | { kind: 'district'; category: CategoryId }
  | { kind: 'save' }
  | { kind: 'record-again' };

export interface MenuSpec {
  prompt: string;
  /** Prefix of the IVR path entries this menu writes ('menu:1', 'review:no-input'…). */
  label: string;
  keys: Readonly<Record<string, MenuAction>>;
  /** Where the caller goes after `LIMITS.menuAttempts` offers without a valid key. */
  exhausted: MenuAction;
}

const OPERATOR: MenuAction = { kind: 'agent', queue: 'general', category: null };

export const MENUS: Readonly<Record<MenuId, MenuSpec>> = {
  main: {
    prompt: 'main-menu',
    label: 'menu',
    keys: {
      '1': { kind: 'category-menu' },
      '2': { kind: 'tracking' },
      '3': { kind: 'agent', queue: 'complaints', category: COMPLAINT_CATEGORY },
      '0': OPERATOR,
      '9': { kind: 'open-case-status' },
    },
    exhausted: OPERATOR,
  },
  category: {
    prompt: 'category-menu',
    label: 'category',
    keys: Object.fromEntries(
      CATEGORIES.map((c): [string, MenuAction] => [c.key, { kind: 'district', category: c.id }]),
    ),
    // The rule for every menu: a caller who cannot pick reaches a person (or the
    // voicebox when closed) with the category left unknown for the agent to set, rather
    // than us filing it under 'other' and routing it to the wrong queue.
    exhausted: OPERATOR,
  },
  review: {
    prompt: 'voicebox-review',
    label: 'review',
    keys: { '1': { kind: 'save' }, '2': { kind: 'record-again' } },
    // Never lose a message: a caller who says nothing after recording gets it saved.
    exhausted: { kind: 'save' },
  },
};

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every prompt id the flow can ever play (a test checks each is in sounds/fa/manifest.json). */
export const FLOW_PROMPT_IDS: readonly string[] = [
  'welcome',
  'open-case-notice',
  ...Object.values(MENUS).map((m) => m.prompt),
  'district-prompt',
  'invalid-district',
  'invalid-option',
  'no-input',
  'tracking-prompt',
  'tracking-unknown',
  'case-status-intro',
  ...CASE_STATUSES.map(statusPrompt),
  'last-update',
  'and',
  ...range(0, 9).map((d) => `digit-${d}`),
  ...range(1, MAX_SPOKEN_NUMBER).map((n) => `num-${n}`),
  'num-1400',
  ...range(1, 12).map((m) => `month-${m}`),
  'queue-transfer',
  'after-hours',
  ...NEXT_OPENING_PROMPT_IDS,
  'voicebox-intro',
  'voicebox-empty',
  'case-registered',
  'repeat',
  'goodbye',
  'technical-error',
  'message-kept',
];
