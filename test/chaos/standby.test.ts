import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosBed, SCALE } from './harness/chaos-bed.js';
import type { EngineProcess } from './harness/engine-process.js';
import {
  STANDBY_ENV,
  freezeHolderWithCallers,
  hangUp,
  holderAmong,
  killHolderWithCallers,
  leaseOf,
  reportLeaseLost,
  reportRollingRestart,
  reportTakeover,
  steadyCalls,
} from './harness/standby.js';

/**
 * Issue 17's proof at full scale (`npm run chaos`; test/e2e/standby.test.ts is the short
 * form `npm test` runs): two engines in production form and the sandbox. SIGKILL of the
 * lease holder with 100 callers in the IVR: the longest silence and the callers resumed
 * are printed; then a rolling restart of both engines under a steady 5 calls/s: 0 failed,
 * none to the dialplan fallback; then the holder frozen (SIGSTOP) past the lease's TTL with
 * 100 callers in the IVR: resumed by the other, the woken one knows at once it lost the lease
 * (test/e2e/standby-lease-lost.test.ts is the short form, with the check of its ARI commands).
 */
const MAX_SILENCE_MS = 3_000;

let bed: ChaosBed;
const engines: EngineProcess[] = [];

// Only in the long suite (vitest.config.ts leaves this file out of `npm test`).
describe('hot standby at full scale', () => {
  beforeAll(async () => {
    bed = await ChaosBed.start(STANDBY_ENV);
    engines.push(bed.engine, await bed.startPeer());
  });

  afterAll(async () => {
    await Promise.all(engines.filter((e) => e !== bed?.engine).map((e) => e.signal('SIGTERM', 20_000).catch(() => undefined)));
    await bed?.dispose();
  });

  it('SIGKILL of the lease holder with 100 callers in the IVR: every caller resumed within 3 s', async () => {
    const holder = await holderAmong(engines);
    const before = (await leaseOf(holder)).token!;
    const { waiting, ...figures } = await killHolderWithCallers(
      bed,
      holder,
      engines.filter((e) => e !== holder),
      100,
    );
    try {
      bed.engine = await holderAmong(engines);
      expect((await leaseOf(bed.engine)).token!).toBeGreaterThan(before);
      reportTakeover(figures, SCALE);
      expect(figures.problems).toEqual([]);
      expect(figures.resumed).toBe(figures.callers);
      expect(figures.longestSilenceMs).toBeLessThanOrEqual(MAX_SILENCE_MS);
      const repos = await bed.repos();
      for (const c of waiting) expect(await repos.cases.list({ phone: c.phone })).toEqual([]);
    } finally {
      await hangUp(waiting);
    }
  });

  it('rolling restart of both engines under a steady 5 calls/s: 0 failed calls', async () => {
    engines.push(await bed.startPeer());
    await holderAmong(engines);
    const figures = await steadyCalls(bed, { perSecond: 5, seconds: 40 }, async () => {
      // Each engine in turn: stop the holder (the other takes over), start its replacement.
      for (let i = 0; i < 2; i++) {
        await sleep(8_000);
        const holder = await holderAmong(engines);
        expect((await holder.signal('SIGTERM', 20_000)).code).toBe(0);
        bed.engine = await holderAmong(engines);
        engines.push(await bed.startPeer());
      }
    });
    reportRollingRestart('of both engines under 5 calls/s', figures, SCALE);
    expect(figures.problems).toEqual([]);
    expect(figures.failed).toBe(0);
    expect(figures.fallback).toBe(0);
    expect(figures.longestSilenceMs).toBeLessThanOrEqual(MAX_SILENCE_MS);
  });

  it('the holder frozen 10 s with 100 callers in the IVR: resumed by the other within 3 s; woken, it knows it lost the lease', async () => {
    const running = engines.filter((e) => e.running);
    const holder = await holderAmong(running);
    const freezeMs = 10_000;
    const { waiting, ...figures } = await freezeHolderWithCallers(
      bed,
      holder,
      running.filter((e) => e !== holder),
      100,
      freezeMs,
    );
    try {
      reportLeaseLost({ ...figures, waiting }, freezeMs, SCALE);
      expect(figures.problems).toEqual([]);
      expect(figures.resumed).toBe(figures.callers);
      expect(figures.longestSilenceMs).toBeLessThanOrEqual(MAX_SILENCE_MS);
      expect(figures.lostAt - figures.wokeAt).toBeLessThan(1_000);
      bed.engine = await holderAmong(running);
      expect(bed.engine).not.toBe(holder);
      expect(await leaseOf(holder)).toMatchObject({ holder: false, token: null });
      const repos = await bed.repos();
      for (const c of waiting) expect(await repos.cases.list({ phone: c.phone })).toEqual([]);
    } finally {
      await hangUp(waiting);
    }
  });
});
