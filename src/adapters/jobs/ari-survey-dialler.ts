import type { AriConnection } from '../ari/ari-connection.js';
import type { DiallerConfig } from '../../config.js';
import type { SurveyDialler } from './survey-jobs.js';
import { originateFlow } from './ari-dialler.js';

const CHANNEL_ID = /^survey-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-\d+$/i;

/**
 * The channel id of a survey call names its survey: an unanswered call never reaches
 * StasisStart (whose args would say), but its ChannelDestroyed (with the hangup cause)
 * still comes to the app that originated it.
 */
export function surveyChannelId(surveyId: string, at: number = Date.now()): string {
  return `survey-${surveyId}-${at}`;
}

/** The survey id of a channel this dialler originated; null for any other channel. */
export function surveyIdOfChannel(channelId: string): string | null {
  return CHANNEL_ID.exec(channelId)?.[1] ?? null;
}

/** Survey calls over ARI: through the outbound trunk into the `hotline` app's `survey` flow. */
export function createAriSurveyDialler(deps: { ari: AriConnection; config: DiallerConfig }): SurveyDialler {
  return {
    originate: ({ phone, surveyId }) =>
      originateFlow(deps, { phone, flow: 'survey', args: [surveyId], channelId: surveyChannelId(surveyId) }),
  };
}
