import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoredRecordings } from '../../src/adapters/ari/stored-recordings.js';
import { loadConfig } from '../../src/config.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { Hotline } from '../../src/app.js';
import type { CallRecording } from '../../src/recordings/ports.js';
import { hashPassword } from '../../src/services/passwords.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine } from '../helpers/engine.js';
import { complaintAnsweredOverSip, poll } from '../helpers/sip-answered-call.js';
import { SipPhone } from '../helpers/sip-phone.js';

/**
 * A queue call answered by an agent on a real SIP phone is recorded by Asterisk
 * (MixMonitor, started by the engine on AgentConnect), imported into the engine's store
 * when the conversation ends, and plays from the API with seeking (Range).
 */
let hotline: Hotline;
let cleanup: () => Promise<void>;
let line: CitizenLine;
/** The agent's phone and the citizen's call, for afterAll to end whatever step failed. */
const held: { phone?: SipPhone; call?: CitizenCall } = {};
let agentId = '';

beforeAll(async () => {
  ({ hotline, cleanup } = await startTestEngine(undefined, { RECORDING_SHARE_PERCENT: '100', RECORDING_QUEUES_OFF: '' }));
  await hotline.hours.setOverride('open', 'test');
  line = await CitizenLine.connect();
});

afterAll(async () => {
  await held.call?.hangup().catch(() => undefined);
  held.call?.dispose();
  if (agentId) await hotline.agents.desk.logout(agentId).catch(() => undefined);
  await held.phone?.stop();
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
    const row = await complaintAnsweredOverSip(hotline, line, user.id, held);
    const call = held.call!;
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
    // Asterisk's copy is removed once the row holds the audio (just after the row is
    // written: the import stores first, so a crash in between never loses the audio).
    const stored = createStoredRecordings(loadConfig().ari);
    expect(await poll(() => stored.download(recording!.storedName), (copy) => copy === null, 10_000)).toBeNull();

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

