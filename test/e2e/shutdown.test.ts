import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomMobile } from '../helpers/call-rows.js';
import { CitizenLine, type AriEvent } from '../helpers/citizen.js';
import { spawnEngine, waitHealthy, type EngineProcess } from '../helpers/engine-process.js';

const DEADLINE_MS = 15_000;

/**
 * SIGTERM on the production engine process (as an orchestrator or `npm start`'s Ctrl-C
 * sends it) with a supervisor's live page open and a citizen in the IVR: the caller is
 * handed to the dialplan fallback, the stream is ended, and the process exits cleanly
 * well within the deadline.
 */
describe('SIGTERM with a live stream open and a caller in the IVR', () => {
  let engine: EngineProcess;
  let line: CitizenLine;

  beforeAll(async () => {
    line = await CitizenLine.connect();
    engine = await spawnEngine(['--import', 'tsx', 'src/main.ts'], { SHUTDOWN_DEADLINE_MS: String(DEADLINE_MS) });
    await waitHealthy(engine.url, 30_000);
  });

  afterAll(async () => {
    line?.close();
    await engine?.cleanup();
  });

  it('hands the caller to the dialplan, ends the stream and exits within the deadline', async () => {
    const abort = new AbortController();
    const stream = await fetch(`${engine.url}/api/queues/stats/stream`, {
      headers: { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` },
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read(); // the first `stats` event: the stream is live

    const call = await line.dial(randomMobile('0936'));
    try {
      await call.waitForPrompt('main-menu');
      const handedOff = call.waitFor(
        (e: AriEvent) =>
          e.type === 'ChannelDialplan' &&
          e.channel?.id === call.hotlineId &&
          (e.channel as { dialplan?: { context?: string } }).dialplan?.context === 'hotline-fallback',
        DEADLINE_MS,
        false,
      );
      const streamEnded = (async () => {
        for (;;) if ((await reader.read()).done) return true;
      })();

      const sentAt = Date.now();
      engine.child.kill('SIGTERM');
      const exit = await engine.exited;

      expect(exit.code, engine.output()).toBe(0);
      expect(exit.at - sentAt).toBeLessThan(DEADLINE_MS);
      await expect(streamEnded).resolves.toBe(true);
      await expect(handedOff).resolves.toBeDefined();
      console.log(`[shutdown] SIGTERM → exit in ${exit.at - sentAt} ms; caller handed to hotline-fallback`);
    } finally {
      abort.abort();
      await call.hangup().catch(() => undefined);
      call.dispose();
    }
  });
});
