import type { Logger } from 'pino';
import type { StasisAppServices } from '../adapters/ari/stasis-app.js';
import type { IvrStateView } from '../adapters/ari/call-session.js';
import type { StoredRecordings } from '../adapters/ari/stored-recordings.js';
import type { RecordingStore } from '../adapters/db/recording-store.js';
import type { CallRepo, CaseRepo } from '../domain/cases/ports.js';
import { isValidTrackingNumber } from '../domain/cases/tracking-number.js';
import { maskPhone, normalizePhone } from '../domain/phone.js';
import { wavDurationSeconds } from '../domain/wav.js';
import { importRecording } from './recording-import.js';

/**
 * What the IVR sessions ask of the engine: call rows, case lookups and voicebox cases.
 * The one place that decides how a call's IVR progress becomes rows.
 */
export function createIvrCallServices(deps: {
  cases: CaseRepo;
  calls: CallRepo;
  recordings: RecordingStore;
  stored: StoredRecordings;
  officeOpen: (now: Date) => boolean;
  nextOpening?: (now: Date) => Date | null;
  /** Stores a callback request and queues its dialling (outbound/services/callback-service.ts). */
  requestCallback: (input: { callUniqueId: string; caller: string | null }) => Promise<unknown>;
  now: () => Date;
  logger: Logger;
}): StasisAppServices {
  const { cases, calls, logger } = deps;

  async function createCase({
    callUniqueId,
    caller,
    category,
    district,
    recordingName,
  }: Parameters<StasisAppServices['createVoiceboxCase']>[0]): Promise<{ trackingNumber: string }> {
    const call = await calls.findByUniqueId(callUniqueId);
    const imported = recordingName
      ? await importRecording(deps.stored, deps.recordings, recordingName, `voicebox-${callUniqueId}`, logger)
      : null;
    const recording = imported?.kind === 'imported' ? imported.key : null;
    // Never a case without its audio while the audio is still in Asterisk: the message
    // stays there for the importer, which makes the case once the download works.
    if (recordingName && !recording) throw new Error('the voice message could not be fetched from Asterisk');
    const created = await cases.create({
      channel: 'voicebox',
      category,
      district,
      callerPhone: caller ? normalizePhone(caller) : null,
      recording,
      callId: call?.id ?? null,
      actor: 'ivr',
    });
    if (call) await calls.update(callUniqueId, { caseId: created.id, outcome: 'voicebox' });
    if (recordingName && recording) {
      // Only once the case holds its own copy is Asterisk's file removed.
      await deps.stored.remove(recordingName).catch((err: Error) => logger.warn({ err: err.message }, 'stored recording not removed'));
    }
    logger.info({ trackingNumber: created.trackingNumber, caller: caller ? maskPhone(caller) : null }, 'voicebox case created');
    return { trackingNumber: created.trackingNumber };
  }

  /**
   * Takes the caller did not keep ("record again", too short) must not pile up in
   * Asterisk. The kept message goes only once a case holds its audio.
   */
  async function removeTakes(names: string[]): Promise<void> {
    try {
      for (const name of names) await deps.stored.remove(name);
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'leftover voicebox recordings not removed');
    }
  }

  return {
    officeOpen: deps.officeOpen,
    ...(deps.nextOpening ? { nextOpening: deps.nextOpening } : {}),

    async requestCallback(input) {
      await deps.requestCallback(input);
    },

    async callStarted(callUniqueId, caller, at, opts) {
      const phone = caller ? normalizePhone(caller) : null;
      const call = { uniqueId: callUniqueId, caller: phone ?? caller, startedAt: at };
      if (!opts?.findOpenCase) {
        await calls.start(call);
        return { openCase: null };
      }
      const { openCase } = await calls.arrive(call, phone);
      return { openCase: openCase ? { trackingNumber: openCase } : null };
    },

    async lookupCase(trackingNumber) {
      if (!isValidTrackingNumber(trackingNumber)) return null;
      const found = await cases.findByTrackingNumber(trackingNumber);
      return found ? { status: found.status, updatedAt: found.updatedAt } : null;
    },

    async createVoiceboxCase(input) {
      try {
        return await createCase(input);
      } catch (err) {
        // The database or the download failed. The message stays in Asterisk under its
        // name (which carries the caller's choices) and the importer makes the case later.
        if (input.recordingName) logger.warn({ err: (err as Error).message, storedName: input.recordingName }, 'voice message kept for a later import');
        throw err;
      }
    },

    async storedRecordingSeconds(storedName) {
      const wav = await deps.stored.download(storedName);
      return wav ? wavDurationSeconds(wav) : null;
    },

    async saveProgress(callUniqueId, view: IvrStateView) {
      await calls.update(callUniqueId, { ivrPath: view.path, category: view.category, district: view.district });
    },

    async finish(callUniqueId, { queued, view, endedAt, recordings, kept }) {
      // One statement: the row says itself whether it holds a case (then 'voicebox').
      const outcome = queued
        ? 'queued'
        : view.path.includes('callback')
          ? 'callback'
          : view.path.some((p) => p.startsWith('followup'))
            ? 'followup'
            : 'hangup';
      const ended = await calls.end(
        callUniqueId,
        {
          ivrPath: view.path,
          category: view.category,
          district: view.district,
          outcome,
          // Back from a queue (timeout, key 1): the row keeps the queue it waited in.
          ...(queued ? { queue: queued } : {}),
          ...(endedAt ? { endedAt } : {}),
        },
        queued ? {} : { outcomeIfCase: 'voicebox' },
      );
      if (!ended) return;
      if (!queued) await removeTakes(ended.caseId ? recordings : recordings.filter((name) => name !== kept));
    },
  };
}
