import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/log/logger.js';
import { conversationName } from '../../src/recordings/domain/conversation-name.js';
import { shareBucket } from '../../src/recordings/domain/policy.js';
import { openHttpBackend, openPostgresHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpBackend } from '../helpers/http-app.js';
import { recordingServiceFor } from '../helpers/recording-service.js';
import { wav } from '../helpers/wav.js';
import { hashPassword } from '../../src/services/passwords.js';

const logger = createLogger('silent');
let n = 0;
const uniqueId = () => `1796${Date.now() % 1_000_000}.${++n}`;

describe.each([
  ['PGlite', openHttpBackend],
  ['PostgreSQL', openPostgresHttpBackend],
])('conversation recordings on %s', (_name, open) => {
  let backend: HttpBackend;
  let agentId: string;

  beforeAll(async () => {
    backend = await open();
    agentId = (await backend.repos.users.create({ username: `rec-agent-${n++}`, displayName: 'Ali', role: 'agent', district: null, passwordHash: await hashPassword('long enough password') })).id;
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
  });

  async function answeredCall(queue: 'general' | 'complaints' = 'general') {
    const id = uniqueId();
    await backend.repos.calls.start({ uniqueId: id, caller: '09121234567', startedAt: new Date() });
    const call = await backend.repos.calls.update(id, { queue, queueResult: 'answered', agentId, answeredAt: new Date() });
    return { call, uniqueId: id };
  }
  const connect = (uid: string, queue = 'general_queue') => ({ event: 'AgentConnect', uniqueid: uid, channel: `PJSIP/trunk-${uid}`, queue, interface: 'PJSIP/agent-ali' });

  it('starts MixMonitor on the caller channel when an agent answers, and imports the file when the conversation ends', async () => {
    const { service, folder, actions } = recordingServiceFor({ database: backend.database, calls: backend.repos.calls, store: backend.store, logger });
    const { call, uniqueId: uid } = await answeredCall();
    await service.onAmiEvent(connect(uid));
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ action: 'MixMonitor', channel: `PJSIP/trunk-${uid}` });
    const file = String(actions[0]!.file);
    expect(file).toMatch(new RegExp(`^/var/spool/asterisk/recording/hotline-conversation/\\d{14}-${call.id}-${uid.replace('.', '\\.')}\\.wav$`));
    const storedName = file.slice('/var/spool/asterisk/recording/'.length, -'.wav'.length);
    folder.files.set(storedName, wav(8000));

    await service.onAmiEvent({ event: 'AgentComplete', uniqueid: uid, channel: `PJSIP/trunk-${uid}`, queue: 'general_queue' });
    expect(actions[1]).toEqual({ action: 'StopMixMonitor', channel: `PJSIP/trunk-${uid}` });
    const [row] = await service.list({ callId: call.id });
    expect(row).toMatchObject({ callId: call.id, agentId, agentName: 'Ali', queue: 'general', bytes: wav(8000).length, storedName });
    expect(folder.files.has(storedName)).toBe(false);
    expect(await backend.store.stat(row!.recording!)).toEqual({ size: wav(8000).length });
  });

  it('imports the file of a conversation that ended before MixMonitor was answered', async () => {
    let answer!: () => void;
    const mixMonitorAnswered = new Promise<void>((resolve) => (answer = resolve));
    const { service, folder, actions } = recordingServiceFor({ database: backend.database, calls: backend.repos.calls, store: backend.store, logger, mixMonitorAnswered });
    const { call, uniqueId: uid } = await answeredCall();
    const connecting = service.onAmiEvent(connect(uid));
    // AMI's events are handled as they come: the conversation ends while the start waits.
    await expect.poll(() => actions.length).toBe(1);
    const storedName = String(actions[0]!.file).slice('/var/spool/asterisk/recording/'.length, -'.wav'.length);
    folder.files.set(storedName, wav(8000));
    const completing = service.onAmiEvent({ event: 'AgentComplete', uniqueid: uid, channel: `PJSIP/trunk-${uid}`, queue: 'general_queue' });
    answer();
    await Promise.all([connecting, completing]);
    expect(actions[1]).toEqual({ action: 'StopMixMonitor', channel: `PJSIP/trunk-${uid}` });
    expect(await service.list({ callId: call.id })).toMatchObject([{ callId: call.id, storedName }]);
  });

  it('records only the configured share of calls, and never a queue switched off', async () => {
    const calls = await Promise.all(Array.from({ length: 8 }, () => answeredCall()));
    const { service, actions } = recordingServiceFor({
      database: backend.database,
      calls: backend.repos.calls,
      store: backend.store,
      logger,
      config: { policy: { sharePercent: 50, queuesOff: ['complaints'] }, retentionDays: { conversation: 90 }, asteriskDir: '/rec' },
    });
    for (const c of calls) await service.onAmiEvent(connect(c.uniqueId));
    const expected = calls.filter((c) => shareBucket(c.call.id) < 5000).map((c) => `PJSIP/trunk-${c.uniqueId}`);
    expect(actions.map((a) => a.channel)).toEqual(expected);
    const complaint = await answeredCall('complaints');
    await service.onAmiEvent(connect(complaint.uniqueId, 'complaints'));
    expect(actions.map((a) => a.channel)).not.toContain(`PJSIP/trunk-${complaint.uniqueId}`);
  });

  it('leaves a file in Asterisk until a row holds its audio, and imports it once after a crash', async () => {
    // The engine that started the recording died: a new service knows nothing of it.
    const { call, uniqueId: uid } = await answeredCall();
    const channelsUp = new Set([uid]);
    const { service, folder } = recordingServiceFor({ database: backend.database, calls: backend.repos.calls, store: backend.store, logger, channelsUp });
    const storedName = conversationName({ startedAt: new Date('2026-12-02T07:30:00Z'), callId: call.id, uniqueId: uid });
    folder.files.set(storedName, wav(4000));

    expect(await service.importLeftovers()).toBe(0); // still being recorded
    channelsUp.delete(uid);
    folder.state.failDownloads = true;
    expect(await service.importLeftovers()).toBe(0); // Asterisk unreachable: the file stays
    expect(folder.files.has(storedName)).toBe(true);
    folder.state.failDownloads = false;
    expect(await service.importLeftovers()).toBe(1);
    expect(await service.importLeftovers()).toBe(0);
    expect(folder.files.has(storedName)).toBe(false);
    const rows = await service.list({ callId: call.id });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.startedAt).toEqual(new Date('2026-12-02T07:30:00Z'));

    // A copy left behind after the row was written (crash before the delete) is only removed.
    folder.files.set(storedName, wav(4000));
    expect(await service.importLeftovers()).toBe(0);
    expect(folder.files.has(storedName)).toBe(false);
    expect(await service.list({ callId: call.id })).toHaveLength(1);
  });

  it('says once that a file belongs to no known call, keeps it, and does not ask about it at every sweep', async () => {
    const asked: string[] = [];
    const calls = { ...backend.repos.calls, findById: (id: string) => (asked.push(id), backend.repos.calls.findById(id)) };
    const warnings: string[] = [];
    const warnLogger = createLogger('silent');
    warnLogger.warn = ((obj: { storedName?: string }) => void warnings.push(String(obj.storedName))) as typeof warnLogger.warn;
    const { service, folder } = recordingServiceFor({ database: backend.database, calls, store: backend.store, logger: warnLogger });
    const unknownCallId = '00000000-0000-4000-8000-000000000137';
    const storedName = conversationName({ startedAt: new Date('2026-12-02T07:30:00Z'), callId: unknownCallId, uniqueId: uniqueId() });
    folder.files.set(storedName, wav(4000));
    for (let sweep = 0; sweep < 3; sweep++) expect(await service.importLeftovers()).toBe(0);
    expect(asked).toEqual([unknownCallId]);
    expect(warnings).toEqual([storedName]);
    expect(folder.files.has(storedName)).toBe(true);
  });

  it('purges audio past its retention and keeps the row and its listens', async () => {
    let now = new Date('2026-12-02T08:00:00Z');
    const { service, folder } = recordingServiceFor({ database: backend.database, calls: backend.repos.calls, store: backend.store, logger, now: () => now });
    const old = await answeredCall();
    const fresh = await answeredCall();
    for (const [c, at] of [
      [old, '2026-08-01T08:00:00Z'],
      [fresh, '2026-11-30T08:00:00Z'],
    ] as const) {
      folder.files.set(conversationName({ startedAt: new Date(at), callId: c.call.id, uniqueId: c.uniqueId }), wav(1000));
    }
    await service.importLeftovers();
    const [oldRow] = await service.list({ callId: old.call.id });
    await service.listened(oldRow!.id, { userId: 'someone', role: 'supervisor' });
    const key = oldRow!.recording!;

    expect(await service.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await backend.store.stat(key)).toBeNull();
    const purged = await service.find(oldRow!.id);
    expect(purged?.recording).toBeNull();
    expect(purged?.purgedAt).toEqual(now);
    expect(await service.listens(oldRow!.id)).toHaveLength(1);
    expect((await service.list({ callId: fresh.call.id }))[0]!.recording).not.toBeNull();
    now = new Date('2026-12-03T08:00:00Z');
    expect(await service.purgeExpired()).toBe(0);
  });

  it('plays a recording with Range support, audits each listen, and shows an agent only their own', async () => {
    const { service, folder } = recordingServiceFor({ database: backend.database, calls: backend.repos.calls, store: backend.store, logger });
    const { call, uniqueId: uid } = await answeredCall();
    const audio = wav(8000);
    folder.files.set(conversationName({ startedAt: new Date(), callId: call.id, uniqueId: uid }), audio);
    await service.importLeftovers();
    const [row] = await service.list({ callId: call.id });
    const otherAgent = await backend.repos.users.create({ username: `rec-other-${n++}`, displayName: 'Other', role: 'agent', district: null, passwordHash: 'x' });
    const principals: Record<string, { id: string; role: 'agent' | 'supervisor' }> = {
      own: { id: agentId, role: 'agent' },
      other: { id: otherAgent.id, role: 'agent' },
      sup: { id: 'sup-1', role: 'supervisor' },
    };
    const { app } = await startHttpApp(backend, { callRecordings: service, authenticate: (token) => principals[token] ?? null });
    const get = (token: string, url: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } });
    const url = `/api/recordings/${row!.id}/audio`;

    const whole = await get('sup', url);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.rawPayload.equals(audio)).toBe(true);

    const part = await get('sup', url, { range: 'bytes=1000-1999' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${audio.length}`);
    expect(part.rawPayload.equals(audio.subarray(1000, 2000))).toBe(true);

    const outside = await get('sup', url, { range: `bytes=${audio.length}-` });
    expect(outside.statusCode).toBe(416);
    expect(outside.json().error.code).toBe('HOTLINE_ERR_RANGE_NOT_SATISFIABLE');

    expect((await get('own', url, { range: 'bytes=0-' })).statusCode).toBe(206);
    expect((await get('other', url)).statusCode).toBe(404);

    // Two listens from the start (the seek did not count), one of them the agent's.
    const listens = await get(TEST_ADMIN_TOKEN, `/api/recordings/${row!.id}/listens`);
    expect(listens.json().listens.map((l: { userId: string }) => l.userId)).toEqual(['sup-1', agentId]);

    const own = await get('own', '/api/recordings');
    expect(own.json().recordings.map((r: { id: string }) => r.id)).toContain(row!.id);
    expect((await get('other', '/api/recordings')).json().recordings).toEqual([]);
    await app.close();
  });
});
