import type { ChaosBed } from './chaos-bed.js';
import type { Caller } from './voicebox-caller.js';

export interface KeptMessages {
  /** Callers whose message is a case holding playable audio with their IVR choices. */
  kept: number;
  /** Human-readable reasons for every caller that is not (empty when all were kept). */
  problems: string[];
}

/**
 * Waits (up to `timeoutMs`) for every caller's message to be a case with its audio, then
 * checks there is exactly one, with the choices made in the IVR (category, district,
 * caller) and at least half a second of audio served by the API.
 */
export async function messagesKept(bed: ChaosBed, callers: Caller[], timeoutMs: number): Promise<KeptMessages> {
  const repos = await bed.repos();
  const deadline = Date.now() + timeoutMs;
  const problems: string[] = [];
  let kept = 0;
  for (const { phone, category, district } of callers) {
    let cases = await repos.cases.list({ phone });
    while (!cases.some((c) => c.recording) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      cases = await repos.cases.list({ phone });
    }
    const withAudio = cases.filter((c) => c.recording);
    if (withAudio.length === 0) {
      problems.push(`${phone}: no case with audio (${cases.length} case(s) without)`);
      continue;
    }
    if (cases.length > 1) problems.push(`${phone}: ${cases.length} cases for one message`);
    const [found] = withAudio;
    if (found!.category !== category || (found!.district ?? 0) !== district) {
      problems.push(`${phone}: choices lost (category ${found!.category}, district ${found!.district})`);
    }
    const audio = await bed.engine.api('GET', `/api/cases/${found!.trackingNumber}/recording`);
    const bytes = audio.ok ? (await audio.arrayBuffer()).byteLength : 0;
    // Half a second of 8 kHz 16-bit audio after the 44-byte header.
    if (bytes < 44 + 8_000) problems.push(`${phone}: audio not served (${audio.status}, ${bytes} bytes)`);
    else if (cases.length === 1) kept++;
  }
  return { kept, problems };
}
