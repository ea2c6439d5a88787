/**
 * The 137 hotline IVR as data: timings, limits and the menus (prompt, keys → action).
 * engine.ts interprets it; nothing here does I/O.
 */
import {
  CASE_STATUSES,
  CATEGORIES,
  COMPLAINT_CATEGORY,
  type CaseCategory,
  type CategoryId,
  type QueueName,
} from '../cases/case.js';
import { PERSIAN_NUMBER_PROMPTS } from './persian-numbers.js';
import { statusPrompt } from './speech.js';

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
  | { kind: 'record-again' }
  /** The menu's long explanation, then the menu again (not counted as a miss). */
  | { kind: 'help' };

export interface MenuSpec {
  /** The short menu (about 8 s): the keys, most used first. */
  prompt: string;
  /**
   * The long explanation (examples, what each option leads to), on the help key and in
   * place of the short menu once the caller missed it; null where the menu is self-evident.
   */
  help: string | null;
  /** Prefix of the IVR path entries this menu writes ('menu:1', 'review:no-input'…). */
  label: string;
  keys: Readonly<Record<string, MenuAction>>;
  /** Where the caller goes after `LIMITS.menuAttempts` offers without a valid key. */
  exhausted: MenuAction;
}

const OPERATOR: MenuAction = { kind: 'agent', queue: 'general', category: null };
/** «راهنما، ستاره»: the main menu names it; it works in the category menu too. */
export const HELP_KEY = '*';
const HELP: MenuAction = { kind: 'help' };

export const MENUS: Readonly<Record<MenuId, MenuSpec>> = {
  main: {
    prompt: 'main-menu',
    help: 'main-menu-help',
    label: 'menu',
    keys: {
      '1': { kind: 'category-menu' },
      '2': { kind: 'tracking' },
      '3': { kind: 'agent', queue: 'complaints', category: COMPLAINT_CATEGORY },
      '0': OPERATOR,
      '9': { kind: 'open-case-status' },
      [HELP_KEY]: HELP,
    },
    exhausted: OPERATOR,
  },
  category: {
    prompt: 'category-menu',
    help: 'category-menu-help',
    label: 'category',
    keys: {
      ...Object.fromEntries(
        CATEGORIES.map((c): [string, MenuAction] => [c.key, { kind: 'district', category: c.id }]),
      ),
      [HELP_KEY]: HELP,
    },
    // The rule for every menu: a caller who cannot pick reaches a person (or the
    // voicebox when closed) with the category left unknown for the agent to set, rather
    // than us filing it under 'other' and routing it to the wrong queue.
    exhausted: OPERATOR,
  },
  review: {
    prompt: 'voicebox-review',
    help: null,
    label: 'review',
    keys: { '1': { kind: 'save' }, '2': { kind: 'record-again' } },
    // Never lose a message: a caller who says nothing after recording gets it saved.
    exhausted: { kind: 'save' },
  },
};

/** Every prompt id the flow can ever play (a test checks each is in sounds/fa/manifest.json). */
export const FLOW_PROMPT_IDS: readonly string[] = [
  'welcome',
  'open-case-notice',
  ...Object.values(MENUS).flatMap((m) => (m.help ? [m.prompt, m.help] : [m.prompt])),
  'district-prompt',
  'invalid-district',
  'invalid-option',
  'no-input',
  'tracking-prompt',
  'tracking-unknown',
  'case-status-intro',
  ...CASE_STATUSES.map(statusPrompt),
  'last-update',
  ...PERSIAN_NUMBER_PROMPTS,
  'queue-transfer',
  'after-hours',
  'voicebox-intro',
  'voicebox-empty',
  'case-registered',
  'repeat',
  'goodbye',
  'technical-error',
  'message-kept',
];
