import type { Logger } from 'pino';
import type { StoredRecordings } from '../adapters/ari/stored-recordings.js';
import type { RecordingStore } from '../adapters/db/recording-store.js';

/**
 * Copies a recording from Asterisk into the engine's own store and returns its key,
 * or null when Asterisk has no such file. Retries briefly: right after a hang-up
 * Asterisk may still be closing the file.
 */
export async function importRecording(
  stored: Pick<StoredRecordings, 'download'>,
  store: Pick<RecordingStore, 'save'>,
  storedName: string,
  keyBase: string,
  logger: Logger,
  opts: { retryDelayMs?: number } = {},
): Promise<string | null> {
  const key = `${keyBase.replace(/[^A-Za-z0-9._-]/g, '_')}.wav`;
  const retryDelayMs = opts.retryDelayMs ?? 300;
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const data = await stored.download(storedName);
      if (data && data.length > 44) {
        await store.save(key, data);
        return key;
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message, attempt, storedName }, 'recording download failed');
    }
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
  }
  logger.error({ storedName }, 'recording could not be imported; going on without it');
  return null;
}
