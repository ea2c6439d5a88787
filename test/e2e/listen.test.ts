import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import type { Hotline } from '../../src/app.js';
import { randomMobile } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine, testAmi, type TestEngine } from '../helpers/engine.js';
import { TEST_CITIZENS_CONTEXT, createTestAgent, createTestUser, installTestDialplan, signIn, type TestAgent } from '../helpers/test-agents.js';

/**
 * A supervisor listens to an agent's live call on the sandbox. The agent's phone is the
 * usual Local stand-in; the supervisor's "mobile" is a Local channel into
 * hotline-test-citizens, which rings into this test's ARI application, where the test
 * answers it. Asterisk's own channel list shows what runs on the supervisor's line.
 */
let engine: TestEngine;
let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
let ami: AmiClient;
let agent: TestAgent;
let supervisorToken: string;
let supervisorId: string;
const supervisorExten = randomMobile('0990');
const open: CitizenCall[] = [];

interface AriChannel {
  id: string;
  name: string;
  dialplan: { context: string; exten: string; app_name?: string; app_data?: string };
}

async function api(method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) {
  return hotline.http.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
}

/** ARI's GET /channels: every channel Asterisk has, with the application each runs. */
async function ariChannels(): Promise<AriChannel[]> {
  const base = process.env.ARI_URL?.trim() || 'http://127.0.0.1:8088';
  const auth = Buffer.from(`${process.env.ARI_USER}:${process.env.ARI_PASSWORD}`).toString('base64');
  const res = await fetch(`${base}/ari/channels`, { headers: { authorization: `Basic ${auth}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as AriChannel[];
}

const spiesOn = (channel: string) => (c: AriChannel) => c.dialplan.app_name === 'ChanSpy' && (c.dialplan.app_data ?? '').startsWith(`${channel},`);

beforeAll(async () => {
  engine = await startTestEngine();
  ({ hotline, cleanup } = engine);
  await hotline.hours.setOverride('open', 'test');
  line = await CitizenLine.connect();
  ami = await testAmi();
  await installTestDialplan(ami);
  agent = await createTestAgent(hotline, 'listened', ['parks_trees']);

  const supervisor = await createTestUser(hotline, 'sup', 'supervisor', 'سرپرست آزمون');
  supervisorId = supervisor.id;
  supervisorToken = await signIn(hotline, supervisor);
});

afterAll(async () => {
  for (const call of open) {
    await call.hangup().catch(() => undefined);
    call.dispose();
  }
  if (agent) await hotline.agents.desk.logout(agent.id).catch(() => undefined);
  await hotline?.hours.setOverride('auto', 'test');
  line?.close();
  await ami?.close();
  await cleanup?.();
});

describe('a supervisor listens to a live call', () => {
  it('rings the supervisor\'s line into ChanSpy of the agent\'s leg, which ends with the call', async () => {
    // The supervisor's "phone" is the test line's own context: set through the service, as
    // the API takes only the project's endpoints and the staff-phones context.
    const phone = await hotline.agents.supervisors.savePhone(supervisorId, {
      interface: `Local/${supervisorExten}@${TEST_CITIZENS_CONTEXT}/n`,
    });
    expect(phone.endpoint).toMatch(/^sup-/);

    expect((await api('POST', `/api/agents/${agent.id}/login`, supervisorToken)).statusCode).toBe(200);
    // Nobody to listen to yet.
    const idle = await api('POST', `/api/agents/${agent.id}/listen`, supervisorToken);
    expect(idle.statusCode).toBe(409);
    expect(idle.json().error.code).toBe('HOTLINE_ERR_NOT_ON_CALL');

    // A citizen reports a parks problem in district 7 and the agent answers.
    const call = await line.dial(randomMobile('0912'));
    open.push(call);
    await call.report('3', '7');
    const leg = await line.waitForLeg('agent', agent.endpoint);
    await line.answer(leg);
    await expect.poll(async () => (await hotline.agents.desk.get(agent.id)).state, { timeout: 15_000 }).toBe('on_call');

    const listen = await api('POST', `/api/agents/${agent.id}/listen`, supervisorToken);
    expect(listen.statusCode).toBe(202);
    const { channel, interface: rung, uniqueId } = listen.json() as { channel: string; interface: string; uniqueId: string };
    expect(rung).toBe(`Local/${supervisorExten}@${TEST_CITIZENS_CONTEXT}/n`);
    expect(uniqueId).toBe(call.hotlineId);
    // The agent's own leg of the queue call: the ;1 half of its Local stand-in.
    expect(channel).toMatch(new RegExp(`^Local/${agent.endpoint}@hotline-test-agents-[0-9a-f]+;1$`));
    expect((await ariChannels()).some((c) => c.name === channel)).toBe(true);

    // The supervisor's line rings; they answer, and it spies on the agent's channel.
    const supervisorLeg = await line.waitForLeg('callee', supervisorExten);
    await line.answer(supervisorLeg);
    await expect.poll(async () => (await ariChannels()).filter(spiesOn(channel)).length, { timeout: 10_000 }).toBe(1);
    const spy = (await ariChannels()).find(spiesOn(channel))!;
    expect(spy.name).toMatch(new RegExp(`^Local/${supervisorExten}@${TEST_CITIZENS_CONTEXT}-[0-9a-f]+;1$`));
    // Listen only: quiet (q), ends with the call (E), no whisper or barge.
    expect(spy.dialplan.app_data).toBe(`${channel},qE`);

    // The citizen hangs up: the spied call ends, and the spy with it (option E).
    await call.hangup();
    await call.waitForHotlineHangup();
    await expect.poll(async () => (await ariChannels()).some((c) => c.id === spy.id || spiesOn(channel)(c)), { timeout: 10_000 }).toBe(false);
    await expect.poll(async () => (await ariChannels()).some((c) => c.id === supervisorLeg), { timeout: 10_000 }).toBe(false);
  });
  it('finds the call in Asterisk\'s channel list after an engine restart mid-call', async () => {
    await hotline.agents.desk.endWrapUp(agent.id).catch(() => undefined);
    await expect.poll(async () => (await hotline.agents.desk.get(agent.id)).state, { timeout: 15_000 }).toBe('available');
    const call = await line.dial(randomMobile('0912'));
    open.push(call);
    await call.report('3', '7');
    const leg = await line.waitForLeg('agent', agent.endpoint);
    await line.answer(leg);
    await expect.poll(async () => (await hotline.agents.desk.get(agent.id)).state, { timeout: 15_000 }).toBe('on_call');

    // A deploy: the new engine never saw this call connect.
    await hotline.stop();
    const first = engine;
    const restarted = await startTestEngine(first.config);
    engine = restarted;
    hotline = restarted.hotline;
    cleanup = async () => (await restarted.cleanup(), await first.cleanup());

    const listen = await api('POST', `/api/agents/${agent.id}/listen`, supervisorToken);
    expect(listen.statusCode, listen.body).toBe(202);
    const { channel, uniqueId } = listen.json() as { channel: string; uniqueId: string };
    expect(channel).toMatch(new RegExp(`^Local/${agent.endpoint}@hotline-test-agents-[0-9a-f]+;1$`));
    expect(uniqueId).toBe(call.hotlineId);
    const supervisorLeg = await line.waitForLeg('callee', supervisorExten);
    await line.answer(supervisorLeg);
    await expect.poll(async () => (await ariChannels()).filter(spiesOn(channel)).length, { timeout: 10_000 }).toBe(1);
    await call.hangup();
    await expect.poll(async () => (await ariChannels()).some((c) => c.id === supervisorLeg), { timeout: 10_000 }).toBe(false);
  });
});
