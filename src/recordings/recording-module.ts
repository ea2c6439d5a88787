import type { Logger } from 'pino';
import type { StoredRecordings } from '../adapters/ari/stored-recordings.js';
import { createCallRecordingRepo } from '../adapters/db/call-recording-repo.js';
import type { Db } from '../adapters/db/database.js';
import type { RecordingStore } from '../adapters/db/recording-store.js';
import type { CallRepo } from '../domain/cases/ports.js';
import { startRetentionJob, type RetentionJob } from './adapters/retention-job.js';
import { createRecordingService, type RecordingAmi, type RecordingConfig } from './recording-service.js';

/** Recorded conversations left in Asterisk are looked for this often. */
const LEFTOVER_SWEEP_MS = 60_000;

/** What the leftover sweep needs of a node's ARI connection. */
export interface LeftoverSource {
  on(event: 'connected', listener: () => void): unknown;
  isConnected(): boolean;
}

/** Conversation recording, wired: repository, service, and the retention purge's job. */
export function createRecordingModule(deps: {
  db: Db;
  calls: Pick<CallRepo, 'findByUniqueId' | 'findById'>;
  ami: RecordingAmi;
  stored: StoredRecordings;
  store: RecordingStore;
  isChannelUp: (uniqueId: string) => Promise<boolean>;
  config: RecordingConfig;
  jobs: { redisUrl: string; prefix: string; runWorkers: boolean };
  now: () => Date;
  logger: Logger;
}) {
  const logger = deps.logger.child({ component: 'recordings' });
  const service = createRecordingService({
    repo: createCallRecordingRepo(deps.db),
    calls: deps.calls,
    ami: deps.ami,
    stored: deps.stored,
    store: deps.store,
    isChannelUp: deps.isChannelUp,
    config: deps.config,
    now: deps.now,
    logger,
  });
  const retention: RetentionJob = startRetentionJob({
    connection: { url: deps.jobs.redisUrl, maxRetriesPerRequest: null },
    prefix: deps.jobs.prefix,
    purge: () => service.purgeExpired(),
    worker: deps.jobs.runWorkers,
    logger,
  });
  const importLeftovers = () =>
    service.importLeftovers().catch((err: Error) => {
      logger.warn({ err: err.message }, 'conversation recordings sweep failed');
      return 0;
    });
  let sweep: NodeJS.Timeout | undefined;
  return {
    service,
    onAmiEvent(event: Record<string, unknown>): void {
      service.onAmiEvent(event).catch((err: Error) => logger.warn({ err: err.message, event: event.event }, 'conversation recording step failed'));
    },
    importLeftovers,
    /**
     * Conversations a dead engine left in Asterisk are imported at every ARI connection
     * of these nodes, and every minute while one of them is connected.
     */
    sweepLeftovers(nodes: readonly LeftoverSource[]): void {
      for (const ari of nodes) ari.on('connected', () => void importLeftovers());
      sweep = setInterval(() => {
        if (nodes.some((ari) => ari.isConnected())) void importLeftovers();
      }, LEFTOVER_SWEEP_MS);
      sweep.unref();
    },
    close: (force?: boolean) => {
      clearInterval(sweep);
      return retention.close(force);
    },
  };
}
