import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ari, { type Channel, type Client, type StasisStart } from 'ari-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { FALLBACK_PREFIX, parseFallbackName } from '../../src/services/fallback-import.js';
import { wizardSection, WIZARD_FILE } from '../../src/services/pjsip-provisioner.js';
import { randomMobile } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine } from '../helpers/engine.js';
import { dialHotlineOverAmi, sandboxAmi, sandboxCli, sandboxNode, sandboxNodeEnv, sandboxScript } from '../helpers/sandbox-nodes.js';
import { poll } from '../helpers/sip-answered-call.js';
import { SipPhone } from '../helpers/sip-phone.js';

/**
 * The sandbox's second Asterisk node (scripts/asterisk-sandbox.sh --node b) beside the
 * first: its own ports, config, control socket and uniqueids, from the same root. Node a
 * is only asked questions here (other sessions' calls run on it); node b is stopped and
 * started again by the last test, which leaves it running.
 */
const a = sandboxNode('a');
const b = sandboxNode('b');
const auth = `Basic ${Buffer.from(`${process.env.ARI_USER}:${process.env.ARI_PASSWORD}`).toString('base64')}`;
const ariGet = (node: typeof a, resource: string) => fetch(`${node.ariUrl}/ari/${resource}`, { headers: { authorization: auth } });

/** The endpoints with a registered contact; Asterisk answers an error when there is none. */
async function contactEndpoints(ami: AmiClient): Promise<unknown[]> {
  try {
    return (await ami.listAction({ action: 'PJSIPShowContacts' })).map((c) => c.endpoint);
  } catch (err) {
    if (/No Contacts found/i.test((err as Error).message)) return [];
    throw err;
  }
}

let startedB = false;
let amiA: AmiClient;
let amiB: AmiClient;
let root = '';

beforeAll(async () => {
  // Run on its own (not under npm test, which ensures sandbox-b), node b may be down.
  if (!(await sandboxScript('b', 'status').then(() => true, () => false))) {
    await sandboxScript('b', 'start');
    startedB = true;
  }
  root = (await sandboxScript('b', 'root')).trim();
  [amiA, amiB] = await Promise.all([sandboxAmi('a'), sandboxAmi('b')]);
});

afterAll(async () => {
  await amiA?.close();
  await amiB?.close();
  if (startedB) await sandboxScript('b', 'stop');
});

describe('the sandbox\'s second Asterisk node', () => {
  it('answers on its own ARI and AMI ports, as another Asterisk than node a', async () => {
    const [infoA, infoB] = await Promise.all([ariGet(a, 'asterisk/info'), ariGet(b, 'asterisk/info')]);
    expect([infoA.status, infoB.status]).toEqual([200, 200]);
    expect(b.ariUrl).toBe('http://127.0.0.1:8090');
    expect(((await infoB.json()) as { config: { name: string } }).config.name).toBe('node-b');
    expect(((await infoA.json()) as { config: { name: string } }).config.name).toBe('');

    expect(amiB.isConnected()).toBe(true);
    expect(b.amiPort).toBe(5039);
    const settings = await amiB.action({ action: 'CoreSettings' });
    expect(settings.response).toBe('Success');

    // The CLI reaches node b's own control socket, not node a's.
    expect(await sandboxCli('b', 'core show settings')).toMatch(/System name:\s+node-b/);
    expect(await sandboxCli('a', 'core show settings')).not.toMatch(/System name:\s+node-b/);
    expect(await sandboxCli('b', 'pjsip show transports')).toContain('127.0.0.1:5070');
    expect(await sandboxCli('b', 'rtp show settings')).toMatch(/Port start:\s+20000[\s\S]*Port end:\s+29999/);
  });

  it('takes a call into 137@from-pstn to its own Stasis app hotline, with a node-b- uniqueid', async () => {
    // A bare ARI client as node b's engine: the hotline app on node b only.
    const client: Client = await ari.connect(b.ariUrl, process.env.ARI_USER!, process.env.ARI_PASSWORD!);
    let channelId: string | undefined;
    try {
      const caller = randomMobile('0912');
      const arrived = new Promise<Channel>((resolve) => {
        client.on('StasisStart', (_event: StasisStart, channel: Channel) => {
          if (channel.caller.number === caller) resolve(channel);
        });
      });
      await client.start('hotline');
      await dialHotlineOverAmi(amiB, caller);
      const channel = await arrived;
      channelId = channel.id;

      expect(channel.id).toMatch(/^node-b-\d+\.\d+$/);
      expect(channel.id.startsWith(b.uniqueIdPrefix)).toBe(true);
      expect(channel.dialplan).toMatchObject({ context: 'from-pstn', exten: '137' });
      // Node b has the channel; node a has never seen it.
      expect((await ariGet(b, `channels/${channel.id}`)).status).toBe(200);
      expect((await ariGet(a, `channels/${channel.id}`)).status).toBe(404);
      const onA = (await (await ariGet(a, 'channels')).json()) as { id: string; caller: { number: string } }[];
      expect(onA.filter((c) => c.caller.number === caller || c.id === channel.id)).toEqual([]);
    } finally {
      if (channelId) await client.channels.hangup({ channelId }).catch(() => undefined);
      client.stop();
      (client as unknown as NodeJS.EventEmitter).removeAllListeners();
    }
  });

  it('serves the engine pointed at it (sandboxNodeEnv): its IVR plays, the call row carries the node-b- uniqueid', async () => {
    const engine = await startTestEngine(undefined, sandboxNodeEnv('b'));
    const caller = randomMobile('0912');
    let line: CitizenLine | undefined;
    let citizen: CitizenCall | undefined;
    try {
      expect(engine.config.ari.url).toBe(b.ariUrl);
      expect(engine.config.ami.port).toBe(b.amiPort);
      await engine.hotline.hours.setOverride('open', 'test');
      // A scripted citizen on node b hears the IVR from the shared sounds.
      line = await CitizenLine.connect('b');
      citizen = await line.dial(randomMobile('0912'));
      await citizen.waitForPrompt('main-menu');
      await citizen.hangup();
      await citizen.waitForHotlineHangup();

      const repos = createRepositories(engine.hotline.database);
      await dialHotlineOverAmi(amiB, caller);
      const rows = await poll(() => repos.calls.list({ limit: 5 }), (list) => list.some((r) => r.uniqueId !== citizen!.hotlineId));
      const call = rows.find((r) => r.uniqueId !== citizen!.hotlineId);
      expect(call!.uniqueId).toMatch(/^node-b-\d+\.\d+$/);
      expect((await ariGet(b, `channels/${call!.uniqueId}`)).status).toBe(200);
      expect((await ariGet(a, `channels/${call!.uniqueId}`)).status).toBe(404);
    } finally {
      citizen?.dispose();
      line?.close();
      await engine.hotline.hours.setOverride('auto', 'test').catch(() => undefined);
      const channels = (await (await ariGet(b, 'channels')).json()) as { id: string; caller: { number: string } }[];
      for (const c of channels.filter((ch) => ch.caller.number === caller)) {
        await fetch(`${b.ariUrl}/ari/channels/${c.id}`, { method: 'DELETE', headers: { authorization: auth } });
      }
      await engine.cleanup();
    }
  });

  it('registers a SIP phone provisioned on node b over udp 5070', async () => {
    const endpoint = `agent-nodeb${randomBytes(4).toString('hex')}`;
    const password = randomBytes(18).toString('base64url');
    const section = wizardSection({ endpoint, sipPassword: password });
    let phone: SipPhone | undefined;
    try {
      // The engine's own section, written over node b's AMI into node b's config.
      await amiB.action({
        action: 'UpdateConfig',
        srcfilename: WIZARD_FILE,
        dstfilename: WIZARD_FILE,
        reload: 'res_pjsip.so',
        'action-000000': 'NewCat',
        'cat-000000': endpoint,
        ...Object.fromEntries(
          section.flatMap(([name, value], i) => {
            const n = String(i + 1).padStart(6, '0');
            return [[`action-${n}`, 'Append'], [`cat-${n}`, endpoint], [`var-${n}`, name], [`value-${n}`, value]];
          }),
        ),
      });
      expect(await readFile(path.join(root, 'etc/asterisk-b', WIZARD_FILE), 'utf8')).toContain(`[${endpoint}]`);
      expect(await readFile(path.join(root, 'etc/asterisk', WIZARD_FILE), 'utf8')).not.toContain(`[${endpoint}]`);

      // Its own listening port: other tests' phones take the default 5071.
      phone = await SipPhone.start({ username: endpoint, password, domain: '127.0.0.1' }, 5083, b.sipPort);
      await phone.waitFor(/200 OK/);
      expect(await contactEndpoints(amiB)).toContain(endpoint);
      expect(await contactEndpoints(amiA)).not.toContain(endpoint);
    } finally {
      await phone?.stop();
      await amiB.action({
        action: 'UpdateConfig',
        srcfilename: WIZARD_FILE,
        dstfilename: WIZARD_FILE,
        reload: 'res_pjsip.so',
        'action-000000': 'DelCat',
        'cat-000000': endpoint,
      });
    }
  });

  it('keeps a fallback voice message in its own spool, named with its node-b- uniqueid', async () => {
    // No Stasis app hotline on node b now: Stasis fails and the dialplan fallback takes
    // the call. Closed by override (node b's own astdb), so it ends in the voicebox.
    const before = await sandboxCli('b', 'database get hotline override');
    const previous = /Value:\s*(\S+)/.exec(before)?.[1];
    await sandboxCli('b', 'database put hotline override closed');
    const caller = randomMobile('0912');
    let stored: string | undefined;
    try {
      await dialHotlineOverAmi(amiB, caller, 60);
      const names = await poll(
        async () => ((await (await ariGet(b, 'recordings/stored')).json()) as { name: string }[]).map((r) => r.name),
        (list) => list.some((n) => n.startsWith(FALLBACK_PREFIX) && n.endsWith(`-${caller}`)),
        40_000,
      );
      stored = names.find((n) => n.startsWith(FALLBACK_PREFIX) && n.endsWith(`-${caller}`))!;
      const parsed = parseFallbackName(stored);
      expect(parsed?.uniqueId).toMatch(/^node-b-\d+\.\d+$/);
      expect(parsed?.caller).toBe(caller);
      const file = `${stored.slice(FALLBACK_PREFIX.length)}.wav`;
      expect(existsSync(path.join(root, 'var/spool/asterisk-b/recording/hotline-fallback', file))).toBe(true);
      expect(existsSync(path.join(root, 'var/spool/asterisk/recording/hotline-fallback', file))).toBe(false);
    } finally {
      const channels = (await (await ariGet(b, 'channels')).json()) as { id: string; caller: { number: string } }[];
      for (const c of channels.filter((ch) => ch.caller.number === caller)) {
        await fetch(`${b.ariUrl}/ari/channels/${c.id}`, { method: 'DELETE', headers: { authorization: auth } });
      }
      if (stored) await fetch(`${b.ariUrl}/ari/recordings/stored/${encodeURIComponent(stored)}`, { method: 'DELETE', headers: { authorization: auth } });
      await sandboxCli('b', previous ? `database put hotline override ${previous}` : 'database del hotline override');
    }
  });

  it('stops and starts again on its own while node a keeps running', async () => {
    await amiB.close();
    await sandboxScript('b', 'stop');
    try {
      await expect(sandboxScript('b', 'status')).rejects.toThrow();
      expect(await sandboxScript('a', 'status')).toMatch(/^running/);
      expect((await ariGet(a, 'asterisk/info')).status).toBe(200);
      // Node a still has the root's /proc: only the last node to stop unmounts it.
      expect(existsSync(path.join(root, 'proc/self/status'))).toBe(true);
      await expect(ariGet(b, 'asterisk/info')).rejects.toThrow();
    } finally {
      await sandboxScript('b', 'start');
    }
    expect(await sandboxScript('b', 'status')).toMatch(/^running/);
    expect((await ariGet(b, 'asterisk/info')).status).toBe(200);
    amiB = await sandboxAmi('b');
    expect(amiB.isConnected()).toBe(true);
  });
});
