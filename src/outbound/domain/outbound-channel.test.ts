import { describe, expect, it } from 'vitest';
import { outboundCallOfChannel, outboundChannelId, outboundIdOfChannel } from './outbound-channel.js';

describe('outbound channel ids', () => {
  const id = '6f1c2a9e-3b7d-4c1e-9a2b-0d4e5f6a7b8c';
  const surveyIdOfChannel = (channelId: string) => outboundIdOfChannel('survey', channelId);

  it('round-trips the survey id', () => {
    expect(outboundChannelId('survey', id, 1714372200000)).toBe(`survey-${id}-1714372200000`);
    expect(surveyIdOfChannel(outboundChannelId('survey', id))).toBe(id);
  });

  it.each(['1714372200.42', `callback-${id}-1`, `survey-${id}`, 'survey-not-a-uuid-1'])('is null for %s', (channelId) => {
    expect(surveyIdOfChannel(channelId)).toBeNull();
  });

  it('tells a callback channel by its flow', () => {
    expect(outboundCallOfChannel(outboundChannelId('callback', id))).toEqual({ flow: 'callback', id });
    expect(outboundIdOfChannel('callback', `survey-${id}-1`)).toBeNull();
  });
});
