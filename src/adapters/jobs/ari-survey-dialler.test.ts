import { describe, expect, it } from 'vitest';
import { surveyChannelId, surveyIdOfChannel } from './ari-survey-dialler.js';

describe('survey channel ids', () => {
  const id = '6f1c2a9e-3b7d-4c1e-9a2b-0d4e5f6a7b8c';

  it('round-trips the survey id', () => {
    expect(surveyChannelId(id, 1714372200000)).toBe(`survey-${id}-1714372200000`);
    expect(surveyIdOfChannel(surveyChannelId(id))).toBe(id);
  });

  it.each(['1714372200.42', `callback-${id}-1`, `survey-${id}`, 'survey-not-a-uuid-1'])('is null for %s', (channelId) => {
    expect(surveyIdOfChannel(channelId)).toBeNull();
  });
});
