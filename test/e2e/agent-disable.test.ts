import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Hotline } from '../../src/app.js';
import { hashPassword } from '../../src/services/passwords.js';
import { startTestEngine, testAmi } from '../helpers/engine.js';
import { queueMember } from '../helpers/test-agents.js';

/**
 * Disabling an agent (PATCH /api/users/:id {"active":false}) on the real sandbox: the
 * member leaves app_queue, the endpoint leaves Asterisk's PJSIP config, and the API no
 * longer hands out the SIP password.
 */
let hotline: Hotline;
let cleanup: () => Promise<void>;
let ami: AmiClient;

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine());
  ami = await testAmi();
});

afterAll(async () => {
  await ami?.close();
  await cleanup?.();
});

const admin = { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` };

async function endpointNames(): Promise<string[]> {
  return (await ami.listAction({ action: 'PJSIPShowEndpoints' })).map((e) => String(e.objectname));
}

describe('a disabled agent', () => {
  it('leaves every queue, loses its endpoint, and gets no SIP account, at once', async () => {
    const repos = createRepositories(hotline.database);
    const username = `off${Date.now().toString(36)}`;
    const user = await repos.users.create({ username, displayName: 'کارشناس غیرفعال', role: 'agent', district: null, passwordHash: await hashPassword('agent-password-1234') });
    await hotline.agents.desk.saveProfile(user.id, { queues: [{ queue: 'complaints', penalty: 0 }, { queue: 'general', penalty: 1 }] });
    const account = await hotline.agents.desk.sipAccount(user.id);
    const endpoint = account.username;
    expect(await endpointNames()).toContain(endpoint);
    expect((await hotline.agents.desk.login(user.id)).state).toBe('available');
    for (const queue of ['complaints', 'general'] as const) expect(await queueMember(ami, queue, `PJSIP/${endpoint}`)).not.toBeNull();

    const res = await hotline.http.inject({ method: 'PATCH', url: `/api/users/${user.id}`, headers: admin, payload: { active: false } });
    expect(res.statusCode).toBe(200);

    // No waiting: the PATCH answered after Asterisk was changed.
    for (const queue of ['complaints', 'general'] as const) expect(await queueMember(ami, queue, `PJSIP/${endpoint}`)).toBeNull();
    expect(await endpointNames()).not.toContain(endpoint);
    const sip = await hotline.http.inject({ method: 'GET', url: `/api/agents/${user.id}/sip`, headers: admin });
    expect(sip.statusCode).toBe(403);
    const { agents: listed } = (await hotline.http.inject({ method: 'GET', url: '/api/agents', headers: admin })).json() as { agents: { id: string; state: string }[] };
    expect(listed.find((a) => a.id === user.id)?.state).toBe('logged_out');
  });
});
