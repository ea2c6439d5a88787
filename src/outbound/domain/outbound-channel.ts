/** The calls the engine places, each a flow of the `hotline` Stasis app (its first appArg). */
export const OUTBOUND_FLOWS = ['survey', 'callback'] as const;
export type OutboundFlow = (typeof OUTBOUND_FLOWS)[number];

const OUTBOUND_CHANNEL_ID = new RegExp(
  `^(${OUTBOUND_FLOWS.join('|')})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-\\d+$`,
  'i',
);

/**
 * An outbound call's channel names its flow and request: an unanswered call never
 * reaches StasisStart (whose args would say), but its ChannelDestroyed (with the hangup
 * cause) still comes to the app that originated it.
 */
export function outboundChannelId(flow: OutboundFlow, id: string, at: number = Date.now()): string {
  return `${flow}-${id}-${at}`;
}

/** The flow and request of a channel the engine originated; null for any other channel. */
export function outboundCallOfChannel(channelId: string): { flow: OutboundFlow; id: string } | null {
  const match = OUTBOUND_CHANNEL_ID.exec(channelId);
  return match ? { flow: match[1]!.toLowerCase() as OutboundFlow, id: match[2]! } : null;
}

/** The request id of a channel of `flow` the engine originated; null for any other channel. */
export function outboundIdOfChannel(flow: OutboundFlow, channelId: string): string | null {
  const call = outboundCallOfChannel(channelId);
  return call?.flow === flow ? call.id : null;
}

const SURVEY_COMMENT_NAME = /^hotline-survey-(survey-[0-9a-f-]{36}-\d+)-[A-Za-z0-9._-]+$/i;

/**
 * The survey call a voice comment stored in Asterisk belongs to, from its name
 * (`hotline-survey-<channel id>-<name>`, see surveyRecordingName); null for any other file.
 */
export function surveyCommentOf(storedName: string): { channelId: string; surveyId: string } | null {
  const match = SURVEY_COMMENT_NAME.exec(storedName);
  const surveyId = match ? outboundIdOfChannel('survey', match[1]!) : null;
  return surveyId ? { channelId: match![1]!, surveyId } : null;
}
