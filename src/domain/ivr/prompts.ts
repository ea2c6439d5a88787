/**
 * The prompt catalogue: sounds/fa/manifest.json names every Persian prompt the IVR may
 * play (scripts/make-sounds.sh turns it into sounds/fa/<id>.wav). The list of ids lives
 * only in the manifest; this module validates it and answers "is this a prompt?".
 * Pure: the caller reads the file and hands in the parsed JSON.
 */
import { HotlineError } from '../errors.js';

/** Asterisk's own sounds the IVR may play next to ours (`beep` before the voicebox). */
export const BUILTIN_PROMPTS = ['beep'] as const;
export type BuiltinPrompt = (typeof BUILTIN_PROMPTS)[number];

/**
 * Ids double as file names in Asterisk's sounds folder, so keep them plain. The one
 * subfolder allowed is Asterisk's own `digits/`: say.c reads numbers out of
 * `<language>/digits/<n>` (app_queue's position and hold-time announcements use it), so
 * those files must carry exactly those names. A language folder (`fa/...`) is never part
 * of an id: Asterisk adds it from the channel's language.
 */
export const PROMPT_ID_PATTERN = /^(?:digits\/)?[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface PromptEntry {
  id: string;
  /** What the caller hears, as written Persian. */
  text: string;
  /** A respelling for the synthesiser only, where it mispronounces `text`. */
  speak?: string;
}

export interface PromptManifest {
  language: string;
  voice: string;
  prompts: PromptEntry[];
}

const MANIFEST_KEYS = new Set(['language', 'voice', 'prompts']);
const PROMPT_KEYS = new Set(['id', 'text', 'speak']);

function invalid(message: string): HotlineError {
  return new HotlineError('HOTLINE_ERR_CONFIG', `prompt manifest: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** A misspelt key (say `speek`) would otherwise be ignored without a word. */
function rejectUnknownKeys(obj: Record<string, unknown>, allowed: Set<string>, where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) throw invalid(`${where} has an unknown key "${key}"`);
  }
}

function parsePrompt(raw: unknown, index: number): PromptEntry {
  const where = `prompts[${index}]`;
  if (!isRecord(raw)) throw invalid(`${where} is not an object`);
  rejectUnknownKeys(raw, PROMPT_KEYS, where);
  const { id, text, speak } = raw;
  if (typeof id !== 'string' || !PROMPT_ID_PATTERN.test(id)) {
    throw invalid(`${where} id ${JSON.stringify(id)} is not kebab-case (optionally under digits/)`);
  }
  if (!nonEmptyString(text)) throw invalid(`prompt "${id}" has no text`);
  if (speak === undefined) return { id, text };
  if (!nonEmptyString(speak)) throw invalid(`prompt "${id}" has an empty speak`);
  return { id, text, speak };
}

/** Validates parsed manifest JSON; throws a HOTLINE_ERR_CONFIG HotlineError naming the first problem. */
export function loadPromptManifest(json: unknown): PromptManifest {
  if (!isRecord(json)) throw invalid('not an object');
  rejectUnknownKeys(json, MANIFEST_KEYS, 'manifest');
  const { language, voice, prompts } = json;
  if (!nonEmptyString(language)) throw invalid('language is missing');
  if (!nonEmptyString(voice)) throw invalid('voice is missing');
  if (!Array.isArray(prompts) || prompts.length === 0) throw invalid('prompts must be a non-empty array');

  const entries = prompts.map(parsePrompt);
  const seen = new Set<string>();
  for (const { id } of entries) {
    if (seen.has(id)) throw invalid(`duplicate id "${id}"`);
    // A file of ours named like an Asterisk sound would silently replace it.
    if ((BUILTIN_PROMPTS as readonly string[]).includes(id)) throw invalid(`id "${id}" shadows an Asterisk sound`);
    seen.add(id);
  }
  return { language, voice, prompts: entries };
}

/** Every id a `play` command may name: the manifest's prompts plus Asterisk's built-ins. */
export function playablePromptIds(manifest: PromptManifest): ReadonlySet<string> {
  return new Set<string>([...manifest.prompts.map((p) => p.id), ...BUILTIN_PROMPTS]);
}
