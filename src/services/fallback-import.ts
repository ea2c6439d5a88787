import type { Logger } from 'pino';
import type { StoredRecordings } from '../adapters/ari/stored-recordings.js';
import type { RecordingStore } from '../adapters/db/recording-store.js';
import type { CallRepo, CaseRepo } from '../domain/cases/ports.js';
import { normalizePhone } from '../domain/phone.js';
import { importRecording } from './recording-import.js';

export const FALLBACK_PREFIX = 'hotline-fallback/';

export interface FallbackMessage {
  storedName: string;
  recordedAt: Date;
  uniqueId: string;
  caller: string | null;
}

/**
 * Parses the name the dialplan fallback gives a message:
 * `hotline-fallback/<YYYYmmddHHMMSS UTC>-<uniqueid>-<caller digits | unknown>`.
 */
export function parseFallbackName(storedName: string): FallbackMessage | null {
  if (!storedName.startsWith(FALLBACK_PREFIX)) return null;
  // The uniqueid is whatever stands between the time and the last dash: Asterisk's own
  // ids are digits and dots, but channels created over ARI may carry any id.
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})-([A-Za-z0-9._-]+)-(\d+|unknown)$/.exec(
    storedName.slice(FALLBACK_PREFIX.length),
  );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, uniqueId, caller] = m;
  const recordedAt = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!));
  // Date.UTC rolls impossible fields over (month 13 → next year): refuse those.
  if (recordedAt.toISOString().replace(/[-:T]/g, '').slice(0, 14) !== `${y}${mo}${d}${h}${mi}${s}`) return null;
  return {
    storedName,
    recordedAt,
    uniqueId: uniqueId!,
    caller: caller === 'unknown' ? null : caller!,
  };
}

/** The name the dialplan fallback would give a message of this call (see parseFallbackName). */
export function fallbackName(at: Date, uniqueId: string, caller: string | null): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const digits = (caller ?? '').replace(/\D/g, '') || 'unknown';
  return `${FALLBACK_PREFIX}${stamp}-${uniqueId}-${digits}`;
}

/**
 * Turns voice messages the dialplan recorded while the engine was down into cases.
 * Idempotent: the call row is keyed by the Asterisk uniqueid and the case by the call,
 * so an import interrupted half-way is simply done again.
 */
export async function importFallbackMessages(deps: {
  stored: StoredRecordings;
  recordings: RecordingStore;
  cases: CaseRepo;
  calls: CallRepo;
  /** True while the call that is recording the message is still up (its file is not final). */
  isCallActive: (uniqueId: string) => Promise<boolean>;
  logger: Logger;
}): Promise<number> {
  const { stored, logger } = deps;
  const names = await stored.list();
  let imported = 0;
  for (const name of names) {
    const message = parseFallbackName(name);
    if (!message) continue;
    try {
      if (await deps.isCallActive(message.uniqueId)) continue;
      const call = await deps.calls.start({
        uniqueId: message.uniqueId,
        caller: message.caller ? (normalizePhone(message.caller) ?? message.caller) : null,
        startedAt: message.recordedAt,
      });
      const recording = await importRecording(stored, deps.recordings, name, `fallback-${message.uniqueId}`, logger);
      if (!recording) continue;
      const created = await deps.cases.create({
        channel: 'voicebox',
        callerPhone: message.caller ? normalizePhone(message.caller) : null,
        recording,
        callId: call.id,
        actor: 'fallback-import',
        description: 'Voice message recorded by the dialplan while the engine was unavailable',
      });
      await deps.calls.update(message.uniqueId, {
        outcome: 'fallback_voicebox',
        caseId: created.id,
        endedAt: call.endedAt ?? message.recordedAt,
      });
      await stored.remove(name);
      imported++;
      logger.info({ trackingNumber: created.trackingNumber, storedName: name }, 'fallback voice message imported');
    } catch (err) {
      logger.error({ err: (err as Error).message, storedName: name }, 'fallback voice message not imported yet');
    }
  }
  return imported;
}
