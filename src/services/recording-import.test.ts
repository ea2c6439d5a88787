import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { importRecording } from './recording-import.js';

const HEADER_ONLY = Buffer.alloc(44);
const WITH_AUDIO = Buffer.alloc(44 + 1600);
/** What importRecording logs is not under test here. */
const silent = { warn: () => undefined, error: () => undefined } as unknown as Logger;

/** Asterisk's answers to successive downloads of one file, and what the store kept. */
function fixture(answers: Array<Buffer | null | Error>) {
  const saved = new Map<string, Buffer>();
  let downloads = 0;
  const stored = {
    download: async () => {
      const answer = answers[Math.min(downloads++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const store = { save: async (key: string, data: Buffer) => void saved.set(key, data) };
  return { stored, store, saved, downloads: () => downloads };
}

describe('importRecording', () => {
  it('copies the audio into the store under the key', async () => {
    const f = fixture([WITH_AUDIO]);
    await expect(importRecording(f.stored, f.store, 'hotline-voicebox/x', 'voicebox-call 1', silent, { retryDelayMs: 1 })).resolves.toEqual({
      kind: 'imported',
      key: 'voicebox-call_1.wav',
    });
    expect(f.saved.get('voicebox-call_1.wav')).toBe(WITH_AUDIO);
  });

  it('waits for a file Asterisk is still closing (a header first, the audio next)', async () => {
    const f = fixture([HEADER_ONLY, WITH_AUDIO]);
    await expect(importRecording(f.stored, f.store, 'n', 'k', silent, { retryDelayMs: 1 })).resolves.toMatchObject({ kind: 'imported' });
    expect(f.downloads()).toBe(2);
  });

  it('calls a file that stays a bare header empty: nothing to keep, nothing stored', async () => {
    const f = fixture([HEADER_ONLY]);
    await expect(importRecording(f.stored, f.store, 'n', 'k', silent, { retryDelayMs: 1 })).resolves.toEqual({ kind: 'empty' });
    expect(f.saved.size).toBe(0);
  });

  it("takes a bare header as empty at first sight when the call is over (its file is final)", async () => {
    const f = fixture([HEADER_ONLY, WITH_AUDIO]);
    await expect(importRecording(f.stored, f.store, 'n', 'k', silent, { retryDelayMs: 1, callOver: true })).resolves.toEqual({ kind: 'empty' });
    expect(f.downloads()).toBe(1);
  });

  it('reports a download that keeps failing as failed, never as empty (the file must stay)', async () => {
    const f = fixture([HEADER_ONLY, new Error('HTTP 503')]);
    await expect(importRecording(f.stored, f.store, 'n', 'k', silent, { retryDelayMs: 1 })).resolves.toEqual({ kind: 'failed' });
    const missing = fixture([null]);
    await expect(importRecording(missing.stored, missing.store, 'n', 'k', silent, { retryDelayMs: 1 })).resolves.toEqual({ kind: 'failed' });
  });
});
