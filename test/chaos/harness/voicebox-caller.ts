import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosBed } from './chaos-bed.js';
import type { CitizenCall } from '../../helpers/citizen.js';
import { randomMobile } from '../../helpers/call-rows.js';

/** Category key 3 of the IVR's category menu. */
export const PARKS = { key: '3', category: 'parks_trees' } as const;

/** What the citizen "says": Asterisk's English core sounds (demo-congrats is 30 s long, demo-thanks 5 s). */
export const LONG_SPEECH = 'sound:demo-congrats';
export const SHORT_SPEECH = 'sound:demo-thanks';

export interface Caller {
  phone: string;
  /** The choices made in the IVR, which the case must keep (null / 0: none made). */
  category: string | null;
  district: number;
  call: CitizenCall;
  /** Where the caller's script got stuck (e.g. a prompt that never came), if it did. */
  stuck?: string;
}

/** Runs a step of a caller's script; a failure is noted on the caller (counted by the scenario), not thrown. */
export async function step(caller: Caller, body: (call: CitizenCall) => Promise<void>): Promise<void> {
  if (caller.stuck) return;
  try {
    await body(caller.call);
  } catch (err) {
    caller.stuck = `${caller.phone}: ${(err as Error).message}`;
  }
}

/** Dials 137 (after the hotline is closed by the bed: the voicebox) and walks to the recording of a report. */
export async function callerAtRecording(bed: ChaosBed, district: number): Promise<Caller> {
  const phone = randomMobile('0912');
  const caller: Caller = { phone, category: PARKS.category, district, call: await bed.line.dial(phone) };
  await step(caller, async (call) => {
    await call.report(PARKS.key, String(district));
    // The after-hours notice and the voicebox introduction play before the recording.
    await call.waitForPrompt('after-hours', 30_000);
    await call.waitForRecordingStarted(60_000);
  });
  return caller;
}

/** Dials N callers (in waves of 10, not to flood originate) and resolves when each has heard the main menu. */
export async function callersInMenu(bed: ChaosBed, n: number): Promise<Caller[]> {
  const callers: Caller[] = [];
  for (let i = 0; i < n; i += 10) {
    const wave = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, async () => {
        const phone = randomMobile('0912');
        return { phone, category: null, district: 0, call: await bed.line.dial(phone) } as Caller;
      }),
    );
    callers.push(...wave);
  }
  await Promise.all(callers.map((c) => step(c, (call) => call.waitForPrompt('main-menu', 60_000).then(() => undefined))));
  return callers;
}

/** The citizen talks (sound after sound) until `stop` resolves. */
export async function talkUntil(call: CitizenCall, stop: Promise<unknown>): Promise<void> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  while (!stopped) {
    await Promise.race([call.speak(LONG_SPEECH).catch(() => sleep(500)), stop]);
  }
}

/** The whole message: speak, # ends it, 1 at the review keeps it; resolves when the goodbye starts. */
export async function speakAndKeep(caller: Caller): Promise<void> {
  await step(caller, async (call) => {
    await call.speak(SHORT_SPEECH);
    await finishMessage(call);
  });
}

export async function finishMessage(call: CitizenCall): Promise<void> {
  await call.press('#');
  await call.waitForPrompt('voicebox-review', 20_000);
  await call.press('1');
  await call.waitForPrompt('goodbye', 60_000);
}

export async function hangUp(callers: Caller[]): Promise<void> {
  await Promise.all(
    callers.map(async ({ call }) => {
      await call.hangup();
      await call.waitForHotlineHangup(20_000).catch(() => undefined);
    }),
  );
}
