import type { AmiClient } from '../ami/ami-client.js';
import type { AriConnection } from '../ari/ari-connection.js';
import type { DiallerConfig } from '../../config.js';
import type { Dialler } from './callback-jobs.js';

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

/**
 * Calls a citizen over ARI into the `hotline` Stasis app's outbound `flow` for request
 * `id`, through HOTLINE_DIAL_TEMPLATE with the hotline's caller ID.
 */
export async function originateFlow(
  deps: { ari: AriConnection; config: DiallerConfig },
  call: { phone: string; flow: OutboundFlow; id: string },
): Promise<void> {
  const client = deps.ari.client;
  if (!client) throw new Error('ARI is not connected');
  const digits = call.phone.replace(/[^0-9+]/g, '');
  await client.channels.originate({
    endpoint: deps.config.endpointTemplate.replace('{number}', digits),
    app: 'hotline',
    appArgs: `${call.flow},${call.id}`,
    channelId: outboundChannelId(call.flow, call.id),
    callerId: deps.config.callerId,
    timeout: 45,
  });
}

/**
 * Places outbound calls over ARI into the `hotline` Stasis app (appArgs name the flow),
 * and asks app_queue over AMI whether an agent is free.
 */
export function createAriDialler(deps: { ari: AriConnection; ami: AmiClient; config: DiallerConfig }): Dialler {
  return {
    originate: ({ phone, callbackId }) => originateFlow(deps, { phone, flow: 'callback', id: callbackId }),
    async availableAgents(queue) {
      const events = await deps.ami.listAction({ action: 'QueueSummary', queue });
      const summary = events.find((e) => String(e.event).toLowerCase() === 'queuesummary' && e.queue === queue);
      return Number(summary?.available ?? 0) || 0;
    },
  };
}
