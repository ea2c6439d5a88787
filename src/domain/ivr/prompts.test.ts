import { readdirSync, readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HotlineError } from '../errors.js';
import { BUILTIN_PROMPTS, loadPromptManifest, playablePromptIds, PROMPT_ID_PATTERN } from './prompts.js';
import { PERSIAN_NUMBER_PROMPTS } from './persian-numbers.js';

const soundsDir = fileURLToPath(new URL('../../../sounds/fa/', import.meta.url));
const manifest = loadPromptManifest(JSON.parse(readFileSync(`${soundsDir}manifest.json`, 'utf8')));

interface WavInfo {
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  byteRate: number;
  blockAlign: number;
  samples: Int16Array;
}

/** Walks the RIFF chunks rather than assuming a 44-byte header, so a LIST chunk cannot fool it. */
function readWav(file: string): WavInfo {
  const buf = readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file}: not a RIFF/WAVE file`);
  }
  if (buf.readUInt32LE(4) + 8 !== buf.length) throw new Error(`${file}: RIFF size does not match the file`);
  let fmt: Omit<WavInfo, 'samples'> | undefined;
  let samples: Int16Array | undefined;
  for (let off = 12; off + 8 <= buf.length; ) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (body + size > buf.length) throw new Error(`${file}: chunk ${id} runs past the end`);
    if (id === 'fmt ') {
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        byteRate: buf.readUInt32LE(body + 8),
        blockAlign: buf.readUInt16LE(body + 12),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      const data = buf.subarray(body, body + size);
      samples = new Int16Array(size >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
    }
    off = body + size + (size & 1);
  }
  if (!fmt || !samples) throw new Error(`${file}: missing fmt or data chunk`);
  return { ...fmt, samples };
}

describe('sounds/fa/manifest.json', () => {
  const ids = manifest.prompts.map((p) => p.id);

  it('has unique kebab-case ids', () => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(PROMPT_ID_PATTERN);
  });

  it('has a wav for every prompt and no wav without a prompt', () => {
    // Recursive: digits/<n>.wav live in a subfolder; a stray there must fail too.
    const wavs = readdirSync(soundsDir, { recursive: true, encoding: 'utf8' })
      .map((f) => f.split(sep).join('/'))
      .filter((f) => f.endsWith('.wav'))
      .map((f) => f.slice(0, -'.wav'.length));
    expect([...wavs].sort()).toEqual([...ids].sort());
  });

  it('has every digit and number word the IVR reads out', () => {
    for (let d = 0; d <= 9; d++) expect(ids).toContain(`digit-${d}`);
    for (const id of PERSIAN_NUMBER_PROMPTS) expect(ids).toContain(id);
  });

  it("has every file Asterisk's default say.c path plays for 0 to 999 and below zero", () => {
    // ast_say_number_full_en (the path for a language say.c has no rules for, like fa):
    // digits/0..19, the tens digits/20..90, digits/<1-9> + digits/hundred, digits/minus.
    for (let n = 0; n <= 19; n++) expect(ids).toContain(`digits/${n}`);
    for (let n = 20; n <= 90; n += 10) expect(ids).toContain(`digits/${n}`);
    for (const word of ['hundred', 'thousand', 'minus']) expect(ids).toContain(`digits/${word}`);
  });
});

describe.each(manifest.prompts.map((p) => p.id))('sounds/fa/%s.wav', (id) => {
  // Read inside each test so one missing file fails its own tests, not the whole file.
  const wavFile = `${soundsDir}${id}.wav`;

  it('is 8 kHz mono 16-bit signed PCM (what Asterisk plays as slin)', () => {
    expect(readWav(wavFile)).toMatchObject({
      format: 1,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 16,
      byteRate: 16000,
      blockAlign: 2,
    });
  });

  it('lasts more than 0.3 s and is not silent', () => {
    const wav = readWav(wavFile);
    expect(wav.samples.length / wav.sampleRate).toBeGreaterThan(0.3);
    const peak = wav.samples.reduce((max, s) => Math.max(max, Math.abs(s)), 0);
    // make-sounds.sh normalises to -3 dBFS (≈ 23200); far below that means a broken render.
    expect(peak).toBeGreaterThan(8000);
  });
});

describe('loadPromptManifest', () => {
  const good = { language: 'fa', voice: 'fa', prompts: [{ id: 'welcome', text: 'سلام' }] };
  const withPrompts = (...prompts: unknown[]) => ({ ...good, prompts });

  it("accepts ids in Asterisk's digits/ folder", () => {
    const m = loadPromptManifest(withPrompts({ id: 'digits/20', text: 'بیست' }, { id: 'digits/hundred', text: 'صد' }));
    expect(m.prompts.map((p) => p.id)).toEqual(['digits/20', 'digits/hundred']);
  });

  it('keeps ids, texts and optional respellings', () => {
    const m = loadPromptManifest(withPrompts({ id: 'digit-9', text: 'نه', speak: 'نُه' }, { id: 'and', text: 'و' }));
    expect(m.prompts).toEqual([{ id: 'digit-9', text: 'نه', speak: 'نُه' }, { id: 'and', text: 'و' }]);
  });

  it.each([
    ['not an object', [], 'not an object'],
    ['no prompts', { ...good, prompts: [] }, 'non-empty array'],
    ['no voice', { language: 'fa', prompts: good.prompts }, 'voice'],
    ['an unknown manifest key', { ...good, prompt: [] }, 'unknown key "prompt"'],
    ['a duplicate id', withPrompts({ id: 'a', text: 'x' }, { id: 'a', text: 'y' }), 'duplicate id "a"'],
    ['a camelCase id', withPrompts({ id: 'mainMenu', text: 'x' }), 'not kebab-case'],
    ['an id with a path', withPrompts({ id: 'fa/welcome', text: 'x' }), 'not kebab-case'],
    ['an id under digits/ twice', withPrompts({ id: 'digits/digits/1', text: 'x' }), 'not kebab-case'],
    ['an empty name under digits/', withPrompts({ id: 'digits/', text: 'x' }), 'not kebab-case'],
    ['an id leaving the folder', withPrompts({ id: 'digits/../welcome', text: 'x' }), 'not kebab-case'],
    ['an empty text', withPrompts({ id: 'a', text: '  ' }), 'has no text'],
    ['an empty speak', withPrompts({ id: 'a', text: 'x', speak: '' }), 'empty speak'],
    ['a misspelt key', withPrompts({ id: 'a', text: 'x', speek: 'y' }), 'unknown key "speek"'],
    ['an id shadowing beep', withPrompts({ id: 'beep', text: 'x' }), 'shadows an Asterisk sound'],
  ])('rejects %s', (_name, json, message) => {
    expect(() => loadPromptManifest(json)).toThrow(message);
    expect(() => loadPromptManifest(json)).toThrow(HotlineError);
  });
});

describe('playablePromptIds', () => {
  it("is the manifest's ids plus Asterisk's built-ins", () => {
    const playable = playablePromptIds(manifest);
    for (const id of BUILTIN_PROMPTS) expect(playable.has(id)).toBe(true);
    expect(playable.has('welcome')).toBe(true);
    expect(playable.has('no-such-prompt')).toBe(false);
    expect(playable.size).toBe(manifest.prompts.length + BUILTIN_PROMPTS.length);
  });
});
