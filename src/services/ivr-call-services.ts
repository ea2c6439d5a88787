import type { Logger } from 'pino';
import type { StasisAppServices } from '../adapters/ari/stasis-app.js';
import type { IvrStateView } from '../adapters/ari/call-session.js';
import type { StoredRecordings } from '../adapters/ari/stored-recordings.js';
import type { RecordingStore } from '../adapters/db/recording-store.js';
import type { CallRepo, CaseRepo } from '../domain/cases/ports.js';
import { isValidTrackingNumber } from '../domain/cases/tracking-number.js';
import { maskPhone, normalizePhone } from '../domain/phone.js';
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
  logger: Logger;
}): StasisAppServices {
  const { cases, calls, logger } = deps;

  return {
    officeOpen: deps.officeOpen,

    async callStarted(callUniqueId, caller, at) {
      await calls.start({ uniqueId: callUniqueId, caller: caller ? (normalizePhone(caller) ?? caller) : null, startedAt: at });
    },

    async findOpenCase(caller) {
      const phone = caller ? normalizePhone(caller) : null;
      if (!phone) return null;
      const open = await cases.findOpenByPhone(phone);
      return open[0] ? { trackingNumber: open[0].trackingNumber } : null;
    },

    async lookupCase(trackingNumber) {
      if (!isValidTrackingNumber(trackingNumber)) return null;
      const found = await cases.findByTrackingNumber(trackingNumber);
      return found ? { status: found.status, updatedAt: found.updatedAt } : null;
    },

    async createVoiceboxCase({ callUniqueId, caller, category, district, recordingName }) {
      const call = await calls.findByUniqueId(callUniqueId);
      const recording = recordingName
        ? await importRecording(deps.stored, deps.recordings, recordingName, `voicebox-${callUniqueId}`, logger)
        : null;
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
    },

    async saveProgress(callUniqueId, view: IvrStateView) {
      await calls.update(callUniqueId, { ivrPath: view.path, category: view.category, district: view.district });
    },

    async finish(callUniqueId, { queued, view, endedAt }) {
      const call = await calls.findByUniqueId(callUniqueId);
      if (!call) return;
      const outcome = queued
        ? 'queued'
        : call.caseId
          ? 'voicebox'
          : view.path.some((p) => p.startsWith('followup'))
            ? 'followup'
            : 'hangup';
      await calls.update(callUniqueId, {
        ivrPath: view.path,
        category: view.category,
        district: view.district,
        outcome,
        queue: queued,
        ...(endedAt ? { endedAt } : {}),
      });
    },
  };
}
