import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hotlineError } from '../../domain/errors.js';

/** Recordings live as files; a case holds only the key. */
export interface RecordingStore {
  save(key: string, data: Buffer): Promise<void>;
  stat(key: string): Promise<{ size: number } | null>;
  createReadStream(key: string, range?: { start: number; end: number }): NodeJS.ReadableStream;
  /** Deletes the file; a key with no file is no error (a purge done twice). */
  remove(key: string): Promise<void>;
}

// A key is a bare file name: no separators, and "." / ".." are refused below.
const KEY = /^[A-Za-z0-9._-]+$/;
// Temp files start with "." so no valid key that is listed or served can name one mid-write.
const TEMP_PREFIX = '.tmp-';

export function assertRecordingKey(key: string): void {
  if (!KEY.test(key) || key === '.' || key === '..' || key.startsWith(TEMP_PREFIX) || key.length > 200) {
    throw hotlineError('HOTLINE_ERR_VALIDATION', 'Invalid recording key', { key: key.slice(0, 200) });
  }
}

export function createFileRecordingStore(dir: string): RecordingStore {
  const root = path.resolve(dir);
  const file = (key: string) => {
    assertRecordingKey(key);
    return path.join(root, key);
  };

  return {
    async save(key, data) {
      const target = file(key);
      await mkdir(root, { recursive: true });
      // Same folder as the target, so the rename is atomic: readers see the old file or the whole new one.
      const temp = path.join(root, `${TEMP_PREFIX}${randomUUID()}`);
      try {
        await writeFile(temp, data, { flag: 'wx' });
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },

    async stat(key) {
      try {
        const s = await stat(file(key));
        return s.isFile() ? { size: s.size } : null;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },

    createReadStream(key, range) {
      return createReadStream(file(key), range);
    },

    async remove(key) {
      await rm(file(key), { force: true });
    },
  };
}
