/**
 * The name a voice message is recorded under in Asterisk carries the IVR's choices, so
 * the message keeps them with the call itself: an engine killed mid-recording, or a
 * database down when the case was to be created, leaves a file the importer can turn
 * into the same case later, with its caller, category and district.
 *
 *   hotline-voicebox/<UTC YYYYmmddHHMMSS>-<take>-<caller digits|unknown>-<category|none>-<district|none>-<call id>
 *
 * The call id (the channel's id, the call row's key) comes last: it may hold dashes and
 * dots. Anything else outside [A-Za-z0-9._-] becomes '_' (Asterisk file names).
 */
import { CATEGORY_IDS, isDistrict, type CaseCategory } from '../cases/case.js';

export const VOICEBOX_FOLDER = 'hotline-voicebox/';

export interface KeptMessage {
  recordedAt: Date;
  /** The take of this call (1 = first recording; "record again" makes 2…). */
  take: number;
  callId: string;
  caller: string | null;
  category: CaseCategory | null;
  district: number | null;
}

export function voiceboxName(m: KeptMessage): string {
  const stamp = m.recordedAt.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const caller = (m.caller ?? '').replace(/\D/g, '') || 'unknown';
  const district = m.district === null ? 'none' : String(m.district);
  return `${VOICEBOX_FOLDER}${stamp}-${m.take}-${caller}-${m.category ?? 'none'}-${district}-${safeCallId(m.callId)}`;
}

/** The call id as it appears in a recording's name. */
export function safeCallId(callId: string): string {
  return callId.replace(/[^A-Za-z0-9._-]/g, '_');
}

const NAME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})-(\d{1,3})-(\d{1,20}|unknown)-([a-z_]+)-(\d{1,2}|none)-([A-Za-z0-9._-]+)$/;

/** The message's choices, or null for any other name (or one that was tampered with). */
export function parseVoiceboxName(storedName: string): KeptMessage | null {
  if (!storedName.startsWith(VOICEBOX_FOLDER)) return null;
  const m = NAME.exec(storedName.slice(VOICEBOX_FOLDER.length));
  if (!m) return null;
  const [, y, mo, d, h, mi, s, take, caller, category, district, callId] = m;
  const recordedAt = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!));
  // Date.UTC rolls impossible fields over (month 13 → next year): refuse those.
  if (recordedAt.toISOString().replace(/[-:T]/g, '').slice(0, 14) !== `${y}${mo}${d}${h}${mi}${s}`) return null;
  const knownCategory = CATEGORY_IDS.find((id) => id === category) ?? null;
  if (category !== 'none' && !knownCategory) return null;
  const districtNumber = district === 'none' ? null : Number(district);
  if (districtNumber !== null && !isDistrict(districtNumber)) return null;
  if (callId === '.' || callId === '..') return null;
  return {
    recordedAt,
    take: Number(take),
    callId: callId!,
    caller: caller === 'unknown' ? null : caller!,
    category: knownCategory,
    district: districtNumber,
  };
}

/**
 * Of the takes a call left behind, the one to keep: the newest ("record again" replaced
 * the earlier ones). The others are only dropped once the kept one is a case.
 */
export function newestTakes<T extends { message: KeptMessage }>(found: T[]): { keep: T[]; superseded: T[] } {
  const newest = new Map<string, T>();
  for (const item of found) {
    const seen = newest.get(item.message.callId);
    if (!seen || item.message.take > seen.message.take) newest.set(item.message.callId, item);
  }
  const keep = [...newest.values()];
  return { keep, superseded: found.filter((item) => !keep.includes(item)) };
}
