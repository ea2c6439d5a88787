import type { Ami, AmiMessage } from '../../../adapters/ami/ami-client.js';
import { NODE_FIELD } from '../../../adapters/ami/ami-nodes.js';
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
  /** The node to call from first (a callback's: where its queue has free agents). */
  preferred?: string,
): Promise<void> {
  const digits = call.phone.replace(/[^0-9+]/g, '');
  const endpoint = deps.config.endpointTemplate.replace('{number}', digits);
  const params: OriginateParams = {
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
  // Calls are spread over the nodes in turn; a node that fails the originate (down,
  // its trunk refusing) passes the call to the next one.
  const order = deps.nodes.turns.next(deps.nodes.list, preferred);
  let failure: Error = new Error('ARI is not connected');
  for (const node of order) {
    try {
      await originateOn(node.ari, params, deps.overHttp ?? false);
      return;
    } catch (err) {
      failure = err as Error;
    }
  }
  throw failure;
}

interface OriginateParams {
  endpoint: string;
  formats?: string;
  app: string;
  appArgs: string;
  channelId: string;
  callerId: string;
  timeout: number;
}

async function originateOn(ari: AriConnection, params: OriginateParams, overHttp: boolean): Promise<void> {
  const client = ari.client;
  if (client) {
    await client.channels.originate(params);
    return;
  }
  // A standby engine (not the ARI lease holder) has no ARI app of its own: it originates
  // over plain ARI HTTP into the `hotline` app, whose holder then drives the call.
  if (!overHttp) throw new Error('ARI is not connected');
  await ari.rest.originate({ ...params });
}

/** The Asterisk nodes calls may be placed from, in config order, with whose turn it is. */
export interface DiallerNodes {
  list: readonly { name: string; ari: AriConnection }[];
  turns: NodeTurns;
}

/** Round robin over the nodes; a preferred node goes first, then the others in turn. */
export class NodeTurns {
  private turn = 0;
  next<T extends { name: string }>(nodes: readonly T[], preferred?: string): T[] {
    const start = this.turn++ % Math.max(1, nodes.length);
    const order = [...nodes.slice(start), ...nodes.slice(0, start)];
    const first = order.findIndex((n) => n.name === preferred);
    return first > 0 ? [order[first]!, ...order.slice(0, first), ...order.slice(first + 1)] : order;
  }
}

export function diallerNodes(list: readonly { name: string; ari: AriConnection }[]): DiallerNodes {
  return { list, turns: new NodeTurns() };
}

/** What the dialler needs: the nodes' ARI connections, and whether to originate over plain ARI HTTP when it owns no app (a standby pair). */
export interface DiallerDeps {
  nodes: DiallerNodes;
  config: DiallerConfig;
  overHttp?: boolean;
}

/**
 * Places callback calls over ARI into the `hotline` Stasis app (appArgs name the flow),
 * and asks app_queue over AMI whether an agent is free.
 */
export function createAriDialler(deps: DiallerDeps & { ami: Ami }): CallbackDialler {
  return {
    async originate({ phone, callbackId, queue }) {
      // Several nodes: the callback is placed where the queue has a free agent, since a
      // caller in one node's queue is answered only by agents registered on that node.
      const preferred = queue && deps.nodes.list.length > 1 ? mostAvailable(await summaries(deps.ami, queue)) : undefined;
      await originateFlow(deps, { phone, flow: 'callback', id: callbackId }, preferred);
    },
    async availableAgents(queue) {
      return Math.max(0, ...(await summaries(deps.ami, queue)).map((s) => s.available));
    },
  };
}

/** Free agents of `queue` on each node (one entry with a single AMI). */
async function summaries(ami: Ami, queue: string): Promise<{ node: string | undefined; available: number }[]> {
  const events = await ami.listAction({ action: 'QueueSummary', queue });
  return events
    .filter((e: AmiMessage) => String(e.event).toLowerCase() === 'queuesummary' && e.queue === queue)
    .map((e) => ({ node: typeof e[NODE_FIELD] === 'string' ? e[NODE_FIELD] : undefined, available: Number(e.available ?? 0) || 0 }));
}

function mostAvailable(nodes: readonly { node: string | undefined; available: number }[]): string | undefined {
  const best = nodes.reduce<{ node: string | undefined; available: number } | undefined>((b, n) => (n.available > (b?.available ?? 0) ? n : b), undefined);
  return best?.node;
}

/** Survey calls over ARI: through the outbound trunk into the `hotline` app's `survey` flow. */
export function createAriSurveyDialler(deps: DiallerDeps): SurveyDialler {
  return {
    originate: ({ phone, surveyId }) => originateFlow(deps, { phone, flow: 'survey', id: surveyId }),
  };
}
