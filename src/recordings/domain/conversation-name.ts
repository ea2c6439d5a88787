/**
 * The name a recorded conversation has in Asterisk's recording folder (ARI stored
 * recordings): `hotline-conversation/<UTC yyyymmddHHMMSS>-<call id>-<caller channel's uniqueid>`.
 * It carries everything the importer needs to tie the file to its call after a crash,
 * without the engine having kept anything about it.
 */
export const CONVERSATION_PREFIX = 'hotline-conversation/';

export interface ConversationFile {
  storedName: string;
  startedAt: Date;
  callId: string;
  uniqueId: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const NAME = new RegExp(`^(\\d{4})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(\\d{2})-(${UUID})-([A-Za-z0-9._-]{1,100})$`);

function stamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export function conversationName(input: { startedAt: Date; callId: string; uniqueId: string }): string {
  const uniqueId = input.uniqueId.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${CONVERSATION_PREFIX}${stamp(input.startedAt)}-${input.callId}-${uniqueId}`;
}

export function parseConversationName(storedName: string): ConversationFile | null {
  if (!storedName.startsWith(CONVERSATION_PREFIX)) return null;
  const m = NAME.exec(storedName.slice(CONVERSATION_PREFIX.length));
  if (!m) return null;
  const [, y, mo, d, h, mi, s, callId, uniqueId] = m;
  const startedAt = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!));
  if (stamp(startedAt) !== `${y}${mo}${d}${h}${mi}${s}`) return null;
  return { storedName, startedAt, callId: callId!, uniqueId: uniqueId! };
}

/** The key the engine's store keeps a conversation under (one per call). */
export function conversationKey(callId: string): string {
  return `conversation-${callId}.wav`;
}
