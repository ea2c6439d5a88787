import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFileRecordingStore } from '../../src/adapters/db/recording-store.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Principal } from '../../src/adapters/http/deps.js';
import { agentComplete, agentConnect } from '../helpers/ami-fixtures.js';
import type { User, UserRole } from '../../src/domain/users/user.js';
import { createAgentModule } from '../../src/services/agent-module.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { capturingLogger, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

type Fields = Record<string, string | number | undefined>;

/**
 * Asterisk stood in for at the AMI boundary: records every action, answers GetConfig with
 * the wizard sections it holds, and may be taken down or made to refuse an Originate.
 */
class FakeAmi {
  connected = true;
  refuseOriginate = false;
  actions: Fields[] = [];
  /** Sections already in pjsip_wizard.conf: stale ones of ours and an operator's own. */
  sections = ['agent-departed', 'sup-departed', 'operator-trunk'];

  isConnected() {
    return this.connected;
  }

  async action(fields: Fields): Promise<Record<string, unknown>> {
    if (!this.connected) throw new Error('AMI is not connected');
    this.actions.push(fields);
    if (fields.action === 'GetConfig') {
      return { response: 'Success', ...Object.fromEntries(this.sections.map((s, i) => [`category-${String(i).padStart(6, '0')}`, s])) };
    }
    if (fields.action === 'Originate' && this.refuseOriginate) throw new Error('Originate failed');
    return { response: 'Success' };
  }

  of(action: string): Fields[] {
    return this.actions.filter((a) => a.action === action);
  }
}

let db: TestDatabase;
let repos: ReturnType<typeof createRepositories>;
let recordingsDir: string;
let ami: FakeAmi;
let module: ReturnType<typeof createAgentModule>;
let app: FastifyInstance;
let logLines: string[];
const principals = new Map<string, Principal>();
let admin: User;
let maryam: User;
let reza: User;
let sara: User;
const tokens: Record<string, string> = {};

async function user(username: string, role: UserRole): Promise<User> {
  const created = await repos.users.create({ username, displayName: `کاربر ${username}`, role, district: null, passwordHash: 'scrypt$unused' });
  tokens[username] = `token-${username}`;
  principals.set(tokens[username], { id: created.id, role });
  return created;
}

function as(username: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) {
  return app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[username]}` } });
}

/** The wizard sections written by each UpdateConfig: section → its appended variables. */
function written(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const update of ami.of('UpdateConfig')) {
    for (const [key, value] of Object.entries(update)) {
      const m = /^action-(\d{6})$/.exec(key);
      if (!m) continue;
      const cat = String(update[`cat-${m[1]}`]);
      if (value === 'NewCat') out.set(cat, new Map());
      if (value === 'Append') out.get(cat)!.set(String(update[`var-${m[1]}`]), String(update[`value-${m[1]}`]));
    }
  }
  return out;
}

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  repos = createRepositories(db.database);
  recordingsDir = await mkdtemp(path.join(tmpdir(), 'hotline-listen-'));
  const backend: HttpBackend = {
    database: db.database,
    repos,
    store: createFileRecordingStore(recordingsDir),
    close: async () => undefined,
  };
  ami = new FakeAmi();
  admin = await user('admin1', 'admin');
  maryam = await user('maryam', 'supervisor');
  reza = await user('reza', 'supervisor');
  sara = await user('sara', 'agent');
  const captured = capturingLogger();
  logLines = captured.lines;
  module = createAgentModule({
    repos,
    ami,
    config: { wrapUpSeconds: { default: 15 }, maxMissedInARow: 2, sipDomain: 'pbx.example.test' },
    now: () => new Date(),
    logger: captured.logger,
  });
  ({ app } = await startHttpApp(backend, {
    authenticate: (token) => principals.get(token) ?? null,
    agents: module.desk,
    supervisors: module.supervisors,
  }));
  await module.desk.saveProfile(sara.id, { queues: [{ queue: 'general', penalty: 0 }] });
});

afterAll(async () => {
  module?.stop();
  await app?.close();
  await db?.cleanup();
  if (recordingsDir) await rm(recordingsDir, { recursive: true, force: true });
});

beforeEach(() => {
  ami.connected = true;
  ami.refuseOriginate = false;
  ami.actions = [];
});

describe('supervisor phones', () => {
  it('an admin gives a supervisor a phone: sup-<username>, a strong password, written to Asterisk in a context that dials nothing', async () => {
    const res = await as('admin1', 'PUT', `/api/supervisors/${maryam.id}/phone`, {});
    expect(res.statusCode).toBe(200);
    const phone = res.json();
    expect(phone).toMatchObject({
      userId: maryam.id,
      endpoint: 'sup-maryam',
      interface: 'PJSIP/sup-maryam',
      username: 'sup-maryam',
      domain: 'pbx.example.test',
      transport: 'udp',
    });
    expect(phone.password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    // Stale sections of ours are removed, the operator's own kept.
    const removed = ami.of('UpdateConfig').flatMap((u) => Object.entries(u).filter(([k]) => k.startsWith('cat-')).map(([k, v]) => [k, v, u[`action-${k.slice(4)}`]]));
    const deleted = removed.filter(([, , action]) => action === 'DelCat').map(([, cat]) => cat);
    expect(deleted.sort()).toEqual(['agent-departed', 'sup-departed']);

    const sections = written();
    expect(sections.get('sup-maryam')).toEqual(
      new Map([
        ['type', 'wizard'],
        ['transport', 'transport-udp'],
        ['accepts_registrations', 'yes'],
        ['accepts_auth', 'yes'],
        ['sends_registrations', 'no'],
        ['aor/max_contacts', '1'],
        ['aor/remove_existing', 'yes'],
        ['inbound_auth/username', 'sup-maryam'],
        ['inbound_auth/password', phone.password],
        ['endpoint/context', 'hotline-supervisors'],
        ['endpoint/disallow', 'all'],
        ['endpoint/allow', 'alaw,ulaw'],
        ['endpoint/language', 'fa'],
        ['endpoint/dtmf_mode', 'rfc4733'],
        ['endpoint/direct_media', 'no'],
      ]),
    );
    // The agents' phones are rewritten alongside, still in their own context.
    expect(sections.get('agent-sara')?.get('endpoint/context')).toBe('hotline-agents');

    // AMI's limit of 128 lines a message holds; res_pjsip reloads once, at the end.
    const updates = ami.of('UpdateConfig');
    for (const u of updates) expect(Object.keys(u).length).toBeLessThan(128);
    expect(updates.map((u) => u.reload ?? null)).toEqual([...updates.slice(1).map(() => null), 'res_pjsip.so']);

    const read = await as('maryam', 'GET', `/api/supervisors/${maryam.id}/phone`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(phone);
  });

  it('a supervisor moves their own phone to another line; the password stays', async () => {
    const before = (await as('maryam', 'GET', `/api/supervisors/${maryam.id}/phone`)).json();
    const res = await as('maryam', 'PUT', `/api/supervisors/${maryam.id}/phone`, { interface: 'Local/09121234567@hotline-staff-phones/n' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ endpoint: 'sup-maryam', interface: 'Local/09121234567@hotline-staff-phones/n', password: before.password });
    expect(written().get('sup-maryam')?.get('inbound_auth/password')).toBe(before.password);
  });

  it('refuses bad interfaces, other people, other roles and interfaces taken by another phone', async () => {
    expect((await as('maryam', 'PUT', `/api/supervisors/${maryam.id}/phone`, { interface: 'Local/x,qBw@ctx' })).statusCode).toBe(400);
    expect((await as('maryam', 'PUT', `/api/supervisors/${maryam.id}/phone`, { interface: 'PJSIP/a\r\nAction: Hangup' })).statusCode).toBe(400);
    // Only the project's own endpoints and the staff-phones context: never the trunk (a
    // citizen's call streamed to any number), never another context (137 loops into the IVR).
    for (const elsewhere of ['PJSIP/09121234567@trunk', 'Local/137@from-pstn', 'Local/09121234567@mobiles/n', 'PJSIP/agent-sara', 'SIP/09121234567']) {
      expect((await as('maryam', 'PUT', `/api/supervisors/${maryam.id}/phone`, { interface: elsewhere })).statusCode).toBe(400);
    }
    expect((await as('admin1', 'PUT', `/api/agents/${sara.id}`, { queues: [{ queue: 'general', penalty: 0 }], interface: 'Local/137@from-pstn' })).statusCode).toBe(400);
    expect((await as('admin1', 'PUT', `/api/agents/${sara.id}`, { queues: [{ queue: 'general', penalty: 0 }], interface: 'PJSIP/09121234567@trunk' })).statusCode).toBe(400);

    // A supervisor's phone carries its SIP password: nobody else's to read or change, but an admin's.
    expect((await as('reza', 'GET', `/api/supervisors/${maryam.id}/phone`)).statusCode).toBe(403);
    expect((await as('reza', 'PUT', `/api/supervisors/${maryam.id}/phone`, {})).statusCode).toBe(403);
    expect((await as('sara', 'GET', `/api/supervisors/${maryam.id}/phone`)).statusCode).toBe(403);
    expect((await as('sara', 'PUT', `/api/supervisors/${sara.id}/phone`, {})).statusCode).toBe(403);

    const forAgent = await as('admin1', 'PUT', `/api/supervisors/${sara.id}/phone`, {});
    expect(forAgent.statusCode).toBe(409);
    expect(await repos.supervisorPhones.findByUserId(sara.id)).toBeNull();
    expect((await as('admin1', 'PUT', '/api/supervisors/00000000-0000-4000-8000-000000000000/phone', {})).statusCode).toBe(404);
    expect((await as('reza', 'GET', `/api/supervisors/${reza.id}/phone`)).statusCode).toBe(404);

    // An agent's own endpoint is no listening phone at all; an agent's mobile is taken.
    const sarasLine = (await repos.agents.findByUserId(sara.id))!.interface;
    expect((await as('reza', 'PUT', `/api/supervisors/${reza.id}/phone`, { interface: sarasLine })).statusCode).toBe(400);
    const sarasMobile = 'Local/09127778899@hotline-staff-phones/n';
    const queues = [{ queue: 'general', penalty: 0 }];
    expect((await as('admin1', 'PUT', `/api/agents/${sara.id}`, { queues, interface: sarasMobile })).statusCode).toBe(200);
    const taken = await as('reza', 'PUT', `/api/supervisors/${reza.id}/phone`, { interface: sarasMobile });
    expect(taken.statusCode).toBe(409);
    expect((await as('admin1', 'PUT', `/api/agents/${sara.id}`, { queues, interface: sarasLine })).statusCode).toBe(200);
    const takenBySupervisor = await as('reza', 'PUT', `/api/supervisors/${reza.id}/phone`, { interface: 'Local/09121234567@hotline-staff-phones/n' });
    expect(takenBySupervisor.statusCode).toBe(409);
  });

  it('an admin may have a phone too, and a saved phone reaches Asterisk on the next AMI connection when AMI was down', async () => {
    ami.connected = false;
    const res = await as('admin1', 'PUT', `/api/supervisors/${admin.id}/phone`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json().endpoint).toBe('sup-admin1');
    ami.connected = true;
    expect(ami.actions).toEqual([]);
    await module.onAmiConnected();
    expect(written().get('sup-admin1')?.get('endpoint/context')).toBe('hotline-supervisors');
    expect(written().has('sup-maryam')).toBe(true);
  });
});

describe('listening to a call', () => {
  const sarasLine = () => `PJSIP/agent-sara`;

  it('is for supervisors and admins only', async () => {
    expect((await as('sara', 'POST', `/api/agents/${sara.id}/listen`)).statusCode).toBe(403);
    expect(ami.of('Originate')).toEqual([]);
  });

  it('answers 409 while the agent is on no call, and 404 for an unknown agent', async () => {
    const res = await as('maryam', 'POST', `/api/agents/${sara.id}/listen`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'HOTLINE_ERR_NOT_ON_CALL', message: 'The agent is not on a call' });
    expect((await as('maryam', 'POST', `/api/agents/${maryam.id}/listen`)).statusCode).toBe(404);
    expect(ami.of('Originate')).toEqual([]);
  });

  it('rings the supervisor into a listen-only ChanSpy of the agent\'s leg, until the call ends', async () => {
    await module.onAmiEvent(agentConnect('general_queue', '1777000123.45', sarasLine(), 4));
    expect((await module.desk.get(sara.id)).uniqueId).toBe('1777000123.45');

    // Reza has no phone yet.
    const noPhone = await as('reza', 'POST', `/api/agents/${sara.id}/listen`);
    expect(noPhone.statusCode).toBe(409);
    expect(noPhone.json().error.code).toBe('HOTLINE_ERR_NO_PHONE');

    const res = await as('maryam', 'POST', `/api/agents/${sara.id}/listen`);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      agentId: sara.id,
      uniqueId: '1777000123.45',
      channel: 'PJSIP/agent-sara-00000001',
      interface: 'Local/09121234567@hotline-staff-phones/n',
    });
    expect(ami.of('Originate')).toEqual([
      {
        action: 'Originate',
        channel: 'Local/09121234567@hotline-staff-phones/n',
        application: 'ChanSpy',
        data: 'PJSIP/agent-sara-00000001,qE',
        callerid: '"گوش دادن: کاربر sara" <agent-sara>',
        timeout: '30000',
        async: 'true',
      },
    ]);
    const logged = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'supervisor listening to a call');
    expect(logged).toMatchObject({ uniqueId: '1777000123.45', agent: 'sara', supervisor: 'maryam', channel: 'PJSIP/agent-sara-00000001' });

    // An admin listens on their own phone.
    const byAdmin = await as('admin1', 'POST', `/api/agents/${sara.id}/listen`);
    expect(byAdmin.statusCode).toBe(202);
    expect(byAdmin.json().interface).toBe('PJSIP/sup-admin1');

    await module.onAmiEvent(agentComplete('general_queue', '1777000123.45', sarasLine(), 4, 30));
    const after = await as('maryam', 'POST', `/api/agents/${sara.id}/listen`);
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('HOTLINE_ERR_NOT_ON_CALL');
    expect(ami.of('Originate')).toHaveLength(2);
  });

  it('answers 503 when AMI is down or Asterisk refuses the originate', async () => {
    await module.onAmiEvent(agentConnect('general_queue', '1777000200.1', sarasLine(), 2));
    ami.connected = false;
    const down = await as('maryam', 'POST', `/api/agents/${sara.id}/listen`);
    expect(down.statusCode).toBe(503);
    expect(down.json().error.code).toBe('HOTLINE_ERR_DEPENDENCY_DOWN');

    ami.connected = true;
    ami.refuseOriginate = true;
    const refused = await as('maryam', 'POST', `/api/agents/${sara.id}/listen`);
    expect(refused.statusCode).toBe(503);
    await module.onAmiEvent(agentComplete('general_queue', '1777000200.1', sarasLine(), 2, 10));
  });
});

describe('one call, one id', () => {
  it('the agents API gives the call\'s own id as callId, and the call routes take it', async () => {
    const uniqueId = '1777000300.7';
    const call = await repos.calls.start({ uniqueId, caller: '09121234567', startedAt: new Date() });
    const earlier = await repos.cases.create({ channel: 'manual', category: 'other', actor: 'admin' });
    await module.onAmiEvent(agentConnect('general_queue', uniqueId, 'PJSIP/agent-sara', 3));

    const listed = await as('maryam', 'GET', '/api/agents');
    expect(listed.statusCode).toBe(200);
    const saraNow = (listed.json().agents as { id: string; callId: string | null; uniqueId: string | null }[]).find((a) => a.id === sara.id);
    expect(saraNow).toMatchObject({ callId: call.id, uniqueId });

    // The uniqueid is Asterisk's name for the caller's channel, not an id the call routes know.
    expect((await as('sara', 'POST', `/api/calls/${uniqueId}/link`, { trackingNumber: earlier.trackingNumber })).statusCode).toBe(400);
    const linked = await as('sara', 'POST', `/api/calls/${saraNow!.callId}/link`, { trackingNumber: earlier.trackingNumber });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().trackingNumber).toBe(earlier.trackingNumber);
    expect((await repos.calls.findByUniqueId(uniqueId))?.caseId).toBe(earlier.id);

    const ended = new Promise<unknown>((resolve) => {
      const stop = module.desk.subscribe(sara.id, (event) => {
        if (event.type !== 'call-ended') return;
        stop();
        resolve(event);
      });
    });
    await module.onAmiEvent(agentComplete('general_queue', uniqueId, 'PJSIP/agent-sara', 3, 40));
    expect(await ended).toEqual({ type: 'call-ended', callId: call.id, uniqueId, talkSeconds: 40 });
    expect(await module.desk.get(sara.id)).toMatchObject({ callId: null, uniqueId: null });
  });
});
