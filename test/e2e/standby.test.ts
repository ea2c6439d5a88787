import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosBed } from '../chaos/harness/chaos-bed.js';
import type { EngineProcess } from '../chaos/harness/engine-process.js';
import { messagesKept } from '../chaos/harness/kept.js';
import { STANDBY_ENV, hangUp, holderAmong, killHolderWithCallers, leaseOf, reportRollingRestart, reportTakeover, steadyCalls } from '../chaos/harness/standby.js';
import { callerAtRecording, speakAndKeep } from '../chaos/harness/voicebox-caller.js';
import { DeskStream, standInAgent } from '../chaos/harness/desk-stream.js';
import { randomMobile } from '../helpers/call-rows.js';
import type { CitizenCall } from '../helpers/citizen.js';
import { testAmi } from '../helpers/engine.js';
import { installTestDialplan } from '../helpers/test-agents.js';

/**
 * Issue 17's hot standby, short: two engines in production form (`node dist/main.js`,
 * run `npm run build` first) on one PostgreSQL and Redis and the sandbox. The lease holder
 * is SIGKILLed with callers in the IVR: the other resumes them within 3 s. Then a rolling
 * restart (SIGTERM the holder, the other takes over, a new one starts) under steady calls:
 * none fails, none goes to the dialplan fallback. `npm run chaos` runs the long version (test/chaos/standby.test.ts).
 */
const MAX_SILENCE_MS = 3_000;
let bed: ChaosBed;
const engines: EngineProcess[] = [];

beforeAll(async () => {
  bed = await ChaosBed.start(STANDBY_ENV);
  engines.push(bed.engine, await bed.startPeer());
});

afterAll(async () => {
  // The bed stops its own `engine`; the others here.
  await Promise.all(engines.filter((e) => e !== bed?.engine).map((e) => e.signal('SIGTERM', 20_000).catch(() => undefined)));
  await bed?.dispose();
});

describe('a standby pair', () => {
  it('has exactly one holder of the ARI lease, and the standby is healthy without ARI', async () => {
    const holder = await holderAmong(engines);
    const standby = engines.find((e) => e !== holder)!;
    const [held, waiting] = await Promise.all([leaseOf(holder), leaseOf(standby)]);
    expect(held).toMatchObject({ enabled: true, holder: true });
    expect(held.token).toBeGreaterThan(0);
    expect(waiting).toMatchObject({ enabled: true, holder: false, token: null });
    expect(waiting.instanceId).not.toBe(held.instanceId);
    expect((await fetch(`${standby.url}/api/health`)).status).toBe(200);
    const metrics = await (await fetch(`${standby.url}/metrics`)).text();
    expect(metrics).toMatch(/^hotline_ari_lease_held{node="a"} 0$/m);
    expect(metrics).toMatch(/^hotline_ari_lease_lost_total 0$/m);
  });

  it('an agent desk open on the standby gets the screen pop of a call the holder drives, once', async () => {
    const holder = await holderAmong(engines);
    const standby = engines.find((e) => e !== holder && e.running)!;
    const ami = await testAmi();
    await installTestDialplan(ami);
    // Everything the agent does goes to the standby instance (the load balancer's pick).
    const agent = await standInAgent(bed, standby, ['parks_trees']);
    const desk = await DeskStream.open(standby, agent.id);
    // Open, so the caller is queued: on both, since each reads the calendar again only every minute.
    for (const engine of [standby, holder]) expect((await engine.api('PUT', '/api/hours/override', { mode: 'open' })).status).toBe(200);
    let call: CitizenCall | undefined;
    try {
      expect((await standby.api('POST', `/api/agents/${agent.id}/login`)).status).toBe(200);
      const caller = randomMobile('0935');
      call = await bed.line.dial(caller);
      await call.report('3', '7');
      await call.waitForPrompt('queue-transfer');
      const leg = await bed.line.waitForLeg('agent', agent.endpoint);
      await bed.line.answer(leg);
      const pop = await desk.next('screen-pop');
      expect(pop).toMatchObject({ caller, queue: 'parks_trees', district: 7, uniqueId: call.hotlineId });
      // The holder's AMI-driven states and the call's end reach this desk too, after the pop.
      await desk.next('state', (agentView) => agentView.state === 'on_call');
      await bed.line.hangupChannel(leg);
      await desk.next('call-ended', (ended) => ended.uniqueId === call!.hotlineId);
      await desk.next('state', (agentView) => agentView.state === 'wrap_up');
      // Once: the holder's desks have it locally, the standby's from Redis, never both here.
      expect(desk.count('screen-pop')).toBe(1);
      expect(desk.count('call-ended')).toBe(1);
    } finally {
      desk.close();
      await standby.api('POST', `/api/agents/${agent.id}/logout`).catch(() => undefined);
      for (const engine of [standby, holder]) await engine.api('PUT', '/api/hours/override', { mode: 'closed' }).catch(() => undefined);
      if (call) {
        await call.hangup().catch(() => undefined);
        await call.waitForHotlineHangup(20_000).catch(() => undefined);
        call.dispose();
      }
      await ami.close();
    }
  });

  it('SIGKILL of the holder: the standby resumes every caller in the IVR within 3 s, and serves new calls', async () => {
    const holder = await holderAmong(engines);
    const before = (await leaseOf(holder)).token!;
    const { waiting, ...figures } = await killHolderWithCallers(
      bed,
      holder,
      engines.filter((e) => e !== holder),
      6,
    );
    try {
      const next = await holderAmong(engines);
      bed.engine = next;
      expect((await leaseOf(next)).token!).toBeGreaterThan(before);
      reportTakeover(figures, 'short');
      expect(figures.problems).toEqual([]);
      expect(figures.resumed).toBe(figures.callers);
      expect(figures.longestSilenceMs).toBeLessThanOrEqual(MAX_SILENCE_MS);
      // A new caller leaves a message on the new holder: exactly one case, with its choices.
      const caller = await callerAtRecording(bed, 7);
      await speakAndKeep(caller);
      await hangUp([caller]);
      const { kept, problems } = await messagesKept(bed, [caller], 30_000);
      expect(problems).toEqual([]);
      expect(kept).toBe(1);
      // Nobody in the menu filed anything: no case appeared for them twice, or at all.
      const repos = await bed.repos();
      for (const c of waiting) expect(await repos.cases.list({ phone: c.phone })).toEqual([]);
    } finally {
      await hangUp(waiting);
    }
  });

  it('rolling restart under steady calls: stop the holder, the other takes over, start a new one; no call fails', async () => {
    // The pair again: a new standby for the engine killed above.
    engines.push(await bed.startPeer());
    await holderAmong(engines);
    const figures = await steadyCalls(bed, { perSecond: 2, seconds: 12 }, async () => {
      await new Promise((r) => setTimeout(r, 3_000));
      const holder = await holderAmong(engines);
      const exit = await holder.signal('SIGTERM', 20_000);
      expect(exit.code).toBe(0);
      bed.engine = await holderAmong(engines);
      engines.push(await bed.startPeer());
    });
    reportRollingRestart('under 2 calls/s', figures, 'short');
    expect(figures.problems).toEqual([]);
    expect(figures.failed).toBe(0);
    // The dialplan tries Stasis() again through the handover's moment without an app owner.
    expect(figures.fallback).toBe(0);
    expect(figures.longestSilenceMs).toBeLessThanOrEqual(MAX_SILENCE_MS);
    await holderAmong(engines);
  });
});
