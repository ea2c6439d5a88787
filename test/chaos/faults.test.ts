import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomMobile } from '../helpers/call-rows.js';
import type { AriEvent } from '../helpers/citizen.js';
import { TEST_CITIZENS_CONTEXT } from '../helpers/test-agents.js';
import { startWebhookServer } from '../helpers/webhook-server.js';
import { ChaosBed, SCALE } from './harness/chaos-bed.js';
import { reportFigures } from './harness/figures.js';
import { messagesKept } from './harness/kept.js';
import { until } from './harness/ports.js';
import { eventTime, longestSilenceMs } from './harness/silence.js';
import { answerSurvey, fileCase, surveyAtFirstQuestion, surveyState } from './harness/survey-callee.js';
import {
  PARKS,
  SHORT_SPEECH,
  callerAtRecording,
  callersInMenu,
  hangUp,
  speakAndKeep,
  step,
  talkUntil,
  type Caller,
} from './harness/voicebox-caller.js';

/**
 * Issue 11's proof: faults injected into real processes — the engine as a child process
 * in its production form, a PostgreSQL and a Redis of the suite's own, a TCP proxy in
 * front of the shared Asterisk's ARI — while scripted citizens call the sandbox. Each
 * scenario prints its figures (calls, messages kept, longest silence, exit time) before
 * it checks them, and fails on any loss. `npm test` runs the short scale, `npm run chaos`
 * the long one.
 */
const LONG = SCALE === 'long';
const N = {
  recording: LONG ? 5 : 2,
  menu: LONG ? 100 : 12,
  pgDownMs: LONG ? 60_000 : 15_000,
  pgFrozenMs: LONG ? 30_000 : 10_000,
  sigterm: LONG ? 20 : 5,
  dispatches: LONG ? 20 : 3,
};
/** The promise: nobody waits in silence longer than this while an engine runs. */
const MAX_SILENCE_MS = 5_000;
/** The engine's stop deadline (15 s by default) and a margin for a loaded machine. */
const MAX_EXIT_MS = 20_000;
/** The district whose webhook the Redis scenario watches. */
const DISPATCH_DISTRICT = 20;

/**
 * Scenarios `npm test` leaves to `npm run chaos` (or `CHAOS_ALL=1` at the short scale):
 * all green at the short scale on 2026-12-02 (README, Faults), left out of `npm test`
 * for CI's time only — together they add about 5 minutes on the sandbox. A scenario
 * moves into `npm test` by leaving this list.
 */
const LONG_ONLY = [
  'ARI WebSocket cut for 3 s',
  'PostgreSQL stopped for 15 s during calls',
  'PostgreSQL frozen for 10 s during calls',
  'Redis restarted, then flushed',
];
/** `CHAOS_ALL=1` runs the long-only scenarios at the short scale too (to try one quickly). */
const ALL = LONG || process.env.CHAOS_ALL === '1';
function scenario(name: string, body: () => void): void {
  if (ALL || !LONG_ONLY.includes(name)) describe(name, body);
}

let bed: ChaosBed;
/** Every caller who left a message, across scenarios: none may end up with a second case. */
const messageCallers: Caller[] = [];

beforeAll(async () => {
  bed = await ChaosBed.start({
    // Surveys ring the test application, at any hour of any day, as soon as a case closes.
    HOTLINE_DIAL_TEMPLATE: `Local/{number}@${TEST_CITIZENS_CONTEXT}/n`,
    SURVEY_CALLING_DAYS: 'saturday-friday',
    SURVEY_CALLING_HOURS: '00:00-24:00',
    SURVEY_FIRST_DELAY_HOURS: '0',
  });
});

afterAll(async () => {
  await bed?.dispose();
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function silenceOf(callers: Caller[], from?: number): number {
  return Math.max(0, ...callers.map(({ call }) => longestSilenceMs(call, { down: bed.down, ...(from ? { from } : {}) })));
}

const stuck = (callers: Caller[]) => callers.flatMap((c) => (c.stuck ? [c.stuck] : []));

scenario('engine crash (SIGKILL)', () => {
  it(`keeps the messages being recorded, and serves the ${N.menu} callers left in the IVR again within 5 s of its return`, async () => {
    const [recorders, waiting] = await Promise.all([
      Promise.all(range(N.recording).map((i) => callerAtRecording(bed, i + 1))),
      callersInMenu(bed, N.menu),
    ]);
    messageCallers.push(...recorders);
    let killedAt = 0;
    try {
      // The citizens talk a few seconds before the engine dies, and a few more while
      // it is down; they hang up before it returns.
      let quiet!: () => void;
      const quietened = new Promise<void>((resolve) => (quiet = resolve));
      const talking = recorders.map(({ call }) => talkUntil(call, quietened));
      await sleep(3_000);
      killedAt = Date.now();
      await bed.stopEngine('SIGKILL');
      await sleep(3_000);
      quiet();
      await hangUp(recorders);
      await Promise.all(talking);
      const engine = await bed.startEngine();
      // Each caller still in Stasis hears a new prompt from the returned engine. Asterisk
      // plays out the prompt the dead engine had started (the caller is not in silence
      // meanwhile), so the silence runs from the engine's return, or from the end of that
      // prompt when it ends later, to the new engine's first prompt.
      await Promise.all(
        waiting.map((caller) =>
          step(caller, async (call) => {
            const heard = await call.waitFor((e) => e.type === 'PlaybackStarted' && eventTime(e) > killedAt, 30_000, true);
            const lastPromptEnd = call.log
              .slice(0, call.log.indexOf(heard))
              .filter((e) => e.type === 'PlaybackFinished')
              .map(eventTime)
              .reduce((a, b) => Math.max(a, b), 0);
            const after = eventTime(heard) - Math.max(engine.readyAt, lastPromptEnd);
            if (after > MAX_SILENCE_MS) caller.stuck = `${caller.phone}: ${after} ms of silence before the returned engine's first prompt`;
          }),
        ),
      );
    } finally {
      await hangUp([...recorders, ...waiting]);
    }
    const { kept, problems } = await messagesKept(bed, recorders, 60_000);
    reportFigures({ scenario: 'SIGKILL mid-recording', calls: recorders.length, messages: recorders.length, kept, longestSilenceMs: silenceOf(recorders) }, SCALE);
    const served = waiting.filter((c) => !c.stuck).length;
    // They were waiting for a key in the menu (their turn, not silence) until the kill.
    const waitingSilence = silenceOf(waiting, killedAt);
    reportFigures(
      { scenario: `SIGKILL with ${waiting.length} callers in the IVR`, calls: waiting.length, messages: 0, kept: 0, longestSilenceMs: waitingSilence, extra: `served again within 5 s: ${served}/${waiting.length}` },
      SCALE,
    );
    expect(stuck([...recorders, ...waiting])).toEqual([]);
    expect(problems).toEqual([]);
    expect(silenceOf(recorders)).toBeLessThanOrEqual(MAX_SILENCE_MS);
    expect(waitingSilence).toBeLessThanOrEqual(MAX_SILENCE_MS);
  });
});

scenario('ARI WebSocket cut for 3 s', () => {
  it('keeps the messages being recorded, and a survey call goes on after the reconnect', async () => {
    const [recorders, survey] = await Promise.all([
      Promise.all(range(N.recording).map((i) => callerAtRecording(bed, i + 10))),
      surveyAtFirstQuestion(bed),
    ]);
    messageCallers.push(...recorders);
    // eslint-disable-next-line no-useless-assignment -- the figure is reported even when the scenario throws before it is measured
    let link = { sawDown: false, reconnectMs: 0 };
    // eslint-disable-next-line no-useless-assignment -- the figure is reported even when the scenario throws before it is measured
    let surveyStuck: string | undefined = 'not reached';
    try {
      // The cut comes while they speak; the # that ends each message may reach Asterisk
      // before the engine is back (Asterisk ends the recording all the same).
      const messages = Promise.all(recorders.map((caller) => speakAndKeep(caller)));
      await sleep(1_500);
      link = await bed.cutAri(3_000);
      await messages;
      surveyStuck = await answerSurvey(bed, survey).then(
        () => undefined,
        (err: Error) => `survey call: ${err.message}`,
      );
    } finally {
      await hangUp(recorders);
      await bed.line.hangupChannel(survey.channelId);
    }
    const answers = await surveyState(bed, survey.trackingNumber);
    const { kept, problems } = await messagesKept(bed, recorders, 60_000);
    const silence = silenceOf(recorders);
    const linkFigure = `ARI seen down: ${link.sawDown}, back after ${(link.reconnectMs / 1000).toFixed(1)} s`;
    reportFigures({ scenario: 'ARI WebSocket cut 3 s mid-recording', calls: recorders.length, messages: recorders.length, kept, longestSilenceMs: silence, extra: linkFigure }, SCALE);
    reportFigures({ scenario: 'survey call across the ARI cut', calls: 1, messages: 0, kept: 0, longestSilenceMs: 0, extra: `survey ${answers?.status ?? 'missing'}` }, SCALE);
    expect(link.sawDown).toBe(true);
    expect(stuck(recorders)).toEqual([]);
    expect(problems).toEqual([]);
    expect(silence).toBeLessThanOrEqual(MAX_SILENCE_MS);
    // Not hung up by the reconnect: the citizen heard every question after it, to the thanks.
    expect(surveyStuck).toBeUndefined();
    expect(answers).toMatchObject({ status: 'answered', solved: true, rating: 4 });
  });
});

// Long scale only: it waits out the heartbeat (up to 30 s) on top of the short run's time.
if (LONG) {
  describe('a half-open ARI link', () => {
    it('is noticed by the heartbeat within 30 s, and the engine reconnects and serves calls', async () => {
      const from = Date.now();
      bed.proxy.silence();
      let noticedMs = Infinity;
      try {
        await until(async () => (await bed.engine.health()).ari !== true, 45_000, 'a dead ARI link noticed').then(
          () => (noticedMs = Date.now() - from),
          () => undefined,
        );
      } finally {
        bed.proxy.heal();
      }
      await until(async () => (await bed.engine.health()).ari === true, 60_000, 'ARI reconnected');
      const [caller] = await callersInMenu(bed, 1);
      await hangUp([caller!]);
      reportFigures({ scenario: 'half-open ARI link', calls: 1, messages: 0, kept: 0, longestSilenceMs: silenceOf([caller!]), extra: `noticed after ${(noticedMs / 1000).toFixed(1)} s` }, SCALE);
      expect(noticedMs).toBeLessThanOrEqual(30_000);
      expect(stuck([caller!])).toEqual([]);
    });
  });
}

for (const fault of ['stopped', 'frozen'] as const) {
  const outageMs = fault === 'stopped' ? N.pgDownMs : N.pgFrozenMs;
  scenario(`PostgreSQL ${fault} for ${outageMs / 1000} s during calls`, () => {
    it('keeps the messages left meanwhile, with their choices, and never tells the callers to call again', async () => {
      const callers: Caller[] = [];
      if (fault === 'stopped') await bed.postgres.down();
      else await bed.postgres.freeze();
      const outage = sleep(outageMs).then(() => (fault === 'stopped' ? bed.postgres.up() : bed.postgres.thaw()));
      try {
        await Promise.all(
          range(N.recording).map(async (i) => {
            const caller = await callerAtRecording(bed, i + 15);
            callers.push(caller);
            await speakAndKeep(caller);
          }),
        );
      } finally {
        await hangUp(callers);
        await outage;
      }
      messageCallers.push(...callers);
      const { kept, problems } = await messagesKept(bed, callers, 90_000);
      const silence = silenceOf(callers);
      const toldToCallAgain = callers.filter(({ call }) => call.promptsHeard.includes('technical-error')).length;
      reportFigures(
        { scenario: `PostgreSQL ${fault} ${outageMs / 1000} s`, calls: callers.length, messages: callers.length, kept, longestSilenceMs: silence, extra: `told to call again: ${toldToCallAgain}` },
        SCALE,
      );
      expect(stuck(callers)).toEqual([]);
      expect(problems).toEqual([]);
      expect(toldToCallAgain).toBe(0);
      expect(silence).toBeLessThanOrEqual(MAX_SILENCE_MS);
    });
  });
}

scenario('Redis restarted, then flushed', () => {
  it('loses no dispatch and no message, and keeps serving calls', async () => {
    const repos = await bed.repos();
    // Answers 503 to the next `refusals.left` requests, 200 to the rest.
    const refusals = { left: 0 };
    const webhook = await startWebhookServer(() => (refusals.left-- > 0 ? 503 : 200));
    await repos.districts.update(DISPATCH_DISTRICT, { webhookUrls: [webhook.url], webhookSecret: 'chaos-district-webhook-secret' });
    const delivered = () =>
      new Set(webhook.received.filter((r) => r.status === 200).map((r) => (JSON.parse(r.body) as { case: { trackingNumber: string } }).case.trackingNumber));
    const filed: string[] = [];
    const file = async (n: number) => {
      for (let i = 0; i < n; i++) filed.push(await fileCase(bed, randomMobile('0912'), DISPATCH_DISTRICT));
    };
    const callers: Caller[] = [];
    // When each caller, having waited in the menu through the fault, presses their first key.
    const turnsTaken: number[] = [];
    try {
      for (const fault of ['restart', 'flush'] as const) {
        // A caller in the menu and cases just filed when Redis goes; more filed after.
        const [caller] = await callersInMenu(bed, 1);
        caller!.category = PARKS.category;
        caller!.district = 21;
        callers.push(caller!);
        await file(N.dispatches);
        if (fault === 'restart') await bed.redis.restart();
        else await bed.redis.flush();
        await file(N.dispatches);
        turnsTaken.push(Date.now());
        await step(caller!, async (call) => {
          await call.press('1');
          await call.waitForPrompt('category-menu', 20_000);
          await call.press(PARKS.key);
          await call.waitForPrompt('district-prompt', 20_000);
          await call.press('21#');
          await call.waitForRecordingStarted(60_000);
        });
        await speakAndKeep(caller!);
        await hangUp([caller!]);
      }
      messageCallers.push(...callers);
      if (LONG) {
        // Jobs the flush takes while they wait for a retry: only the dispatch sweep
        // (re-ensured after the flush) can find their cases again.
        const before = webhook.received.length;
        refusals.left = N.dispatches;
        await file(N.dispatches);
        await until(() => webhook.received.length >= before + N.dispatches, 30_000, 'first tries refused');
        await bed.redis.flush();
      }
      await until(() => filed.every((tn) => delivered().has(tn)), LONG ? 300_000 : 30_000, 'every case delivered').catch(() => undefined);
    } finally {
      await hangUp(callers);
      await webhook.close();
    }
    const got = delivered();
    const missing = filed.filter((tn) => !got.has(tn));
    const { kept, problems } = await messagesKept(bed, callers, 60_000);
    const silence = Math.max(0, ...callers.map((caller, i) => silenceOf([caller], turnsTaken[i])));
    reportFigures(
      { scenario: 'Redis restarted, then flushed', calls: callers.length, messages: callers.length, kept, longestSilenceMs: silence, extra: `dispatches delivered ${filed.length - missing.length}/${filed.length}` },
      SCALE,
    );
    expect(missing).toEqual([]);
    expect(stuck(callers)).toEqual([]);
    expect(problems).toEqual([]);
    expect(silence).toBeLessThanOrEqual(MAX_SILENCE_MS);
  });
});

scenario('SIGTERM with a live stream open and callers in the IVR', () => {
  it('hands the callers to the dialplan, ends the stream and exits within its deadline; their fallback messages become cases', async () => {
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
    // eslint-disable-next-line no-useless-assignment -- the figure is reported even when the scenario throws before it is measured
    let exitMs = Infinity;
    const signalledAt = Date.now();
    try {
      const stopping = bed.stopEngine('SIGTERM');
      // Handed off: each caller leaves the engine for the fallback voicebox (the hotline
      // is closed by override in Asterisk too), speaks there and hangs up.
      await Promise.all(
        callers.map((caller) =>
          step(caller, async (call) => {
            // (StasisEnd goes to the engine's application only; the dialplan's steps reach ours.)
            const inFallback = (e: AriEvent) =>
              e.type === 'ChannelDialplan' && (e.channel as { dialplan?: { context?: string } } | undefined)?.dialplan?.context === 'hotline-fallback';
            await call.waitFor(inFallback, MAX_EXIT_MS);
            await call.waitFor((e) => inFallback(e) && e.dialplan_app === 'Record', 60_000);
            await call.speak(SHORT_SPEECH);
          }),
        ),
      );
      exitMs = await stopping;
    } finally {
      await hangUp(callers);
    }
    const ended = await Promise.race([streamEnded, sleep(1_000).then(() => false)]);
    await bed.startEngine();
    const { kept, problems } = await messagesKept(bed, callers, 90_000);
    const silence = silenceOf(callers, signalledAt);
    reportFigures(
      { scenario: `SIGTERM, ${callers.length} callers in the IVR, 1 live stream`, calls: callers.length, messages: callers.length, kept, longestSilenceMs: silence, exitMs, extra: `stream ended: ${ended}` },
      SCALE,
    );
    expect(ended).toBe(true);
    expect(exitMs).toBeLessThan(MAX_EXIT_MS);
    expect(stuck(callers)).toEqual([]);
    expect(problems).toEqual([]);
    expect(silence).toBeLessThanOrEqual(MAX_SILENCE_MS);
  });
});

describe('after every fault', () => {
  it('holds each message exactly once', async () => {
    const repos = await bed.repos();
    const counts = await Promise.all(messageCallers.map(async ({ phone }) => `${phone}: ${(await repos.cases.list({ phone })).length}`));
    expect(counts.filter((c) => !c.endsWith(': 1'))).toEqual([]);
  });
});
