import { describe, expect, it } from 'vitest';
import { outboundCallOfChannel, outboundChannelId, outboundIdOfChannel, surveyCommentOf } from './outbound-channel.js';

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

describe('surveyCommentOf', () => {
  const id = '0b7e1c2a-9f3d-4c1e-8a2b-3c4d5e6f7a8b';
  it('finds the survey and the channel in the name a survey call gives its comment', () => {
    const channelId = outboundChannelId('survey', id, 1796200000000);
    // The name surveyRecordingName (adapters/ari/survey-call.ts) gives it.
    expect(surveyCommentOf(`hotline-survey-${channelId}-survey-comment`)).toEqual({ channelId, surveyId: id });
  });
  it('knows no other file', () => {
    expect(surveyCommentOf(`hotline-survey-callback-${id}-1-survey-comment`)).toBeNull();
    expect(surveyCommentOf('hotline-voicebox/20261202161510-1-0912-none-none-x')).toBeNull();
    expect(surveyCommentOf(`hotline-survey-survey-${id}-survey-comment`)).toBeNull();
  });
});
