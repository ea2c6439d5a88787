import type { AriConnection } from '../ari/ari-connection.js';
import type { DiallerConfig } from '../../config.js';
import type { SurveyDialler } from './survey-jobs.js';

/** Survey calls over ARI: through the outbound trunk into the `hotline` app's `survey` flow. */
export function createAriSurveyDialler(deps: { ari: AriConnection; config: DiallerConfig }): SurveyDialler {
  return {
    async originate({ phone, surveyId }) {
      const client = deps.ari.client;
      if (!client) throw new Error('ARI is not connected');
      const digits = phone.replace(/[^0-9+]/g, '');
      await client.channels.originate({
        endpoint: deps.config.endpointTemplate.replace('{number}', digits),
        app: 'hotline',
        appArgs: `survey,${surveyId}`,
        callerId: deps.config.callerId,
        timeout: 45,
      });
    },
  };
}
