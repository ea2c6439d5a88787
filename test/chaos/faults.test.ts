import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosBed, SCALE } from './harness/chaos-bed.js';
import { reportFigures } from './harness/figures.js';
import { messagesKept } from './harness/kept.js';
import { eventTime, longestSilenceMs } from './harness/silence.js';
import {
  LONG_SPEECH,
  SHORT_SPEECH,
  callerAtRecording,
  callersInMenu,
  finishMessage,
  hangUp,
  type Caller,
} from './harness/voicebox-caller.js';

/**
 * Issue 11's proof: faults injected into real processes — the engine as a child process
 * in its production form, a PostgreSQL and a Redis of the suite's own, a TCP proxy in
 * front of the shared Asterisk's ARI — while scripted citizens call the sandbox. Each
 * scenario prints its figures (calls, messages kept, longest silence, exit time) and
 * fails on any loss. `npm test` runs the short scale, `npm run chaos` the long one.
 */
const LONG = SCALE === 'long';
const N = {
  recording: LONG ? 5 : 2,
  menu: LONG ? 100 : 12,
  pgDownMs: LONG ? 60_000 : 15_000,
  pgFrozenMs: LONG ? 30_000 : 10_000,
  sigterm: LONG ? 20 : 5,
};
/** The promise: nobody waits in silence longer than this while an engine runs. */
const MAX_SILENCE_MS = 5_000;

let bed: ChaosBed;
/** Every caller who left a message, across scenarios: none may end up with a second case. */
const messageCallers: Caller[] = [];

beforeAll(async () => {
  bed = await ChaosBed.start();
});

afterAll(async () => {
  await bed?.dispose();
});

function silenceOf(callers: Caller[]): number {
  return Math.max(0, ...callers.map(({ call }) => longestSilenceMs(call, { down: bed.down })));
}

async function withHangUp<T>(callers: Caller[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await hangUp(callers);
  }
}

describe('engine crash (SIGKILL)', () => {
  it('keeps the messages of callers recording when the engine dies', async () => {
    const callers = await Promise.all(Array.from({ length: N.recording }, (_, i) => callerAtRecording(bed, i + 1)));
    messageCallers.push(...callers);
    await withHangUp(callers, async () => {
      const speaking = callers.map(({ call }) => call.speak(LONG_SPEECH).catch(() => undefined));
      // The citizens have been speaking a few seconds when the engine dies; they go on
      // talking for a few more and hang up while it is still down.
      await sleep(3_000);
      await bed.stopEngine('SIGKILL');
      await sleep(3_000);
      await hangUp(callers);
      await Promise.all(speaking);
    });
    await bed.startEngine();
    const { kept, problems } = await messagesKept(bed, callers, 60_000);
    const silence = silenceOf(callers);
    reportFigures({ scenario: 'SIGKILL mid-recording', calls: callers.length, messages: callers.length, kept, longestSilenceMs: silence }, SCALE);
    expect(problems).toEqual([]);
    expect(kept).toBe(callers.length);
    expect(silence).toBeLessThanOrEqual(MAX_SILENCE_MS);
  }, 240_000);

  it(`serves again, within 5 s of its return, ${N.menu} callers left in the IVR by a dead engine`, async () => {
    const callers = await callersInMenu(bed, N.menu);
    const returnMs = await withHangUp(callers, async () => {
      const killedAt = Date.now();
      await bed.stopEngine('SIGKILL');
      const engine = await bed.startEngine();
      // Each caller hears a new prompt from the returned engine (the welcome, then the menu).
      const heard = await Promise.all(
        callers.map(({ call }) =>
          call
            .waitFor((e) => e.type === 'PlaybackStarted' && eventTime(e) > killedAt, 30_000, true)
            .then((e) => eventTime(e) - engine.readyAt, () => Infinity),
        ),
      );
      return heard;
    });
    const worst = Math.max(0, ...returnMs);
    const served = returnMs.filter((ms) => ms <= MAX_SILENCE_MS).length;
    reportFigures(
      { scenario: `SIGKILL with ${callers.length} callers in the IVR`, calls: callers.length, messages: 0, kept: 0, longestSilenceMs: worst, extra: `served again within 5 s: ${served}/${callers.length}` },
      SCALE,
    );
    expect(served).toBe(callers.length);
    // Nobody recorded: a returned engine must not invent cases for these calls.
    const repos = await bed.repos();
    const cases = (await Promise.all(callers.map(({ phone }) => repos.cases.list({ phone })))).flat();
    expect(cases).toEqual([]);
  }, 300_000);
});

describe('ARI WebSocket cut for 3 s', () => {
  it('keeps the messages of callers recording across the cut, with no silence after it', async () => {
    const callers = await Promise.all(Array.from({ length: N.recording }, (_, i) => callerAtRecording(bed, i + 10)));
    messageCallers.push(...callers);
    await withHangUp(callers, async () => {
      const speaking = Promise.all(callers.map(({ call }) => call.speak(SHORT_SPEECH)));
      await sleep(1_500);
      bed.proxy.cut(3_000);
      await speaking;
      // The engine may still be reconnecting: a # it does not see ends the recording in
      // Asterisk all the same, and the engine must notice by itself.
      await Promise.all(callers.map(({ call }) => finishMessage(call)));
    });
    const { kept, problems } = await messagesKept(bed, callers, 60_000);
    const silence = silenceOf(callers);
    reportFigures({ scenario: 'ARI WebSocket cut 3 s mid-recording', calls: callers.length, messages: callers.length, kept, longestSilenceMs: silence }, SCALE);
    expect(problems).toEqual([]);
    expect(silence).toBeLessThanOrEqual(MAX_SILENCE_MS);
  }, 180_000);
});

for (const fault of ['stopped', 'frozen'] as const) {
  const outageMs = fault === 'stopped' ? N.pgDownMs : N.pgFrozenMs;
  describe(`PostgreSQL ${fault} for ${outageMs / 1000} s`, () => {
    it('keeps the messages left meanwhile, with their choices, and tells the callers so', async () => {
      const callers: Caller[] = [];
      const from = Date.now();
      if (fault === 'stopped') await bed.postgres.down();
      else await bed.postgres.freeze();
      const outage = sleep(outageMs).then(() => (fault === 'stopped' ? bed.postgres.up() : bed.postgres.thaw()));
      try {
        await Promise.all(
          Array.from({ length: N.recording }, async (_, i) => {
            const caller = await callerAtRecording(bed, i + 15);
            callers.push(caller);
            await caller.call.speak(SHORT_SPEECH);
            await finishMessage(caller.call);
          }),
        ).finally(() => hangUp(callers));
      } finally {
        await outage;
      }
      messageCallers.push(...callers);
      const duringOutage = Date.now() - from;
      const { kept, problems } = await messagesKept(bed, callers, 90_000);
      const silence = silenceOf(callers);
      const toldToCallAgain = callers.filter(({ call }) => call.promptsHeard.includes('technical-error')).length;
      reportFigures(
        { scenario: `PostgreSQL ${fault} ${outageMs / 1000} s`, calls: callers.length, messages: callers.length, kept, longestSilenceMs: silence, extra: `told to call again: ${toldToCallAgain}; calls took ${(duringOutage / 1000).toFixed(0)} s` },
        SCALE,
      );
      expect(problems).toEqual([]);
      expect(toldToCallAgain).toBe(0);
      expect(silence).toBeLessThanOrEqual(MAX_SILENCE_MS);
    }, 300_000);
  });
}

describe('SIGTERM with live streams open and callers in the IVR', () => {
  it('hands the callers to the dialplan, closes the streams and exits within its deadline; the fallback messages become cases', async () => {
    const stream = await fetch(`${bed.engine.url}/api/queues/stats/stream`, {
      headers: { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` },
    });
    expect(stream.status).toBe(200);
    const streamEnded = stream.body!.pipeTo(new WritableStream()).then(
      () => true,
      () => true,
    );
    const callers = await callersInMenu(bed, N.sigterm);
    messageCallers.push(...callers);
    const exitMs = await withHangUp(callers, async () => {
      const exit = await bed.stopEngine('SIGTERM');
      // Handed off: each caller leaves the engine for the fallback voicebox (the hotline
      // is closed by override in Asterisk too), speaks and hangs up.
      await Promise.all(
        callers.map(async ({ call }) => {
          await call.waitFor((e) => e.type === 'StasisEnd', 10_000);
          await call.waitFor((e) => e.type === 'ChannelDialplan' && e.dialplan_app === 'Record', 30_000);
          await call.speak(SHORT_SPEECH);
        }),
      );
      return exit;
    });
    const ended = await Promise.race([streamEnded, sleep(1_000).then(() => false)]);
    await bed.startEngine();
    const { kept, problems } = await messagesKept(bed, callers, 90_000);
    const silence = silenceOf(callers);
    reportFigures({ scenario: `SIGTERM, ${callers.length} callers in the IVR, 1 live stream`, calls: callers.length, messages: callers.length, kept, longestSilenceMs: silence, exitMs }, SCALE);
    expect(ended).toBe(true);
    expect(exitMs).toBeLessThan(20_000);
    expect(problems).toEqual([]);
  }, 300_000);
});

describe('after every fault', () => {
  it('holds each message exactly once', async () => {
    const repos = await bed.repos();
    const counts = await Promise.all(messageCallers.map(async ({ phone }) => (await repos.cases.list({ phone })).length));
    expect(counts.filter((n) => n !== 1)).toEqual([]);
  });
});
