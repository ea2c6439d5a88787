import type { Logger } from 'pino';
import type { StoredRecordings } from '../../src/adapters/ari/stored-recordings.js';
import { createCallRecordingRepo } from '../../src/adapters/db/call-recording-repo.js';
import type { Database } from '../../src/adapters/db/database.js';
import type { RecordingStore } from '../../src/adapters/db/recording-store.js';
import type { CallRepo } from '../../src/domain/cases/ports.js';
import { createRecordingService, type RecordingConfig } from '../../src/recordings/recording-service.js';

/**
 * Asterisk's recording folder as ARI shows it, held in memory: what the importer sees of
 * Asterisk. `failDownloads` stands for Asterisk unreachable mid-import.
 */
export function asteriskFolder() {
  const files = new Map<string, Buffer>();
  const state = { failDownloads: false };
  const stored: StoredRecordings = {
    list: async () => [...files.keys()],
    download: async (name) => {
      if (state.failDownloads) throw new Error('ARI unreachable');
      return files.get(name) ?? null;
    },
    remove: async (name) => void files.delete(name),
    copy: async (name, destination) => void files.set(destination, files.get(name)!),
  };
  return { files, stored, state };
}

export const RECORD_ALL: RecordingConfig = {
  policy: { sharePercent: 100, queuesOff: [] },
  retentionDays: { conversation: 90 },
  asteriskDir: '/var/spool/asterisk/recording',
};

/** The recording service over a real database and store, with AMI actions captured. */
export function recordingServiceFor(opts: {
  database: Database;
  calls: CallRepo;
  store: RecordingStore;
  logger: Logger;
  now?: () => Date;
  config?: RecordingConfig;
  channelsUp?: Set<string>;
  /** Awaited before MixMonitor is answered: a slow Asterisk. */
  mixMonitorAnswered?: Promise<void>;
}) {
  const folder = asteriskFolder();
  const actions: Record<string, string | number | undefined>[] = [];
  const service = createRecordingService({
    repo: createCallRecordingRepo(opts.database.db),
    calls: opts.calls,
    ami: {
      isConnected: () => true,
      action: async (fields) => {
        actions.push(fields);
        if (fields.action === 'MixMonitor') await opts.mixMonitorAnswered;
        return { response: 'Success' };
      },
    },
    stored: folder.stored,
    store: opts.store,
    isChannelUp: async (uniqueId) => opts.channelsUp?.has(uniqueId) ?? false,
    config: opts.config ?? RECORD_ALL,
    now: opts.now ?? (() => new Date()),
    logger: opts.logger,
    retryDelayMs: 1,
    settleMs: 1,
  });
  return { service, folder, actions };
}
