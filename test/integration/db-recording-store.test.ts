import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileRecordingStore, type RecordingStore } from '../../src/adapters/db/recording-store.js';

let parent: string;
let dir: string;
let store: RecordingStore;

beforeEach(async () => {
  parent = await mkdtemp(path.join(os.tmpdir(), 'hotline-recordings-'));
  // Not created up front: the store makes its folder on first save.
  dir = path.join(parent, 'recordings');
  store = createFileRecordingStore(dir);
});

afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('file recording store', () => {
  it('round-trips a recording and reports its size', async () => {
    const audio = Buffer.from('RIFF....WAVEfmt fake audio bytes');
    await store.save('voicebox-1700000000.1.wav', audio);
    expect(await store.stat('voicebox-1700000000.1.wav')).toEqual({ size: audio.length });
    expect(await buffer(store.createReadStream('voicebox-1700000000.1.wav'))).toEqual(audio);
  });

  it('replaces a recording whole and leaves no temp files behind', async () => {
    await store.save('a.wav', Buffer.alloc(1000, 1));
    await store.save('a.wav', Buffer.from('short'));
    expect(await store.stat('a.wav')).toEqual({ size: 5 });
    expect(await readdir(dir)).toEqual(['a.wav']);
  });

  it('answers null for a missing recording and errors the stream', async () => {
    expect(await store.stat('missing.wav')).toBeNull();
    await expect(buffer(store.createReadStream('missing.wav'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects keys that could leave the folder or name a temp file', async () => {
    await writeFile(path.join(parent, 'secret.txt'), 'outside the store');
    for (const key of ['../secret.txt', '..', '.', 'a/b.wav', 'a\\b.wav', '/etc/passwd', '', 'x.wav\0', '.tmp-123', 'ñ.wav']) {
      await expect(store.save(key, Buffer.from('x')), key).rejects.toMatchObject({ code: 'HOTLINE_ERR_VALIDATION' });
      await expect(store.stat(key), key).rejects.toMatchObject({ code: 'HOTLINE_ERR_VALIDATION' });
      expect(() => store.createReadStream(key), key).toThrow(/Invalid recording key/);
    }
    expect(await readdir(parent)).toEqual(['secret.txt']);
  });
});
