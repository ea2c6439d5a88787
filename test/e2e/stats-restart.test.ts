import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import type { StatsSnapshotJson } from '../../src/adapters/http/stats-dto.js';
import { randomMobile } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine, testAmi, type TestEngine } from '../helpers/engine.js';
import { TEST_AGENTS_CONTEXT, createTestAgent, installTestDialplan, type TestAgent } from '../helpers/test-agents.js';

/**
 * A supervisor's figures survive an engine restart in the middle of a shift: the engine
 * is stopped while a citizen waits in app_queue (which Asterisk keeps serving), and the
 * new engine rebuilds today's figures from the calls table and the live picture from
 * AMI QueueStatus, then carries on counting from there.
 */
let engine: TestEngine;
let line: CitizenLine;
let ami: AmiClient;
let agent: TestAgent;
const open: CitizenCall[] = [];
const POLL = { timeout: 30_000 };

type QueueView = NonNullable<StatsSnapshotJson['queues']['parks_trees']>;

async function parks(e: TestEngine = engine): Promise<QueueView> {
  const res = await e.hotline.http.inject({
    method: 'GET',
    url: '/api/queues/stats',
    headers: { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` },
  });
  expect(res.statusCode).toBe(200);
  return (res.json() as StatsSnapshotJson).queues.parks_trees!;
}

/** A citizen walks the IVR into the parks_trees queue. */
async function queueCall(): Promise<{ call: CitizenCall; caller: string }> {
  const caller = randomMobile('0912');
  const call = await line.dial(caller);
  open.push(call);
  await call.report('3', '7');
  return { call, caller };
}

const agentIface = () => `Local/${agent.endpoint}@${TEST_AGENTS_CONTEXT}/n`;
const agentView = (q: QueueView) => q.agents.find((a) => a.iface === agentIface());

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.hotline.hours.setOverride('open', 'test');
  line = await CitizenLine.connect();
  ami = await testAmi();
  await installTestDialplan(ami);
  agent = await createTestAgent(engine.hotline, 'shift', ['parks_trees']);
  await engine.hotline.agents.desk.login(agent.id);
});

afterAll(async () => {
  for (const call of open) {
    await call.hangup().catch(() => undefined);
    call.dispose();
  }
  await engine?.hotline.agents.desk.logout(agent.id).catch(() => undefined);
  await engine?.hotline.hours.setOverride('auto', 'test');
  line?.close();
  await ami?.close();
  await engine?.cleanup();
});

describe('live statistics across an engine restart mid-shift', () => {
  it('keeps today\'s figures, the waiting caller and the agent\'s pause, and counts on from them', async () => {
    // One call answered and talked to the end.
    const first = await queueCall();
    const leg = await line.waitForLeg('agent', agent.endpoint);
    await line.answer(leg);
    await expect.poll(async () => (await parks()).today.answered, POLL).toBe(1);
    await line.hangupChannel(leg);
    await expect.poll(async () => agentView(await parks())?.state, POLL).toBe('wrapUp');
    await first.call.waitForHotlineHangup();
    await expect.poll(async () => (await engine.hotline.agents.desk.get(agent.id)).state, POLL).toBe('wrap_up');

    // The agent goes to lunch; one caller gives up, another is still waiting.
    await engine.hotline.agents.desk.endWrapUp(agent.id);
    await engine.hotline.agents.desk.pause(agent.id, 'lunch');
    const quitter = await queueCall();
    await expect.poll(async () => (await parks()).waiting.map((w) => w.caller), POLL).toContain(quitter.caller);
    await quitter.call.hangup();
    await expect.poll(async () => (await parks()).today.abandoned, POLL).toBe(1);
    const waiter = await queueCall();
    await expect.poll(async () => (await parks()).waiting.map((w) => w.caller), POLL).toEqual([waiter.caller]);

    const before = await parks();
    expect(before.today).toMatchObject({ offered: 3, answered: 1, abandoned: 1 });
    expect(agentView(before)).toMatchObject({ state: 'paused', pausedReason: 'lunch' });

    // Mid-shift restart: the old engine goes, a new one starts on the same data.
    await engine.hotline.stop();
    const first_ = engine;
    const restarted = await startTestEngine(engine.config);
    engine = { ...restarted, cleanup: async () => (await restarted.cleanup(), await first_.cleanup()) };

    const after = await parks();
    expect(after.today).toEqual(before.today);
    expect(after.waiting).toHaveLength(1);
    expect(after.waiting[0]).toMatchObject({ uniqueId: waiter.call.hotlineId, caller: waiter.caller });
    // Same join time (AMI reports the wait in whole seconds).
    expect(Math.abs(Date.parse(after.waiting[0]!.joinedAt) - Date.parse(before.waiting[0]!.joinedAt))).toBeLessThanOrEqual(1_500);
    expect(agentView(after)).toMatchObject({ state: 'paused', pausedReason: 'lunch' });

    // The new engine counts on: the waiting caller is answered, the answered count goes
    // from 1 to 2 and the offered count does not count the caller twice.
    await engine.hotline.agents.desk.unpause(agent.id);
    const next = await line.waitForLeg('agent', agent.endpoint);
    await line.answer(next);
    await expect.poll(async () => (await parks()).today.answered, POLL).toBe(2);
    const answered = await parks();
    expect(answered.today).toMatchObject({ offered: 3, abandoned: 1 });
    expect(answered.callsWaiting).toBe(0);
    expect(agentView(answered)?.state).toBe('onCall');
    await line.hangupChannel(next);
  });
});
