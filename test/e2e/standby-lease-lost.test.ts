import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosBed } from '../chaos/harness/chaos-bed.js';
import type { EngineProcess } from '../chaos/harness/engine-process.js';
import { STANDBY_ENV, freezeHolderWithCallers, hangUp, holderAmong, leaseOf, reportLeaseLost } from '../chaos/harness/standby.js';
import { eventTime } from '../chaos/harness/silence.js';
import { step } from '../chaos/harness/voicebox-caller.js';
import { settledCall } from '../helpers/call-rows.js';
import type { AriEvent } from '../helpers/citizen.js';

/**
 * Issue 17's lease-lost path end to end: two engines in production form (`node
 * dist/main.js`, run `npm run build` first); the holder is frozen (SIGSTOP) with callers
 * in the IVR, longer than the lease's TTL, as a stalled VM or a long GC pause would. The
 * other engine takes the lease and resumes the callers; the old holder, woken, finds it
 * lost the lease, stops driving at once and stays the standby. Only the old holder's ARI
 * goes through the bed's proxy, which notes every REST request it sends: none may be a
 * command once it woke. The callers are then driven by one engine: each key press is
 * answered once, one prompt after the other.
 */
const MAX_SILENCE_MS = 3_000;
/** Twice the TTL (STANDBY_ENV: 1.5 s): the lease has expired and been taken well before the wake. */
const FREEZE_MS = 3_000;
const CALLERS = 4;
let bed: ChaosBed;
let peer: EngineProcess;

beforeAll(async () => {
  bed = await ChaosBed.start(STANDBY_ENV);
  // The peer reaches Asterisk directly: what passes the proxy is the first engine's alone.
  peer = await bed.startPeer({ ARI_URL: process.env.ARI_URL ?? 'http://127.0.0.1:8088' });
});

afterAll(async () => {
  await peer?.signal('SIGTERM', 20_000).catch(() => undefined);
  await bed?.dispose();
});

/** The prompts Asterisk started on the caller's hotline half after `since`, in order. */
function promptsAfter(log: AriEvent[], since: number): string[] {
  return log
    .filter((e) => e.type === 'PlaybackStarted' && eventTime(e) > since)
    .map((e) => String(e.playback?.media_uri).replace(/^sound:/, ''));
}

describe('a holder that loses its lease while frozen', () => {
  it('is replaced within 3 s, knows it lost the lease as soon as it wakes, sends no command after, and becomes the standby', async () => {
    const old = await holderAmong([bed.engine, peer]);
    expect(old).toBe(bed.engine);
    const before = (await leaseOf(old)).token!;
    bed.proxy.recordRequests();

    const figures = await freezeHolderWithCallers(bed, old, [peer], CALLERS, FREEZE_MS);
    const { waiting } = figures;
    try {
      reportLeaseLost(figures, FREEZE_MS, 'short');
      expect(figures.problems).toEqual([]);
      expect(figures.resumed).toBe(CALLERS);
      expect(figures.longestSilenceMs).toBeLessThanOrEqual(MAX_SILENCE_MS);
      expect((await leaseOf(peer)).token!).toBeGreaterThan(before);

      // The renewal due while it slept finds the TTL past: lost at its first tick.
      expect(figures.lostReason).toBe('not renewed within the TTL');
      expect(figures.lostAt - figures.wokeAt).toBeLessThan(1_000);
      // The callers are driven by the new holder alone: each key is answered once.
      await Promise.all(
        waiting.map((caller) =>
          step(caller, async (call) => {
            await call.press('1');
            await call.waitForPrompt('category-menu');
            await call.press('5');
            await call.waitForPrompt('district-prompt');
          }),
        ),
      );
      expect(waiting.flatMap((c) => (c.stuck ? [c.stuck] : []))).toEqual([]);
      for (const { call } of waiting) {
        // Two engines driving one caller would answer a key twice: two menus, one after the other.
        const heard = promptsAfter(call.log, figures.wokeAt);
        expect(heard.filter((p) => p === 'category-menu'), heard.join(' ')).toHaveLength(1);
        expect(heard.filter((p) => p === 'district-prompt'), heard.join(' ')).toHaveLength(1);
      }
      // Not one command of the old holder reached Asterisk after it woke (its REST reads
      // are allowed: it answers health checks). The proxy did see its commands before the freeze.
      expect(bed.proxy.requests.some((r) => r.at < figures.frozenAt && r.method === 'POST' && r.path.includes('/play'))).toBe(true);
      const commands = bed.proxy.requests.filter((r) => r.at >= figures.wokeAt && r.method !== 'GET');
      expect(commands).toEqual([]);

      // It stays up as the standby: healthy, not the holder, the loss counted.
      const lease = await leaseOf(old);
      expect(lease).toMatchObject({ enabled: true, holder: false, token: null });
      expect(await holderAmong([old, peer])).toBe(peer);
      const metrics = await (await fetch(`${old.url}/metrics`)).text();
      expect(metrics).toMatch(/^hotline_ari_lease_lost_total 1$/m);
    } finally {
      await hangUp(waiting);
    }

    // One call row per caller, its menu choices once, and no case: nothing was done twice.
    const repos = await bed.repos();
    for (const { call, phone } of waiting) {
      const row = await settledCall(repos.calls, call.hotlineId);
      expect(row.ivrPath.filter((p) => p === 'menu:1')).toHaveLength(1);
      expect(await repos.cases.list({ phone })).toEqual([]);
    }
  });
});
