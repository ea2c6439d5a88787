import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { NodeHealth } from '../../src/adapters/http/deps.js';
import type { Hotline } from '../../src/app.js';
import { hashPassword } from '../../src/services/passwords.js';
import { randomMobile } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine } from '../helpers/engine.js';
import { sandboxNode, sandboxScript, type SandboxNodeName } from '../helpers/sandbox-nodes.js';
import { SipPhone } from '../helpers/sip-phone.js';
import { finishMessage } from '../chaos/harness/voicebox-caller.js';

/**
 * One engine on two Asterisk nodes (the sandbox's a and b, each running the same
 * dialplan): calls on either become cases, an agent registered on a node answers that
 * node's queue calls, health (what the wallboard shows) has both nodes, and a node that
 * stops takes none of the other node's calls with it.
 */
const SPEECH = 'sound:auth-incorrect';
const NODE_B = sandboxNode('b');

let hotline: Hotline;
let cleanup: () => Promise<void>;
const lines = {} as Record<SandboxNodeName, CitizenLine>;
const calls: CitizenCall[] = [];
const phones: SipPhone[] = [];
const agentIds: string[] = [];

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine(undefined, {
    ASTERISK_NODES: 'b',
    ASTERISK_B_ARI_URL: NODE_B.ariUrl,
    ASTERISK_B_AMI_HOST: NODE_B.amiHost,
    ASTERISK_B_AMI_PORT: String(NODE_B.amiPort),
  }));
  await Promise.all(hotline.nodes.map((n) => Promise.all([n.ari.waitConnected(20_000), n.ami.waitConnected(20_000)])));
  [lines.a, lines.b] = await Promise.all([CitizenLine.connect('a'), CitizenLine.connect('b')]);
}, 60_000);

afterAll(async () => {
  for (const call of calls) {
    await call.hangup().catch(() => undefined);
    call.dispose();
  }
  for (const id of agentIds) await hotline?.agents.desk.logout(id).catch(() => undefined);
  await Promise.all(phones.map((p) => p.stop()));
  await hotline?.hours.setOverride('auto', 'test');
  lines.a?.close();
  lines.b?.close();
  await cleanup?.();
  // Node b is started again whatever happened: other tests may need it.
  await sandboxScript('b', 'start').catch(() => undefined);
});

const api = (path: string) => fetch(`${hotline.url}${path}`, { headers: { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` } });

async function nodesHealth(): Promise<{ status: number; nodes: NodeHealth[]; warnings: string[] }> {
  const res = await api('/api/health');
  const body = (await res.json()) as { nodes: NodeHealth[]; warnings?: string[] };
  return { status: res.status, nodes: body.nodes, warnings: body.warnings ?? [] };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Menu → streets and lighting → district 7 → the after-hours message, kept. */
async function leaveMessage(call: CitizenCall): Promise<void> {
  try {
    await messageSteps(call);
  } catch (err) {
    throw new Error(`${(err as Error).message}; prompts heard: ${call.promptsHeard.join(' ')}`, { cause: err });
  }
}

async function messageSteps(call: CitizenCall): Promise<void> {
  await call.report('2', '7');
  await call.waitForPrompt('after-hours');
  await call.waitForRecordingStarted();
  await call.speak(SPEECH);
  await finishMessage(call);
  await call.waitForHotlineHangup();
}

async function dial(node: SandboxNodeName): Promise<{ call: CitizenCall; caller: string }> {
  const caller = randomMobile('0912');
  const call = await lines[node].dial(caller);
  calls.push(call);
  return { call, caller };
}

async function caseOf(caller: string) {
  const repos = createRepositories(hotline.database);
  return until(`the case of ${caller}`, async () => (await repos.cases.list({ phone: caller }))[0]);
}

describe('one engine on two Asterisk nodes', () => {
  it('shows both nodes in health, up and driven by this engine', async () => {
    const { status, nodes } = await nodesHealth();
    expect(status).toBe(200);
    expect(nodes.map((n) => [n.name, n.ari, n.ami, n.driving])).toEqual([
      ['a', true, true, true],
      ['b', true, true, true],
    ]);
  });

  it("turns a message left on either node into a case, with the recording from the caller's node", { timeout: 180_000 }, async () => {
    await hotline.hours.setOverride('closed', 'test');
    const onA = await dial('a');
    const onB = await dial('b');
    // Each call is driven by the IVR app of its own node.
    await Promise.all([onA.call.waitForPrompt('main-menu'), onB.call.waitForPrompt('main-menu')]);
    expect([hotline.nodes[0]!.stasis.owns(onA.call.hotlineId), hotline.nodes[1]!.stasis.owns(onA.call.hotlineId)]).toEqual([true, false]);
    expect([hotline.nodes[0]!.stasis.owns(onB.call.hotlineId), hotline.nodes[1]!.stasis.owns(onB.call.hotlineId)]).toEqual([false, true]);
    expect((await nodesHealth()).nodes.map((n) => n.callers)).toEqual([1, 1]);

    await Promise.all([leaveMessage(onA.call), leaveMessage(onB.call)]);
    for (const { caller } of [onA, onB]) {
      const created = await caseOf(caller);
      expect(created).toMatchObject({ channel: 'voicebox', category: 'streets_lighting', district: 7 });
      const res = await api(`/api/cases/${created.trackingNumber}/recording`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).length).toBeGreaterThan(16_000);
    }
  });

  it("rings the agent registered on the caller's node, on each node", { timeout: 180_000 }, async () => {
    await hotline.hours.setOverride('open', 'test');
    const repos = createRepositories(hotline.database);
    const agents = {} as Record<SandboxNodeName, { id: string; phone: SipPhone }>;
    for (const [node, listenPort] of [['a', 5075], ['b', 5077]] as const) {
      const username = `node${node}${Date.now().toString(36)}`;
      const user = await repos.users.create({ username, displayName: `کارشناس ${node}`, role: 'agent', district: null, passwordHash: await hashPassword('node-agent-password') });
      agentIds.push(user.id);
      await hotline.agents.desk.saveProfile(user.id, { queues: [{ queue: 'complaints', penalty: 0 }] });
      // The account is written to every node; the phone registers with its own node only.
      const phone = await SipPhone.start(await hotline.agents.desk.sipAccount(user.id), listenPort, sandboxNode(node).sipPort);
      phones.push(phone);
      await phone.waitFor(/200 OK/);
      expect((await hotline.agents.desk.login(user.id)).state).toBe('available');
      agents[node] = { id: user.id, phone };
    }

    const answered = (node: SandboxNodeName) => agents[node].phone.output.filter((l) => /answering call .* with 200/.test(l)).length;
    for (const node of ['b', 'a'] as const) {
      const other = node === 'a' ? 'b' : 'a';
      const before = answered(other);
      const { call } = await dial(node);
      await call.waitForPrompt('main-menu');
      await call.press('3'); // a complaint about staff: the complaints queue
      await until(`the agent on node ${node} answering`, async () => answered(node) === 1, 40_000);
      const row = await until('the queue record', async () => {
        const r = await repos.calls.findByUniqueId(call.hotlineId);
        return r?.queueRecord?.agentId ? r : null;
      });
      expect(row.queueRecord).toMatchObject({ queueResult: 'answered', agentId: agents[node].id });
      // The other node's agent was free too, but their phone is not registered on this node.
      expect(answered(other)).toBe(before);
      await call.hangup();
      await call.waitForHotlineHangup();
    }
  });

  it('keeps serving node a while node b stops, says which node is down, and takes node b back', { timeout: 240_000 }, async () => {
    await hotline.hours.setOverride('closed', 'test');
    const { call, caller } = await dial('a');
    await call.waitForPrompt('main-menu');
    await sandboxScript('b', 'stop');
    const down = await until('node b down in health', async () => {
      const h = await nodesHealth();
      return h.nodes[1]!.ari === false && h.nodes[1]!.ami === false ? h : null;
    });
    // Still serving: node a's calls go on, so the engine stays ready.
    expect(down.status).toBe(200);
    expect(down.nodes[0]).toMatchObject({ name: 'a', ari: true, ami: true });
    expect(down.warnings).toContain('Asterisk node b: ARI is down; its callers get the dialplan fallback');

    await leaveMessage(call);
    expect(await caseOf(caller)).toMatchObject({ channel: 'voicebox', district: 7 });

    await sandboxScript('b', 'start');
    await Promise.all([hotline.nodes[1]!.ari.waitConnected(30_000), hotline.nodes[1]!.ami.waitConnected(30_000)]);
    lines.b.close();
    lines.b = await CitizenLine.connect('b');
    const onB = await dial('b');
    await leaveMessage(onB.call);
    expect(await caseOf(onB.caller)).toMatchObject({ channel: 'voicebox', district: 7 });
    expect((await nodesHealth()).warnings.filter((w) => w.startsWith('Asterisk node'))).toEqual([]);
  });
});
