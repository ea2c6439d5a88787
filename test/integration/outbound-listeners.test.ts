/**
 * Outbound flows never keep listeners on the ARI client for a call whose end event was
 * missed: the survey call is bounded by its longest duration. Runs on the real ARI
 * client of the sandbox (under the Asterisk lock), on a Stasis app name of its own.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Channel } from 'ari-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AriConnection } from '../../src/adapters/ari/ari-connection.js';
import { runSurveyCall } from '../../src/outbound/adapters/ari/survey-call.js';
import type { SurveyResult, SurveyState } from '../../src/outbound/domain/survey-flow.js';
import { loadConfig } from '../../src/config.js';
import { capturingLogger } from '../helpers/http-app.js';

const EVENTS = ['ChannelDtmfReceived', 'PlaybackFinished', 'RecordingFinished', 'RecordingFailed', 'StasisEnd'];
const WED_1200 = new Date('2026-04-29T08:30:00Z');
let ari: AriConnection;

beforeAll(async () => {
  const config = loadConfig({ ...process.env, PORT: '0' });
  const { logger } = capturingLogger();
  ari = new AriConnection({ ...config.ari, app: `hotline-listeners-${randomUUID().slice(0, 8)}`, logger });
  ari.start();
  await ari.waitConnected(20_000);
});

afterAll(async () => {
  await ari?.close();
});

describe('a survey call whose end event never comes', () => {
  it('is ended after its longest duration, and leaves no listener on the ARI client', async () => {
    const client = ari.client!;
    const events = client as unknown as EventEmitter;
    const count = () => EVENTS.map((name) => events.listenerCount(name));
    const before = count();
    const { logger, lines } = capturingLogger();
    const ended: { result: SurveyResult; state: SurveyState }[] = [];

    // A channel Asterisk does not have: its prompts fail (taken as played), and no
    // StasisEnd will ever come for it, as when the event is lost in a WebSocket drop.
    const channel = { id: `survey-${randomUUID()}-1` } as Channel;
    const call = runSurveyCall(client, channel, {
      survey: { trackingNumber: '1234567894', category: 'streets_lighting' },
      now: () => WED_1200,
      logger,
      onEnded: async (result, state) => {
        ended.push({ result, state });
      },
      maxCallMs: 1_000,
    });
    expect(count()).toEqual(before.map((n) => n + 1));

    await call;
    expect(count()).toEqual(before);
    expect(ended).toHaveLength(1);
    expect(ended[0]!.state.path).toContain('hangup');
    expect(lines.some((l) => /outlived its longest duration/.test(l))).toBe(true);
  });
});
