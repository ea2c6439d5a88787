import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import { eq } from 'drizzle-orm';
import { createCallbackRepo } from '../../src/outbound/adapters/db/callback-repo.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { callbacks } from '../../src/adapters/db/schema/index.js';
import type { Hotline } from '../../src/app.js';
import type { DeskEvent, ScreenPop } from '../../src/domain/agents/agent.js';
import type { Call } from '../../src/domain/cases/ports.js';
import { randomMobile } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine, testAmi } from '../helpers/engine.js';
import { engineClock } from '../helpers/test-clock.js';
import { TEST_CITIZENS_CONTEXT, createTestAgent, installTestDialplan, queueMember, signIn, type TestAgent } from '../helpers/test-agents.js';

/**
 * Agents answering real queue calls on the sandbox. Their phones are Local-channel
 * stand-ins that ring into this test's ARI application, where the test answers, lets
 * ring or rejects them; app_queue, AMI and the engine are the real ones.
 */
let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
let ami: AmiClient;
let repos: ReturnType<typeof createRepositories>;
let a: TestAgent;
let b: TestAgent;
const tokens = new Map<string, string>();
const desk = new Map<string, DeskEvent[]>();
const open: CitizenCall[] = [];

async function api(method: 'GET' | 'POST', url: string, token: string, payload?: object) {
  return hotline.http.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
}

/** Resolves with the first desk event of `agent` (past or future) matching `predicate`. */
async function deskEvent(agent: TestAgent, predicate: (e: DeskEvent) => boolean, timeoutMs = 30_000): Promise<DeskEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = desk.get(agent.id)!.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such desk event for ${agent.username}: ${JSON.stringify(desk.get(agent.id)!.map((e) => e.type))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stateIs = (state: string, reason?: string) => (e: DeskEvent) =>
  e.type === 'state' && e.agent.state === state && (reason === undefined || e.agent.pauseReason === reason);

function clearDesk(): void {
  for (const events of desk.values()) events.length = 0;
}

/** A citizen reporting a parks problem in district 7: walks the IVR into the parks_trees queue. */
async function callParksQueue(caller: string): Promise<CitizenCall> {
  const call = await line.dial(caller);
  open.push(call);
  await call.report('3', '7');
  await call.waitForPrompt('queue-transfer');
  return call;
}

/** Polls the call row until `ready` holds (AMI events land asynchronously). */
async function callRow(uniqueId: string, ready: (row: Call) => boolean): Promise<Call> {
  for (;;) {
    const row = await repos.calls.findByUniqueId(uniqueId);
    if (row && ready(row)) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine(undefined, {
    // Long enough to see a call skip an agent in wrap-up; the test ends it by hand.
    HOTLINE_WRAPUP_SECONDS: '300',
    HOTLINE_AGENT_MAX_MISSED: '1',
    HOTLINE_DIAL_TEMPLATE: `Local/{number}@${TEST_CITIZENS_CONTEXT}/n`,
    // Callbacks keep to the dialling window; open all week so the test does not depend on the day.
    SURVEY_CALLING_DAYS: 'saturday-friday',
    SURVEY_CALLING_HOURS: '00:00-24:00',
  }));
  repos = createRepositories(hotline.database);
  await hotline.hours.setOverride('open', 'test');
  line = await CitizenLine.connect();
  ami = await testAmi();
  await installTestDialplan(ami);
  a = await createTestAgent(hotline, 'a', ['parks_trees']);
  b = await createTestAgent(hotline, 'b', ['parks_trees']);
  for (const agent of [a, b]) {
    tokens.set(agent.id, await signIn(hotline, agent));
    desk.set(agent.id, []);
    hotline.agents.desk.subscribe(agent.id, (e) => desk.get(agent.id)!.push(e));
  }
});

afterAll(async () => {
  for (const call of open) {
    await call.hangup().catch(() => undefined);
    call.dispose();
  }
  for (const agent of [a, b]) if (agent) await hotline.agents.desk.logout(agent.id).catch(() => undefined);
  await hotline?.hours.setOverride('auto', 'test');
  line?.close();
  await ami?.close();
  await cleanup?.();
});

describe('agents answer the queues', () => {
  it('logs agents in over AMI and pauses them with a reason in app_queue', async () => {
    for (const agent of [a, b]) {
      const res = await api('POST', `/api/agents/${agent.id}/login`, tokens.get(agent.id)!);
      expect(res.statusCode).toBe(200);
      expect(res.json().state).toBe('available');
    }
    const member = await queueMember(ami, 'parks_trees', `Local/${a.endpoint}@hotline-test-agents/n`);
    expect(member).toMatchObject({ paused: '0' });

    // An agent acts only on themselves.
    expect((await api('POST', `/api/agents/${b.id}/pause`, tokens.get(a.id)!, { reason: 'break' })).statusCode).toBe(403);
    const paused = await api('POST', `/api/agents/${b.id}/pause`, tokens.get(b.id)!, { reason: 'break' });
    expect(paused.json()).toMatchObject({ state: 'paused', pauseReason: 'break' });
    const memberB = await queueMember(ami, 'parks_trees', `Local/${b.endpoint}@hotline-test-agents/n`);
    expect(memberB).toMatchObject({ paused: '1', pausedreason: 'break' });
  });

  it('rings the available agent, pops the screen with the caller\'s history, and ties a case to the call', async () => {
    const caller = randomMobile('0935');
    const earlier = await repos.cases.create({ channel: 'manual', category: 'parks_trees', district: 7, callerPhone: caller, description: 'درخت افتاده', actor: 'test' });
    clearDesk();
    const call = await callParksQueue(caller);

    const leg = await line.waitForLeg('agent', a.endpoint);
    expect(line.hasLeg('agent', b.endpoint)).toBe(false); // B is paused
    await line.answer(leg);

    const pop = ((await deskEvent(a, (e) => e.type === 'screen-pop')) as { pop: ScreenPop }).pop;
    expect(pop).toMatchObject({ caller, queue: 'parks_trees', category: 'parks_trees', district: 7, uniqueId: call.hotlineId });
    expect(pop.waitedSeconds).toBeGreaterThanOrEqual(0);
    expect(pop.history.cases.map((c) => c.trackingNumber)).toContain(earlier.trackingNumber);
    expect(desk.get(b.id)!.some((e) => e.type === 'screen-pop')).toBe(false);
    await deskEvent(a, stateIs('on_call'));

    const body = { category: 'parks_trees', district: 7, address: 'پارک لاله', description: 'شاخه شکسته روی نیمکت' };
    expect((await api('POST', `/api/calls/${pop.callId}/case`, tokens.get(b.id)!, body)).statusCode).toBe(403);
    const created = await api('POST', `/api/calls/${pop.callId}/case`, tokens.get(a.id)!, body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ channel: 'phone', callerPhone: caller, callId: pop.callId });

    const answered = await callRow(call.hotlineId, (r) => r.queueRecord.queueResult === 'answered');
    expect(answered.queueRecord.agentId).toBe(a.id);
    expect(answered.caseId).toBe(created.json().id);
    expect(answered.queueRecord.queueJoinedAt).not.toBeNull();

    await line.hangupChannel(leg);
    await deskEvent(a, (e) => e.type === 'call-ended');
    const wrapping = (await deskEvent(a, stateIs('wrap_up'))) as { agent: { wrapUpUntil: string } };
    expect(Date.parse(wrapping.agent.wrapUpUntil)).toBeGreaterThan(engineClock().getTime() + 200_000);
    const done = await callRow(call.hotlineId, (r) => r.queueRecord.talkSeconds !== null);
    expect(done.queueRecord.wrapUpSeconds).toBe(300);
  });

  it('offers no call to an agent in wrap-up, then rings the longest-idle agent first', async () => {
    await api('POST', `/api/agents/${b.id}/unpause`, tokens.get(b.id)!);
    clearDesk();
    const second = await callParksQueue(randomMobile('0912'));
    const legB = await line.waitForLeg('agent', b.endpoint);
    expect(line.hasLeg('agent', a.endpoint)).toBe(false); // A is still wrapping up
    await line.answer(legB);
    await deskEvent(b, (e) => e.type === 'screen-pop');
    await line.hangupChannel(legB);
    await deskEvent(b, stateIs('wrap_up'));
    await second.waitForHotlineHangup();

    // Both free again: A's last call ended before B's, so A has been idle longest.
    for (const agent of [a, b]) {
      const res = await api('POST', `/api/agents/${agent.id}/wrap-up/end`, tokens.get(agent.id)!);
      expect(res.json().state).toBe('available');
    }
    clearDesk();
    await callParksQueue(randomMobile('0912'));
    const legA = await line.waitForLeg('agent', a.endpoint);
    expect(line.hasLeg('agent', b.endpoint)).toBe(false);

    // A rejects it: with HOTLINE_AGENT_MAX_MISSED=1 the engine pauses A as `missed`,
    // and app_queue offers the call to B.
    await line.hangupChannel(legA, 'busy');
    await deskEvent(a, stateIs('paused', 'missed'));
    const memberA = await queueMember(ami, 'parks_trees', `Local/${a.endpoint}@hotline-test-agents/n`);
    expect(memberA).toMatchObject({ paused: '1', pausedreason: 'missed' });
    const nextLeg = await line.waitForLeg('agent', b.endpoint);
    await line.answer(nextLeg);
    await deskEvent(b, (e) => e.type === 'screen-pop');
    await line.hangupChannel(nextLeg);
    await deskEvent(b, stateIs('wrap_up'));
  });

  it('records an abandoned call with how long the caller waited, live on the wallboard API', async () => {
    const stats = async () => {
      const res = await api('GET', '/api/queues/stats', process.env.HOTLINE_ADMIN_TOKEN!);
      expect(res.statusCode).toBe(200);
      return res.json().queues.parks_trees as { callsWaiting: number; waiting: { caller: string }[]; today: { abandoned: number; answered: number }; agentsByState: Record<string, number> };
    };
    const before = await stats();
    // Three calls answered so far today in this queue, by the agents above.
    expect(before.today.answered).toBeGreaterThanOrEqual(3);
    // The wallboard follows Asterisk's queue-member events, which may come a moment after
    // the desk event the test above waited on.
    await expect.poll(async () => (await stats()).agentsByState, { timeout: 5_000 }).toMatchObject({ paused: 1, wrapUp: 1 });

    // A is paused (missed), B in wrap-up: the caller waits with nobody to ring.
    const caller = randomMobile('0912');
    const call = await callParksQueue(caller);
    await callRow(call.hotlineId, (r) => r.queueRecord.queueJoinedAt !== null);
    await expect.poll(async () => (await stats()).waiting.map((w) => w.caller), { timeout: 5_000 }).toContain(caller);
    for (;;) {
      const entries = await ami.listAction({ action: 'QueueStatus', queue: 'parks_trees' });
      const entry = entries.find((e) => e.event === 'QueueEntry' && e.uniqueid === call.hotlineId);
      if (entry && Number(entry.wait) >= 2) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await call.hangup();
    const row = await callRow(call.hotlineId, (r) => r.queueRecord.queueResult === 'abandoned');
    expect(row.queueRecord.waitSeconds).toBeGreaterThanOrEqual(2);
    expect(row.queueRecord.agentId).toBeNull();
    await expect.poll(async () => (await stats()).callsWaiting, { timeout: 5_000 }).toBe(0);
    expect((await stats()).today.abandoned).toBe(before.today.abandoned + 1);
  });

  it('calls back a caller who pressed 1, once an agent is free, ahead of the queue', async () => {
    const caller = randomMobile('0919');
    const call = await callParksQueue(caller);
    await callRow(call.hotlineId, (r) => r.queueRecord.queueJoinedAt !== null);
    await call.press('1');
    await call.waitForPrompt('callback-registered');
    await call.waitForHotlineHangup();
    const row = await callRow(call.hotlineId, (r) => r.outcome === 'callback');
    expect(row.ivrPath).toContain('callback');

    // Nobody is free yet; A comes back and the dialler calls the citizen.
    clearDesk();
    const back = await api('POST', `/api/agents/${a.id}/unpause`, tokens.get(a.id)!);
    expect(back.json()).toMatchObject({ state: 'available' });
    const callee = await line.waitForLeg('callee', caller, 40_000);
    await line.answer(callee);
    const legA = await line.waitForLeg('agent', a.endpoint, 40_000);
    await line.answer(legA);
    const pop = ((await deskEvent(a, (e) => e.type === 'screen-pop')) as { pop: ScreenPop }).pop;
    expect(pop.caller).toBe(caller);
    expect(pop.queue).toBe('parks_trees');
    await line.hangupChannel(legA);
    await line.hangupChannel(callee);

    // The conversation's end reaches the engine although the call had left Stasis for
    // the queue: the attempt is closed as answered, which gives its outbound slot back.
    const [callback] = await hotline.database.db.select().from(callbacks).where(eq(callbacks.phone, caller));
    expect(callback).toMatchObject({ status: 'connected', attempts: 1 });
    const attemptsRepo = createCallbackRepo(hotline.database.db);
    await expect.poll(async () => (await attemptsRepo.attempts(callback!.id))[0]?.endedAt ?? null, { timeout: 10_000 }).not.toBeNull();
    expect((await attemptsRepo.attempts(callback!.id))[0]).toMatchObject({ attempt: 1, outcome: 'answered' });
  });
});
