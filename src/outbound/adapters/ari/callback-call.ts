import type { Channel, AriClient } from '../../../adapters/ari/ari-client.js';
import type { CallbackService } from '../../services/callback-service.js';

/** A callback goes ahead of callers who are only now joining: it kept its place. */
export const CALLBACK_QUEUE_PRIORITY = 10;
/** Longest the callback's greeting may take before the call goes on to the queue anyway. */
const CALLBACK_INTRO_MAX_MS = 30_000;

/**
 * The citizen answered our callback: greet them, then send the channel to wait in the
 * request's queue with priority.
 */
export async function runCallbackCall(
  client: AriClient,
  channel: Channel,
  callbackId: string,
  callbacks: Pick<CallbackService, 'answered' | 'connected'>,
): Promise<void> {
  const callback = await callbacks.answered(callbackId, channel.id);
  if (!callback) {
    await client.channels.hangup({ channelId: channel.id }).catch(() => undefined);
    return;
  }
  // Bounded: a PlaybackFinished lost in a WebSocket drop must not keep the citizen
  // (and this listener) waiting; past the bound the call goes on to the queue.
  const played = new Promise<void>((resolve) => {
    const playbackId = `callback-intro-${channel.id}`;
    const over = () => {
      clearTimeout(bound);
      client.removeListener('PlaybackFinished', done);
      resolve();
    };
    const done = (_e: unknown, playback: { id: string }) => {
      if (playback.id === playbackId) over();
    };
    const bound = setTimeout(over, CALLBACK_INTRO_MAX_MS);
    client.on('PlaybackFinished', done);
    client.channels.play({ channelId: channel.id, media: 'sound:callback-intro', playbackId, lang: 'fa' }).catch(over);
  });
  await played;
  const variables: Record<string, string> = {
    HOTLINE_CALL_ID: channel.id,
    HOTLINE_QUEUE: callback.queue,
    HOTLINE_CALLBACK_ID: callback.id,
    QUEUE_PRIO: String(CALLBACK_QUEUE_PRIORITY),
  };
  for (const [variable, value] of Object.entries(variables)) {
    await client.channels.setChannelVar({ channelId: channel.id, variable, value });
  }
  // Leaving Stasis ends the app's implicit subscription to the channel; an explicit
  // one keeps its ChannelDestroyed (with the cause) coming, so the attempt is closed
  // and the outbound slot it holds is given back when the conversation ends.
  await client.applications.subscribe({ applicationName: 'hotline', eventSource: `channel:${channel.id}` });
  await client.channels.continueInDialplan({ channelId: channel.id, context: 'hotline-queue', extension: callback.queue, priority: 1 });
  await callbacks.connected(callback);
}
