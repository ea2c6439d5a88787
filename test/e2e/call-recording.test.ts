import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoredRecordings } from '../../src/adapters/ari/stored-recordings.js';
import { loadConfig } from '../../src/config.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Hotline } from '../../src/app.js';
import type { CallRecording } from '../../src/recordings/ports.js';
import { hashPassword } from '../../src/services/passwords.js';
import { randomMobile } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine } from '../helpers/engine.js';
import { SipPhone } from '../helpers/sip-phone.js';

/**
 * A queue call answered by an agent on a real SIP phone is recorded by Asterisk
 * (MixMonitor, started by the engine on AgentConnect), imported into the engine's store
 * when the conversation ends, and plays from the API with seeking (Range).
 */
let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
let phone: SipPhone | undefined;
let call: CitizenCall | undefined;
let agentId = '';

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine(undefined, { RECORDING_SHARE_PERCENT: '100', RECORDING_QUEUES_OFF: '' }));
  await hotline.hours.setOverride('open', 'test');
  line = await CitizenLine.connect();
});

afterAll(async () => {
  await call?.hangup().catch(() => undefined);
  call?.dispose();
  if (agentId) await hotline.agents.desk.logout(agentId).catch(() => undefined);
  await phone?.stop();
  await hotline?.hours.setOverride('auto', 'test');
  line?.close();
  await cleanup?.();
});

describe('recording an agent conversation', () => {
  it('records a queue call answered over SIP, imports it when it ends, and plays it with Range', async () => {
    const repos = createRepositories(hotline.database);
    const username = `rec${Date.now().toString(36)}`;
    const user = await repos.users.create({ username, displayName: 'کارشناس ضبط', role: 'agent', district: null, passwordHash: await hashPassword('rec-agent-password') });
    agentId = user.id;
    await hotline.agents.desk.saveProfile(user.id, { queues: [{ queue: 'complaints', penalty: 0 }] });
    phone = await SipPhone.start(await hotline.agents.desk.sipAccount(user.id));
    await phone.waitFor(/200 OK/);
    expect((await hotline.agents.desk.login(user.id)).state).toBe('available');

    call = await line.dial(randomMobile('0912'));
    await call.waitForPrompt('main-menu');
    await call.press('3'); // a complaint about staff goes to the complaints queue
    await phone.waitFor(/answering call .* with 200/, 40_000);
    const row = await poll(() => repos.calls.findByUniqueId(call!.hotlineId), (r) => r?.queueRecord.queueResult === 'answered');
    // Some conversation, then the citizen hangs up.
    await new Promise((r) => setTimeout(r, 3000));
    await call.hangup();

    const recording = await poll<CallRecording | undefined>(
      async () => (await hotline.recordings.service.list({ callId: row!.id }))[0],
      (r) => r !== undefined,
      20_000,
    );
    expect(recording).toMatchObject({ callId: row!.id, agentId: user.id, queue: 'complaints' });
    // 3 s of 8 kHz 16-bit audio is 48,000 bytes; allow for the start of the bridge.
    expect(recording!.bytes).toBeGreaterThan(20_000);
    // Asterisk's copy is gone once the row holds the audio.
    const config = loadConfig();
    expect(await createStoredRecordings(config.ari).download(recording!.storedName)).toBeNull();

    const admin = { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` };
    const whole = await hotline.http.inject({ method: 'GET', url: `/api/recordings/${recording!.id}/audio`, headers: admin });
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.subarray(0, 4).toString('ascii')).toBe('RIFF');
    const part = await hotline.http.inject({ method: 'GET', url: `/api/recordings/${recording!.id}/audio`, headers: { ...admin, range: 'bytes=10000-10999' } });
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload.equals(whole.rawPayload.subarray(10000, 11000))).toBe(true);
    expect(await hotline.recordings.service.listens(recording!.id)).toHaveLength(1);
  }, 60_000);
});

async function poll<T>(get: () => Promise<T>, ready: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (ready(value)) return value;
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
