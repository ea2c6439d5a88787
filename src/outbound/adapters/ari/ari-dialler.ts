import type { AmiClient } from '../../../adapters/ami/ami-client.js';
import type { AriConnection } from '../../../adapters/ari/ari-connection.js';
import type { DiallerConfig } from '../../../config.js';
import { outboundChannelId, type OutboundFlow } from '../../domain/outbound-channel.js';
import type { CallbackDialler, SurveyDialler } from '../../ports.js';

/**
 * Calls a citizen over ARI into the `hotline` Stasis app's outbound `flow` for request
 * `id`, through HOTLINE_DIAL_TEMPLATE with the hotline's caller ID.
 */
export async function originateFlow(
  deps: DiallerDeps,
  call: { phone: string; flow: OutboundFlow; id: string },
): Promise<void> {
  const digits = call.phone.replace(/[^0-9+]/g, '');
  const endpoint = deps.config.endpointTemplate.replace('{number}', digits);
  const params = {
    endpoint,
    // A Local channel (a test line, or a dialplan context that picks the trunk) offers
    // every format unless told, and gets slin192: each 8 kHz prompt frame resampled
    // 24-fold. A SIP trunk negotiates its own codecs, so only Local is pinned.
    ...(endpoint.startsWith('Local/') ? { formats: 'slin' } : {}),
    app: 'hotline',
    appArgs: `${call.flow},${call.id}`,
    channelId: outboundChannelId(call.flow, call.id),
    callerId: deps.config.callerId,
    timeout: 45,
  };
  const client = deps.ari.client;
  if (client) {
    await client.channels.originate(params);
    return;
  }
  // A standby engine (not the ARI lease holder) has no ARI app of its own: it originates
  // over plain ARI HTTP into the `hotline` app, whose holder then drives the call.
  if (!deps.overHttp) throw new Error('ARI is not connected');
  await deps.ari.rest.originate(params);
}

/** What the dialler needs: the ARI connection, and whether to originate over plain ARI HTTP when it owns no app (a standby pair). */
export interface DiallerDeps {
  ari: AriConnection;
  config: DiallerConfig;
  overHttp?: boolean;
}

/**
 * Places callback calls over ARI into the `hotline` Stasis app (appArgs name the flow),
 * and asks app_queue over AMI whether an agent is free.
 */
export function createAriDialler(deps: DiallerDeps & { ami: AmiClient }): CallbackDialler {
  return {
    originate: ({ phone, callbackId }) => originateFlow(deps, { phone, flow: 'callback', id: callbackId }),
    async availableAgents(queue) {
      const events = await deps.ami.listAction({ action: 'QueueSummary', queue });
      const summary = events.find((e) => String(e.event).toLowerCase() === 'queuesummary' && e.queue === queue);
      return Number(summary?.available ?? 0) || 0;
    },
  };
}

/** Survey calls over ARI: through the outbound trunk into the `hotline` app's `survey` flow. */
export function createAriSurveyDialler(deps: DiallerDeps): SurveyDialler {
  return {
    originate: ({ phone, surveyId }) => originateFlow(deps, { phone, flow: 'survey', id: surveyId }),
  };
}
