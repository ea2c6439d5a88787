import type { ChaosBed } from './chaos-bed.js';
import type { CitizenCall } from '../../helpers/citizen.js';
import { randomMobile } from '../../helpers/call-rows.js';

/** Category key 3 of the IVR's category menu. */
export const PARKS = { key: '3', category: 'parks_trees' } as const;

/** What the citizen "says": Asterisk's English core sounds (demo-congrats is 30 s long). */
export const LONG_SPEECH = 'sound:demo-congrats';
export const SHORT_SPEECH = 'sound:demo-thanks';

export interface Caller {
  phone: string;
  district: number;
  call: CitizenCall;
}

/** Dials 137 and walks to the voicebox (the bed keeps the hotline closed): recording has begun when it resolves. */
export async function callerAtRecording(bed: ChaosBed, district: number): Promise<Caller> {
  const phone = randomMobile('0912');
  const call = await bed.line.dial(phone);
  await call.report(PARKS.key, String(district));
  await call.waitForPrompt('after-hours');
  await call.waitForRecordingStarted();
  return { phone, district, call };
}

/** Dials N callers at once (in waves, not to flood originate) and resolves when each hears the main menu. */
export async function callersInMenu(bed: ChaosBed, n: number): Promise<Caller[]> {
  const callers: Caller[] = [];
  for (let i = 0; i < n; i += 10) {
    const wave = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, async () => {
        const phone = randomMobile('0912');
        return { phone, district: 0, call: await bed.line.dial(phone) };
      }),
    );
    callers.push(...wave);
  }
  await Promise.all(callers.map((c) => c.call.waitForPrompt('main-menu', 60_000)));
  return callers;
}

/** After the recording: # ends it, 1 at the review keeps it; resolves when the goodbye starts. */
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
