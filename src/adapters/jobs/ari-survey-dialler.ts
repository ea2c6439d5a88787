import type { AriConnection } from '../ari/ari-connection.js';
import type { DiallerConfig } from '../../config.js';
import type { SurveyDialler } from './survey-jobs.js';
import { originateFlow } from './ari-dialler.js';

/** Survey calls over ARI: through the outbound trunk into the `hotline` app's `survey` flow. */
export function createAriSurveyDialler(deps: { ari: AriConnection; config: DiallerConfig }): SurveyDialler {
  return {
    originate: ({ phone, surveyId }) => originateFlow(deps, { phone, flow: 'survey', id: surveyId }),
  };
}
