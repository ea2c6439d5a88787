import { describe, expect, it } from 'vitest';
import { AriRequestError, createAriRest } from '../../src/adapters/ari/ari-rest.js';

/**
 * The call path's kept-alive ARI client against the sandbox's Asterisk: its answers and
 * refusals read as ari-client's did (a gone channel is a 404 saying "not found", which
 * the call session treats as over), and one connection serves request after request.
 */
const opts = { url: process.env.ARI_URL ?? 'http://127.0.0.1:8088', user: process.env.ARI_USER ?? 'hotline', password: process.env.ARI_PASSWORD ?? '' };

describe('the kept-alive ARI client', () => {
  it('reports a gone channel as 404 "not found", and a wrong password as 401', async () => {
    const rest = createAriRest(opts);
    try {
      const gone = await rest.channels.hangup({ channelId: 'no-such-channel' }).catch((err: unknown) => err);
      expect(gone).toBeInstanceOf(AriRequestError);
      expect((gone as AriRequestError).statusCode).toBe(404);
      expect((gone as Error).message).toMatch(/not found/i);
      const probe = await rest.playbacks.get({ playbackId: 'no-such-playback' }).catch((err: Error) => err.message);
      expect(probe).toMatch(/^404 /);
    } finally {
      rest.close();
    }
    const wrong = createAriRest({ ...opts, password: `${opts.password}-wrong` });
    try {
      const refused = await wrong.channels.get({ channelId: 'any' }).catch((err: unknown) => err);
      expect((refused as AriRequestError).statusCode).toBe(401);
    } finally {
      wrong.close();
    }
  });

  it('sends a hundred requests, twenty at a time, over a handful of connections', async () => {
    const rest = createAriRest(opts);
    try {
      for (let round = 0; round < 5; round++) {
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) => rest.recordings.getLive({ recordingName: `none-${round}-${i}` }).catch((err: AriRequestError) => err.statusCode)),
        );
        expect(answers).toEqual(Array(20).fill(404));
      }
      // ari-client opened one connection per request; Asterisk counts each against its sessionlimit.
      expect(rest.connectionsOpened()).toBeGreaterThan(0);
      expect(rest.connectionsOpened()).toBeLessThanOrEqual(20);
    } finally {
      rest.close();
    }
  });
});
