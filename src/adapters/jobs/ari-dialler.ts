import type { AmiClient } from '../ami/ami-client.js';
import type { AriConnection } from '../ari/ari-connection.js';
import type { DiallerConfig } from '../../config.js';
import type { Dialler } from './callback-jobs.js';

/**
 * Calls a citizen over ARI into the `hotline` Stasis app's outbound `flow` (its first
 * appArg; `args` follow), through HOTLINE_DIAL_TEMPLATE with the hotline's caller ID.
 */
export async function originateFlow(
  deps: { ari: AriConnection; config: DiallerConfig },
  call: { phone: string; flow: string; args: string[]; channelId?: string },
): Promise<void> {
  const client = deps.ari.client;
  if (!client) throw new Error('ARI is not connected');
  const digits = call.phone.replace(/[^0-9+]/g, '');
  await client.channels.originate({
    endpoint: deps.config.endpointTemplate.replace('{number}', digits),
    app: 'hotline',
    appArgs: [call.flow, ...call.args].join(','),
    ...(call.channelId ? { channelId: call.channelId } : {}),
    callerId: deps.config.callerId,
    timeout: 45,
  });
}

const CALLBACK_CHANNEL_ID = /^callback-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-\d+$/i;

/** A callback call's channel names its request, so its unanswered end (with a cause) can be told apart. */
export function callbackChannelId(callbackId: string, at: number = Date.now()): string {
  return `callback-${callbackId}-${at}`;
}

/** The callback id of a channel this dialler originated; null for any other channel. */
export function callbackIdOfChannel(channelId: string): string | null {
  return CALLBACK_CHANNEL_ID.exec(channelId)?.[1] ?? null;
}

/**
 * Places outbound calls over ARI into the `hotline` Stasis app (appArgs name the flow),
 * and asks app_queue over AMI whether an agent is free.
 */
export function createAriDialler(deps: { ari: AriConnection; ami: AmiClient; config: DiallerConfig }): Dialler {
  return {
    originate: ({ phone, callbackId }) =>
      originateFlow(deps, { phone, flow: 'callback', args: [callbackId], channelId: callbackChannelId(callbackId) }),
    async availableAgents(queue) {
      const events = await deps.ami.listAction({ action: 'QueueSummary', queue });
      const summary = events.find((e) => String(e.event).toLowerCase() === 'queuesummary' && e.queue === queue);
      return Number(summary?.available ?? 0) || 0;
    },
  };
}
