import type { Logger } from 'pino';
import type { StoredRecordings } from '../adapters/ari/stored-recordings.js';
import type { RecordingStore } from '../adapters/db/recording-store.js';
import { queueFromAsterisk } from '../domain/cases/case.js';
import type { CallRepo } from '../domain/cases/ports.js';
import { importRecording } from '../services/recording-import.js';
import { CONVERSATION_PREFIX, conversationName, parseConversationName } from './domain/conversation-name.js';
import { shouldRecord, type RecordingPolicy } from './domain/policy.js';
import { purgeCutoff, RECORDING_KINDS, type RetentionDays } from './domain/retention.js';
import type { CallRecording, RecordingFilter, RecordingListen, RecordingRepo } from './ports.js';

export interface RecordingAmi {
  action(fields: Record<string, string | number | undefined>): Promise<Record<string, unknown>>;
  isConnected(): boolean;
}

export interface RecordingConfig {
  policy: RecordingPolicy;
  retentionDays: RetentionDays;
  /** Asterisk's recording folder as Asterisk sees it (ARI stored recordings live there). */
  asteriskDir: string;
}

/** At most this many files purged per run: a backlog is worked off over several runs. */
const PURGE_BATCH = 500;
/** Bounds the memory of recordings of unknown calls (past it, they are asked about again). */
const MAX_UNKNOWN_REMEMBERED = 10_000;

/**
 * Conversations between citizens and agents: recorded by Asterisk (MixMonitor on the
 * caller's channel, both legs mixed) from the moment app_queue connects an agent, for
 * the configured share of calls and the queues switched on; imported into the engine's
 * store when the conversation ends, exactly like voice messages: the file stays in
 * Asterisk until a `call_recordings` row holds its audio, and a sweep (at every ARI
 * connection and every minute) imports whatever a crash left behind.
 */
export function createRecordingService(deps: {
  repo: RecordingRepo;
  calls: Pick<CallRepo, 'findByUniqueId' | 'findById'>;
  ami: RecordingAmi;
  stored: Pick<StoredRecordings, 'list' | 'download' | 'remove'>;
  store: Pick<RecordingStore, 'save' | 'stat' | 'remove'>;
  /** True while Asterisk still has this channel (its recording may still be written). */
  isChannelUp: (uniqueId: string) => Promise<boolean>;
  config: RecordingConfig;
  now: () => Date;
  logger: Logger;
  retryDelayMs?: number;
  /** How long after the conversation ends its file is fetched (Asterisk closes it meanwhile). */
  settleMs?: number;
}) {
  const { logger } = deps;
  /** Recordings this engine started, by the caller channel's uniqueid, until imported. */
  const recording = new Map<string, string>();
  const importsInFlight = new Set<string>();
  /**
   * Files whose call is not in the database (a test's, another system's, a restored backup's):
   * said once per process, not at every sweep, and not asked about again (three round trips
   * each, every minute, for something that does not change).
   */
  const ofUnknownCalls = new Set<string>();

  /**
   * AMI events are handled as they come, not one after the other: an AgentComplete may
   * arrive while its AgentConnect still waits for the database or for MixMonitor's answer.
   * Its stop waits for that start, or the recording would be left for the minute's sweep.
   */
  const starting = new Map<string, Promise<void>>();

  function start(event: Record<string, unknown>): Promise<void> {
    const uniqueId = String(event.uniqueid ?? '');
    const started = startRecording(uniqueId, event).finally(() => {
      if (starting.get(uniqueId) === started) starting.delete(uniqueId);
    });
    starting.set(uniqueId, started);
    return started;
  }

  async function startRecording(uniqueId: string, event: Record<string, unknown>): Promise<void> {
    const channel = String(event.channel ?? '');
    const queue = queueFromAsterisk(String(event.queue ?? ''));
    if (!uniqueId || !channel || !queue) return;
    const call = await deps.calls.findByUniqueId(uniqueId);
    if (!call) return;
    if (!shouldRecord({ callId: call.id, queue }, deps.config.policy)) return;
    const name = conversationName({ startedAt: deps.now(), callId: call.id, uniqueId });
    await deps.ami.action({ action: 'MixMonitor', channel, file: `${deps.config.asteriskDir}/${name}.wav` });
    recording.set(uniqueId, name);
    logger.info({ callId: call.id, queue }, 'conversation recording started');
  }

  async function stop(event: Record<string, unknown>): Promise<void> {
    const uniqueId = String(event.uniqueid ?? '');
    await starting.get(uniqueId)?.catch(() => undefined);
    const name = recording.get(uniqueId);
    if (!name) return;
    recording.delete(uniqueId);
    // After an agent hangs up the caller may stay on the line (back in the engine): the
    // conversation is over, so the file is closed now rather than at the caller's hang-up.
    let stopped = false;
    try {
      await deps.ami.action({ action: 'StopMixMonitor', channel: String(event.channel ?? '') });
      stopped = true;
    } catch (err) {
      logger.debug({ err: (err as Error).message }, 'StopMixMonitor refused (the channel is gone)');
    }
    await new Promise((resolve) => setTimeout(resolve, deps.settleMs ?? 1000));
    await importOne(name, { stopped });
  }

  /** The one way a file becomes a row: used right after the call and by the sweep. */
  async function importOne(storedName: string, opts: { stopped?: boolean } = {}): Promise<'imported' | 'skipped' | 'dropped' | 'done'> {
    const file = parseConversationName(storedName);
    if (!file || importsInFlight.has(storedName) || ofUnknownCalls.has(storedName)) return 'skipped';
    importsInFlight.add(storedName);
    try {
      if (await deps.repo.findByStoredName(storedName)) {
        await deps.stored.remove(storedName);
        return 'done';
      }
      if (!opts.stopped && (recording.has(file.uniqueId) || (await deps.isChannelUp(file.uniqueId)))) return 'skipped';
      const call = await deps.calls.findById(file.callId);
      if (!call) {
        if (ofUnknownCalls.size < MAX_UNKNOWN_REMEMBERED) ofUnknownCalls.add(storedName);
        logger.warn({ storedName }, 'conversation recording of an unknown call left in Asterisk');
        return 'skipped';
      }
      const fetched = await importRecording(deps.stored, deps.store, storedName, `conversation-${call.id}`, logger, {
        ...(deps.retryDelayMs !== undefined ? { retryDelayMs: deps.retryDelayMs } : {}),
      });
      if (fetched.kind === 'failed') return 'skipped';
      if (fetched.kind === 'empty') {
        await deps.stored.remove(storedName);
        return 'dropped';
      }
      const size = await deps.store.stat(fetched.key);
      await deps.repo.insert({
        callId: call.id,
        storedName,
        recording: fetched.key,
        bytes: size?.size ?? 0,
        agentId: call.queueRecord.agentId ?? null,
        queue: call.queue ?? null,
        startedAt: file.startedAt,
      });
      // Only now that a row holds the audio does Asterisk's copy go.
      await deps.stored.remove(storedName);
      logger.info({ callId: call.id, storedName }, 'conversation recording imported');
      return 'imported';
    } finally {
      importsInFlight.delete(storedName);
    }
  }

  let sweeping: Promise<number> | undefined;
  /** Imports every finished conversation left in Asterisk. */
  function importLeftovers(): Promise<number> {
    sweeping ??= (async () => {
      let imported = 0;
      const names = (await deps.stored.list()).filter((n) => n.startsWith(CONVERSATION_PREFIX));
      for (const name of names) {
        try {
          if ((await importOne(name)) === 'imported') imported++;
        } catch (err) {
          logger.error({ err: (err as Error).message, storedName: name }, 'conversation recording not imported yet');
        }
      }
      return imported;
    })().finally(() => (sweeping = undefined));
    return sweeping;
  }

  /** Deletes the audio of recordings past their kind's retention; the rows (and their listens) stay. */
  async function purgeExpired(): Promise<number> {
    let purged = 0;
    for (const kind of RECORDING_KINDS) {
      const cutoff = purgeCutoff(deps.now(), deps.config.retentionDays[kind]);
      if (!cutoff) continue;
      for (const row of await deps.repo.expired(kind, cutoff, PURGE_BATCH)) {
        // The file first: a crash in between leaves a row the next run marks, never a file nobody deletes.
        await deps.store.remove(row.recording!);
        await deps.repo.markPurged(row.id, deps.now());
        purged++;
      }
    }
    if (purged > 0) logger.info({ purged }, 'recordings past their retention purged');
    return purged;
  }

  return {
    /** app_queue's AMI events: AgentConnect starts a recording, AgentComplete ends and imports it. */
    async onAmiEvent(event: Record<string, unknown>): Promise<void> {
      const name = String(event.event ?? '').toLowerCase();
      if (name === 'agentconnect') await start(event);
      else if (name === 'agentcomplete') await stop(event);
    },
    importLeftovers,
    purgeExpired,
    list: (filter: RecordingFilter): Promise<CallRecording[]> => deps.repo.list(filter),
    find: (id: string): Promise<CallRecording | null> => deps.repo.findById(id),
    /** The audit row of one listen. */
    listened: (recordingId: string, who: { userId: string; role: string }) =>
      deps.repo.addListen({ recordingId, userId: who.userId, role: who.role, at: deps.now() }),
    listens: (recordingId: string): Promise<RecordingListen[]> => deps.repo.listens(recordingId),
  };
}

export type RecordingService = ReturnType<typeof createRecordingService>;
