import type { AmiClient } from '../ami/ami-client.js';
import type { AriConnection } from '../ari/ari-connection.js';
import type { DiallerConfig } from '../../config.js';
import type { Dialler } from './callback-jobs.js';

/**
 * Places outbound calls over ARI into the `hotline` Stasis app (appArgs name the flow),
 * and asks app_queue over AMI whether an agent is free.
 */
export function createAriDialler(deps: { ari: AriConnection; ami: AmiClient; config: DiallerConfig }): Dialler {
  return {
    async originate({ phone, callbackId }) {
      const client = deps.ari.client;
      if (!client) throw new Error('ARI is not connected');
      const digits = phone.replace(/[^0-9+]/g, '');
      await client.channels.originate({
        endpoint: deps.config.endpointTemplate.replace('{number}', digits),
        app: 'hotline',
        appArgs: `callback,${callbackId}`,
        callerId: deps.config.callerId,
        timeout: 45,
      });
    },
    async availableAgents(queue) {
      const events = await deps.ami.listAction({ action: 'QueueSummary', queue });
      const summary = events.find((e) => String(e.event).toLowerCase() === 'queuesummary' && e.queue === queue);
      return Number(summary?.available ?? 0) || 0;
    },
  };
}
