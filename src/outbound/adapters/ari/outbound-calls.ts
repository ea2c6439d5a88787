import type { Channel, AriClient } from '../../../adapters/ari/ari-client.js';
import type { Logger } from 'pino';
import type { AriConnection } from '../../../adapters/ari/ari-connection.js';
import { outboundCallOfChannel, outboundIdOfChannel, type OutboundFlow } from '../../domain/outbound-channel.js';
import type { CallbackService } from '../../services/callback-service.js';
import type { SurveyService } from '../../services/survey-service.js';
import { runCallbackCall } from './callback-call.js';
import { runSurveyCall } from './survey-call.js';

/** Runs an answered outbound call in the `hotline` Stasis app (its Stasis args after the flow's name). */
export type OutboundFlowHandler = (client: AriClient, channel: Channel, args: string[]) => Promise<void>;

/**
 * The ARI side of the calls the engine places: the Stasis flows of answered calls
 * (`survey`, `callback`), and every outbound channel's end (ChannelDestroyed, with the
 * Q.850 cause) reported to its service, answered or not.
 */
export function createOutboundCalls(deps: {
  /** Every node's ARI connection: an outbound call may run on any of them. */
  nodes: readonly { ari: AriConnection }[];
  surveys: Pick<SurveyService, 'callee' | 'onCallEnded'>;
  callbacks: Pick<CallbackService, 'answered' | 'connected' | 'onCallEnded'>;
  now: () => Date;
  logger: Logger;
}) {
  const { logger } = deps;
  const surveyLogger = logger.child({ component: 'surveys' });
  // Outbound channels that entered Stasis (answered): their ChannelDestroyed says so.
  const answeredChannels = new Set<string>();

  /** The citizen answered a survey call: ask the questions, then record the answers. */
  async function survey(client: AriClient, channel: Channel, surveyId: string): Promise<void> {
    const callee = await deps.surveys.callee(surveyId);
    if (!callee) {
      await client.channels.hangup({ channelId: channel.id }).catch(() => undefined);
      return;
    }
    await runSurveyCall(client, channel, {
      survey: callee,
      now: deps.now,
      logger: surveyLogger.child({ surveyId }),
      onEnded: async (result, _state, storedComment) => {
        // The answers are saved first, then the comment is imported from Asterisk under this name.
        await deps.surveys.onCallEnded({ surveyId, answered: true, cause: 16, result: { ...result, commentRecording: storedComment } });
      },
    });
  }

  const flows: Record<OutboundFlow, OutboundFlowHandler> = {
    callback: (client, channel, args) => {
      answeredChannels.add(channel.id);
      return runCallbackCall(client, channel, args[0] ?? '', deps.callbacks);
    },
    survey: (client, channel, args) => {
      answeredChannels.add(channel.id);
      return survey(client, channel, args[0] ?? '');
    },
  };

  const follow = (client: AriClient) => {
    client.on('ChannelDestroyed', (event: { cause?: number }, channel: Channel) => {
      const call = outboundCallOfChannel(channel.id);
      if (!call) return;
      const answered = answeredChannels.delete(channel.id);
      const cause = typeof event.cause === 'number' ? event.cause : null;
      if (call.flow === 'callback') {
        void deps.callbacks
          .onCallEnded({ callbackId: call.id, answered, cause })
          .catch((err: Error) => logger.warn({ err: err.message, callbackId: call.id }, 'callback attempt not recorded'));
      } else if (!answered) {
        // An answered survey reports its end (with the answers) from its flow.
        void deps.surveys
          .onCallEnded({ surveyId: call.id, answered: false, cause })
          .catch((err: Error) => logger.warn({ err: err.message, surveyId: call.id }, 'survey attempt not recorded'));
      }
    });
  };
  for (const node of deps.nodes) node.ari.on('client', follow);

  return {
    flows,
    /** Channels of our own outbound calls: after a restart they are hung up, not greeted as callers. */
    isOutboundChannel: (channelId: string): boolean => outboundCallOfChannel(channelId) !== null,
  };
}

/**
 * The sweeps' view of Asterisk: requests of `flow` whose channel is still up on a node
 * this engine is connected to; throws while none is. A node that is down took its
 * calls with it, so its requests count as ended and are tried again.
 */
export function liveOutboundCalls(nodes: readonly { ari: AriConnection }[], flow: OutboundFlow): () => Promise<ReadonlySet<string>> {
  return async () => {
    const clients = nodes.map((n) => n.ari.client).filter((c): c is AriClient => c !== undefined);
    if (clients.length === 0) throw new Error('ARI is not connected');
    const lists = await Promise.all(clients.map((c) => c.channels.list()));
    return new Set(lists.flat().map((c) => outboundIdOfChannel(flow, c.id)).filter((id): id is string => id !== null));
  };
}
