import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Hotline } from '../../src/app.js';
import type { DeskEvent, ScreenPop } from '../../src/domain/agents/agent.js';
import { hashPassword } from '../../src/services/passwords.js';
import { randomMobile } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine, testAmi } from '../helpers/engine.js';
import { SipPhone } from '../helpers/sip-phone.js';

/**
 * An agent on a real SIP phone: the engine writes the agent's PJSIP endpoint into
 * Asterisk over AMI, baresip registers with the account the API gives the agent, and a
 * citizen's call from the IVR rings the phone over SIP, which answers.
 */
let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
let ami: AmiClient;
let phone: SipPhone | undefined;
let call: CitizenCall | undefined;
let agentId = '';

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine());
  await hotline.hours.setOverride('open', 'test');
  line = await CitizenLine.connect();
  ami = await testAmi();
});

afterAll(async () => {
  await call?.hangup().catch(() => undefined);
  call?.dispose();
  if (agentId) await hotline.agents.desk.logout(agentId).catch(() => undefined);
  await phone?.stop();
  await hotline?.hours.setOverride('auto', 'test');
  line?.close();
  await ami?.close();
  await cleanup?.();
});

describe('an agent on a SIP phone', () => {
  it('registers with its generated account and answers a queue call over SIP', async () => {
    const repos = createRepositories(hotline.database);
    const username = `sip${Date.now().toString(36)}`;
    const user = await repos.users.create({ username, displayName: 'کارشناس SIP', role: 'agent', district: null, passwordHash: await hashPassword('sip-agent-password') });
    agentId = user.id;
    const profile = await hotline.agents.desk.saveProfile(user.id, { queues: [{ queue: 'complaints', penalty: 0 }] });
    expect(profile.interface).toBe(`PJSIP/agent-${username}`);

    const account = await hotline.agents.desk.sipAccount(user.id);
    expect(account.password.length).toBeGreaterThanOrEqual(24);
    phone = await SipPhone.start(account);
    await phone.waitFor(/200 OK/);
    // Asterisk's own view: the endpoint has a contact now.
    const contacts = await ami.listAction({ action: 'PJSIPShowContacts' });
    expect(contacts.map((c) => c.endpoint)).toContain(account.username);

    const events: DeskEvent[] = [];
    hotline.agents.desk.subscribe(user.id, (e) => events.push(e));
    expect((await hotline.agents.desk.login(user.id)).state).toBe('available');

    const caller = randomMobile('0912');
    call = await line.dial(caller);
    await call.waitForPrompt('main-menu');
    await call.press('3'); // a complaint about staff goes to the complaints queue
    await phone.waitFor(/answering call .* with 200/, 40_000);
    for (;;) {
      const pop = events.find((e): e is { type: 'screen-pop'; pop: ScreenPop } => e.type === 'screen-pop');
      if (pop) {
        expect(pop.pop).toMatchObject({ caller, queue: 'complaints', uniqueId: call.hotlineId });
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const row = await repos.calls.findByUniqueId(call.hotlineId);
    expect(row?.queueRecord).toMatchObject({ queueResult: 'answered', agentId: user.id });
  });
});
