import type { Logger } from 'pino';
import type { StoredRecordings } from '../adapters/ari/stored-recordings.js';
import type { RecordingStore } from '../adapters/db/recording-store.js';
import type { CallRepo, CaseRepo } from '../domain/cases/ports.js';
import { normalizePhone } from '../domain/phone.js';
import { newestTakes, parseVoiceboxName, type KeptMessage } from '../domain/ivr/kept-message.js';
import { importRecording } from './recording-import.js';
import { eachWithLimit } from '../domain/concurrency.js';

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

/** A message left in Asterisk for the importer, from whichever way it was recorded. */
interface LeftMessage {
  storedName: string;
  message: KeptMessage;
  /** Who recorded it: the dialplan fallback (engine down) or the engine's IVR (it died or lost its database). */
  source: 'fallback' | 'voicebox';
}

/**
 * Takes named by engines before the choices went into the name:
 * `hotline-voicebox-<channel id, [^A-Za-z0-9_-] as '_'>-voicebox-<n>`. Only the IVR's
 * saved progress on the call row can tell their choices.
 */
const LEGACY_VOICEBOX = /^hotline-voicebox-([A-Za-z0-9_-]+)-voicebox-(\d{1,3})$/;

function legacyCallId(safe: string): string {
  // An Asterisk uniqueid (1796214989.123, or node-b-1796214989.123 from a node with a
  // systemname) lost its dot to the old naming.
  return /^(?:[A-Za-z0-9-]+-)?\d+_\d+$/.test(safe) ? safe.replace(/_(\d+)$/, '.$1') : safe;
}

/** The messages among Asterisk's stored recordings, with what their names say. */
export function leftMessages(names: string[], now: Date): LeftMessage[] {
  const found: LeftMessage[] = [];
  for (const storedName of names) {
    const legacy = LEGACY_VOICEBOX.exec(storedName);
    if (legacy) {
      const message = { recordedAt: now, take: Number(legacy[2]), callId: legacyCallId(legacy[1]!), caller: null, category: null, district: null };
      found.push({ storedName, message, source: 'voicebox' });
      continue;
    }
    const kept = parseVoiceboxName(storedName);
    if (kept) {
      found.push({ storedName, message: kept, source: 'voicebox' });
      continue;
    }
    const fallback = parseFallbackName(storedName);
    if (fallback) {
      const { recordedAt, uniqueId: callId, caller } = fallback;
      found.push({ storedName, message: { recordedAt, take: 1, callId, caller, category: null, district: null }, source: 'fallback' });
    }
  }
  return found;
}

/**
 * Turns voice messages nobody made a case of yet into cases: those the dialplan recorded
 * while the engine was down (`hotline-fallback/`), and those the IVR recorded when the
 * engine died or its database failed (`hotline-voicebox/`, their names carrying the
 * caller's category and district). Run at start and periodically.
 * Idempotent: the call row is keyed by the Asterisk uniqueid and the case by the call,
 * so an import interrupted half-way is simply done again. A file is removed only once a
 * case holds its audio; one that cannot be downloaded waits for the next run.
 */
export async function importFallbackMessages(deps: {
  stored: StoredRecordings;
  recordings: RecordingStore;
  cases: CaseRepo;
  calls: CallRepo;
  /** True while the call that is recording the message is still up (its file is not final). */
  isCallActive: (uniqueId: string) => Promise<boolean>;
  logger: Logger;
  /** The time a message whose name has none is taken to be from. */
  now: () => Date;
  retryDelayMs?: number;
}): Promise<number> {
  const { stored, logger } = deps;
  const { keep, superseded } = newestTakes(leftMessages(await stored.list(), deps.now()));
  let imported = 0;
  // A few at a time: one slow download (retried for seconds) must not hold up the
  // hundreds of messages a long outage can leave. Each call has one take in `keep`, so
  // no two lanes touch the same call.
  await eachWithLimit(keep, IMPORT_CONCURRENCY, async (left) => {
    const { message, storedName } = left;
    const earlierTakes = superseded.filter((s) => s.message.callId === message.callId).map((s) => s.storedName);
    try {
      if (await deps.isCallActive(message.callId)) return;
      const call = await deps.calls.start({
        uniqueId: message.callId,
        caller: message.caller ? (normalizePhone(message.caller) ?? message.caller) : null,
        startedAt: message.recordedAt,
      });
      const callerPhone = message.caller ? normalizePhone(message.caller) : call.caller;
      // What the IVR saved of the call before it was cut off counts where the name is silent.
      const category = message.category ?? call.category ?? null;
      const district = message.district ?? call.district ?? null;
      if (!call.caseId) {
        const fetched = await importRecording(stored, deps.recordings, storedName, `${left.source}-${message.callId}`, logger, {
          callOver: true,
          ...(deps.retryDelayMs !== undefined ? { retryDelayMs: deps.retryDelayMs } : {}),
        });
        if (fetched.kind === 'failed') return;
        if (fetched.kind === 'empty') {
          // The caller hung up before saying anything: no message, and fetching it again at
          // every sweep would only slow the imports of real ones.
          for (const name of [storedName, ...earlierTakes]) await stored.remove(name);
          logger.info({ storedName }, 'empty voice message dropped');
          return;
        }
        const recording = fetched.key;
        const created = await deps.cases.create({
          channel: 'voicebox',
          category,
          district,
          callerPhone,
          recording,
          callId: call.id,
          actor: 'fallback-import',
          description:
            left.source === 'fallback'
              ? 'Voice message recorded by the dialplan while the engine was unavailable'
              : 'Voice message kept by the IVR and imported after a fault (engine or database)',
        });
        await deps.calls.update(message.callId, {
          outcome: left.source === 'fallback' ? 'fallback_voicebox' : 'voicebox',
          caseId: created.id,
          category,
          district,
          endedAt: call.endedAt ?? message.recordedAt,
        });
        imported++;
        logger.info({ trackingNumber: created.trackingNumber, storedName }, 'voice message imported');
      }
      // The call has its case (now, or from the IVR before it failed): the files are done.
      for (const name of [storedName, ...earlierTakes]) await stored.remove(name);
    } catch (err) {
      logger.error({ err: (err as Error).message, storedName }, 'voice message not imported yet');
    }
  });
  return imported;
}

/** Messages imported side by side. */
const IMPORT_CONCURRENCY = 4;

