import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Hotline } from '../../src/app.js';
import { hashPassword } from '../../src/services/passwords.js';
import { startTestEngine, testAmi } from '../helpers/engine.js';
import { SipPhone } from '../helpers/sip-phone.js';
import { queueMember } from '../helpers/test-agents.js';

/**
 * Disabling an agent (PATCH /api/users/:id {"active":false}) on the real sandbox with a
 * real SIP phone: the member leaves app_queue, the endpoint and its registered contact
 * leave Asterisk, and the API no longer hands out the SIP password.
 */
let hotline: Hotline;
let cleanup: () => Promise<void>;
let ami: AmiClient;
let phone: SipPhone | undefined;

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine());
  ami = await testAmi();
});

afterAll(async () => {
  await phone?.stop();
  await ami?.close();
  await cleanup?.();
});

const admin = { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` };

async function endpointNames(): Promise<string[]> {
  return (await ami.listAction({ action: 'PJSIPShowEndpoints' })).map((e) => String(e.objectname));
}

async function contactEndpoints(): Promise<string[]> {
  return (await ami.listAction({ action: 'PJSIPShowContacts' })).map((c) => String(c.endpoint));
}

describe('a disabled agent', () => {
  it('leaves every queue, loses its endpoint and contact, and gets no SIP account, at once', async () => {
    const repos = createRepositories(hotline.database);
    const username = `off${Date.now().toString(36)}`;
    const user = await repos.users.create({ username, displayName: 'کارشناس غیرفعال', role: 'agent', district: null, passwordHash: await hashPassword('agent-password-1234') });
    await hotline.agents.desk.saveProfile(user.id, { queues: [{ queue: 'complaints', penalty: 0 }, { queue: 'general', penalty: 1 }] });
    const account = await hotline.agents.desk.sipAccount(user.id);
    const endpoint = account.username;
    phone = await SipPhone.start(account);
    await phone.waitFor(/200 OK/);
    expect(await contactEndpoints()).toContain(endpoint);
    expect((await hotline.agents.desk.login(user.id)).state).toBe('available');
    for (const queue of ['complaints', 'general'] as const) expect(await queueMember(ami, queue, `PJSIP/${endpoint}`)).not.toBeNull();

    const res = await hotline.http.inject({ method: 'PATCH', url: `/api/users/${user.id}`, headers: admin, payload: { active: false } });
    expect(res.statusCode).toBe(200);

    // No waiting: the PATCH answered after Asterisk was changed.
    for (const queue of ['complaints', 'general'] as const) expect(await queueMember(ami, queue, `PJSIP/${endpoint}`)).toBeNull();
    expect(await endpointNames()).not.toContain(endpoint);
    expect(await contactEndpoints()).not.toContain(endpoint);
    const sip = await hotline.http.inject({ method: 'GET', url: `/api/agents/${user.id}/sip`, headers: admin });
    expect(sip.statusCode).toBe(403);
    const listed = (await hotline.http.inject({ method: 'GET', url: '/api/agents', headers: admin })).json() as { id: string; state: string }[];
    expect(listed.find((a) => a.id === user.id)?.state).toBe('logged_out');
  });
});
