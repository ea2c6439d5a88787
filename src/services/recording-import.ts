import type { Logger } from 'pino';
import type { StoredRecordings } from '../adapters/ari/stored-recordings.js';
import type { RecordingStore } from '../adapters/db/recording-store.js';

/** What became of a recording: copied (its key in the store), empty (Asterisk's file holds no audio), or not fetched. */
export type RecordingImport = { kind: 'imported'; key: string } | { kind: 'empty' } | { kind: 'failed' };

/** The size of a WAV header: a file no longer than this holds no audio. */
const WAV_HEADER_BYTES = 44;

/**
 * Copies a recording from Asterisk into the engine's own store. Retries briefly: right
 * after a hang-up Asterisk may still be closing the file. A file that is still only a
 * header after the retries is `empty` (the caller said nothing): there is nothing to
 * keep, and the caller may drop it instead of fetching it again at every sweep.
 */
export async function importRecording(
  stored: Pick<StoredRecordings, 'download'>,
  store: Pick<RecordingStore, 'save'>,
  storedName: string,
  keyBase: string,
  logger: Logger,
  opts: {
    retryDelayMs?: number;
    /** The call that recorded it is over, so its file is final: a header-only file is empty at first sight. */
    callOver?: boolean;
  } = {},
): Promise<RecordingImport> {
  const key = `${keyBase.replace(/[^A-Za-z0-9._-]/g, '_')}.wav`;
  const retryDelayMs = opts.retryDelayMs ?? 300;
  let empty = false;
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const data = await stored.download(storedName);
      empty = data !== null && data.length <= WAV_HEADER_BYTES;
      if (data && !empty) {
        await store.save(key, data);
        return { kind: 'imported', key };
      }
      // Waiting 4.5 s on every empty leftover held up the real messages queued behind it.
      if (empty && opts.callOver) return { kind: 'empty' };
    } catch (err) {
      empty = false;
      logger.warn({ err: (err as Error).message, attempt, storedName }, 'recording download failed');
    }
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
  }
  if (empty) return { kind: 'empty' };
  logger.error({ storedName }, 'recording could not be imported; it stays in Asterisk');
  return { kind: 'failed' };
}
