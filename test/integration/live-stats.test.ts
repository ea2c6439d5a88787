/**
 * The live statistics service over a real database and the HTTP API: recorded AMI
 * event sequences go in, the snapshot, the SSE stream and /metrics come out; seeding
 * from a QueueStatus answer and today's call rows rebuilds the picture after a restart.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCallbackRepo } from '../../src/outbound/adapters/db/callback-repo.js';
import { createCallRepo } from '../../src/adapters/db/call-repo.js';
import { createLiveStatsRepo } from '../../src/adapters/db/live-stats-repo.js';
import type { Principal } from '../../src/adapters/http/deps.js';
import { OUTBOUND_QUEUE } from '../../src/outbound/adapters/jobs/outbound-jobs.js';
import * as ami from '../helpers/ami-fixtures.js';
import { LiveStatsService } from '../../src/services/live-stats-service.js';
import { renderMetrics } from '../../src/services/metrics.js';
import { withTestDatabases, type TestDatabaseKind } from '../helpers/database.js';
import { openHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpBackend } from '../helpers/http-app.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const Q = 'general_queue';
const SARA = 'PJSIP/agent-sara';
const REZA = 'PJSIP/agent-reza';

/** 10:30 in Tehran (UTC+3:30): well inside one Tehran day. */
const MORNING = new Date('2026-11-27T07:00:00Z');
const at = (sec: number) => new Date(MORNING.getTime() + sec * 1000);

const PRINCIPALS: Record<string, Principal> = {
  sup: { id: 'sup-1', role: 'supervisor' },
  agent: { id: 'agent-1', role: 'agent' },
  district: { id: 'district-1', role: 'district', district: 3 },
};

const silent = pino({ level: 'silent' });

/** A clock the test moves, and a QueueStatus answer the test can hold back. */
function harness(db: HttpBackend['database']['db'], opts: { status?: Record<string, string>[]; holdStatus?: boolean } = {}) {
  let clock = MORNING;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const statusAsked: Record<string, string>[] = [];
  const callbacks = createCallbackRepo(db);
  const repo = createLiveStatsRepo(db);
  const service = new LiveStatsService({
    ami: {
      listAction: async (fields) => {
        statusAsked.push(fields);
        if (opts.holdStatus) await held;
        return opts.status ?? [];
      },
    },
    todaysCalls: (when) => repo.todaysQueuedCalls(when),
    callbacksPending: () => callbacks.countPendingByQueue(),
    now: () => clock,
    logger: silent,
  });
  return {
    service,
    statusAsked,
    release,
    setClock: (d: Date) => (clock = d),
    /** Feeds raw AMI messages as they would arrive at `when`. */
    feed(when: Date, ...events: Record<string, string>[]) {
      clock = when;
      for (const e of events) service.onAmiEvent(e);
    },
  };
}

/** The rows the queue-call recorder would have written for the morning's calls. */
async function writeRows(db: HttpBackend['database']['db'], ids: { answered: string; abandoned: string; waiting: string; yesterday: string }) {
  const calls = createCallRepo(db);
  const row = async (uniqueId: string, joinedAt: Date, patch: Parameters<typeof calls.update>[1]) => {
    await calls.start({ uniqueId, caller: '09121234567', startedAt: new Date(joinedAt.getTime() - 20_000) });
    await calls.update(uniqueId, { queue: 'general', outcome: 'queued', queueJoinedAt: joinedAt, ...patch });
  };
  await row(ids.answered, at(0), { queueResult: 'answered', waitSeconds: 12, answeredAt: at(12), talkSeconds: 100, wrapUpSeconds: 15, queueLeftAt: at(12) });
  await row(ids.abandoned, at(5), { queueResult: 'abandoned', waitSeconds: 40, queueLeftAt: at(45), endedAt: at(45) });
  await row(ids.waiting, at(200), {});
  await row(ids.yesterday, new Date(MORNING.getTime() - 24 * 3600_000), { queueResult: 'answered', waitSeconds: 3, talkSeconds: 50 });
}

function uid(): string {
  return `${Math.floor(Date.now() / 1000)}.${Math.floor(Math.random() * 1e6)}`;
}

withTestDatabases((getDatabase, kind: TestDatabaseKind) => {
  it(`reads today's queued calls of the Tehran day only (${kind})`, async () => {
    const db = getDatabase().db;
    const ids = { answered: uid(), abandoned: uid(), waiting: uid(), yesterday: uid() };
    await writeRows(db, ids);
    const calls = createCallRepo(db);
    const ended = uid();
    await calls.start({ uniqueId: ended, caller: null, startedAt: at(290) });
    // Lost its queue end (engine down), but the call is over: offered, never answerable.
    await calls.update(ended, { queue: 'general', queueJoinedAt: at(300), endedAt: at(400) });
    const noQueue = uid();
    await calls.start({ uniqueId: noQueue, caller: null, startedAt: at(10) });

    const rows = await createLiveStatsRepo(db).todaysQueuedCalls(at(600));
    const byId = new Map(rows.map((r) => [r.uniqueId, r]));
    expect(byId.get(ids.answered)).toEqual({ uniqueId: ids.answered, queue: 'general', joinedAt: at(0), outcome: 'answered', waitSec: 12, talkSec: 100, wrapSec: 15 });
    expect(byId.get(ids.abandoned)).toMatchObject({ outcome: 'abandoned', waitSec: 40, talkSec: null });
    expect(byId.get(ids.waiting)).toMatchObject({ outcome: 'waiting' });
    expect(byId.get(ended)).toMatchObject({ outcome: 'left' });
    expect(byId.has(ids.yesterday)).toBe(false);
    expect(byId.has(noQueue)).toBe(false);
  });
});

describe('live stats service and API', () => {
  let backend: HttpBackend;
  const apps: FastifyInstance[] = [];
  const services: LiveStatsService[] = [];

  beforeAll(async () => {
    backend = await openHttpBackend();
  });
  afterAll(async () => {
    await backend?.close();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    for (const s of services.splice(0)) s.stop();
  });

  function track<T extends { service: LiveStatsService }>(h: T): T {
    services.push(h.service);
    return h;
  }

  async function serve(h: { service: LiveStatsService }, extra: Parameters<typeof startHttpApp>[1] = {}) {
    const { app } = await startHttpApp(backend, {
      liveStats: h.service,
      authenticate: (token) => PRINCIPALS[token] ?? null,
      ...extra,
    });
    apps.push(app);
    return app;
  }

  it('follows a recorded call from waiting to answered and completed', async () => {
    const h = track(harness(backend.database.db));
    const id = uid();
    h.feed(at(0), ami.memberEvent('QueueMemberAdded', Q, SARA), ami.callerJoin(Q, id, '09121112233'));
    h.setClock(at(8));
    let general = h.service.snapshot().queues.general;
    expect(general.waiting).toMatchObject([{ uniqueId: id, caller: '09121112233', waitSec: 8 }]);
    expect(general.agents).toMatchObject([{ iface: SARA, state: 'available' }]);

    h.feed(at(9), ami.agentCalled(Q, id, SARA));
    h.feed(at(12), ami.agentConnect(Q, id, SARA, 12), ami.callerLeave(Q, id));
    h.feed(at(112), ami.agentComplete(Q, id, SARA, 12, 100));
    h.setClock(at(115));
    general = h.service.snapshot().queues.general;
    expect(general.callsWaiting).toBe(0);
    expect(general.agents).toMatchObject([{ state: 'wrapUp', inStateSec: 3 }]);
    expect(general.today).toMatchObject({ offered: 1, answered: 1, serviceLevel: 1, asaSec: 12, ahtSec: 115 });
  });

  it('seeds from QueueStatus and today\'s rows, so a restart keeps the figures; events during seeding are applied after', async () => {
    const db = backend.database.db;
    const ids = { answered: uid(), abandoned: uid(), waiting: uid(), yesterday: uid() };
    await writeRows(db, ids);
    await createCallbackRepo(db).create({ phone: '09125550000', queue: 'general', callId: null, caseId: null, waitingSince: at(30) });

    // Before the restart: the same morning followed live.
    const before = track(harness(db));
    before.feed(at(0), ami.callerJoin(Q, ids.answered, '09121234567'));
    before.feed(at(5), ami.callerJoin(Q, ids.abandoned, '09121234567'));
    before.feed(at(12), ami.agentConnect(Q, ids.answered, SARA, 12));
    before.feed(at(45), ami.callerAbandon(Q, ids.abandoned, 40));
    before.feed(at(112), ami.agentComplete(Q, ids.answered, SARA, 12, 100));
    before.feed(at(200), ami.callerJoin(Q, ids.waiting, '09121234567'));

    const status = [
      ami.queueParams(Q, 1),
      ami.queueMember(Q, SARA, { status: 1, lastCall: Math.floor(at(112).getTime() / 1000) }),
      ami.queueMember(Q, REZA, { status: 1, paused: true, reason: 'lunch', lastPause: Math.floor(at(150).getTime() / 1000) }),
      // Asterisk answers at 301 (after the late join below): the caller joined at 200.
      ami.queueEntry(Q, ids.waiting, '09121234567', 101),
    ];
    const after = track(harness(db, { status, holdStatus: true }));
    after.setClock(at(300));
    const seeded = after.service.seed();
    // A caller joins while QueueStatus is still being collected.
    const late = uid();
    after.feed(at(301), ami.callerJoin(Q, late, '09127778899'));
    expect(after.service.snapshot().queues.general.callsWaiting).toBe(0);
    after.release();
    await seeded;
    expect(after.statusAsked).toEqual([{ action: 'QueueStatus' }]);

    after.setClock(at(310));
    before.setClock(at(310));
    const general = after.service.snapshot().queues.general;
    const { offered, answered, abandoned, serviceLevel, asaSec, ahtSec } = before.service.snapshot().queues.general.today;
    // The late caller is offered on top of what the rows say.
    expect(general.today).toMatchObject({ offered: offered + 1, answered, abandoned, serviceLevel, asaSec, ahtSec });
    expect(general.today).toMatchObject({ offered: 4, answered: 1, abandoned: 1, serviceLevel: 0.5, asaSec: 12, ahtSec: 115 });
    expect(general.waiting.map((w) => [w.uniqueId, w.waitSec])).toEqual([
      [ids.waiting, 110],
      [late, 9],
    ]);
    expect(general.agents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ iface: SARA, state: 'available' }),
        expect.objectContaining({ iface: REZA, state: 'paused', pausedReason: 'lunch', inStateSec: 160 }),
      ]),
    );
    expect(general.callbacksPending).toBe(1);
  });

  it('asks QueueStatus once more when AMI reconnects before the first answer is in', async () => {
    const id = uid();
    const h = track(harness(backend.database.db, { status: [ami.queueEntry(Q, id, '09121112233', 5)], holdStatus: true }));
    const first = h.service.seed();
    const again = h.service.seed();
    await Promise.resolve();
    expect(h.statusAsked).toHaveLength(1);
    h.release();
    await Promise.all([first, again]);
    expect(h.statusAsked).toHaveLength(2);
    expect(h.service.snapshot().queues.general.waiting.map((w) => w.uniqueId)).toEqual([id]);
  });

  it('serves the snapshot to supervisors and admins only', async () => {
    const h = track(harness(backend.database.db));
    const id = uid();
    h.feed(at(0), ami.callerJoin(Q, id, '09121112233'));
    h.setClock(at(25));
    const app = await serve(h);
    const get = (token: string | null) =>
      app.inject({ method: 'GET', url: '/api/queues/stats', headers: token ? { authorization: `Bearer ${token}` } : {} });

    const res = await get('sup');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.queues.general.waiting).toEqual([
      { uniqueId: id, queue: 'general', caller: '09121112233', callerName: 'Citizen', joinedAt: at(0).toISOString(), waitSec: 25, position: 1 },
    ]);
    expect(body.overall.callsWaiting).toBe(1);
    expect(body.queues.general.colours.longestWaitSec).toBe('green');
    expect(body.at).toBe(at(25).toISOString());
    expect((await get(TEST_ADMIN_TOKEN)).statusCode).toBe(200);
    expect((await get('agent')).statusCode).toBe(403);
    expect((await get('district')).statusCode).toBe(403);
    expect((await get(null)).statusCode).toBe(401);
    const stream = await app.inject({ method: 'GET', url: '/api/queues/stats/stream', headers: { authorization: 'Bearer agent' } });
    expect(stream.statusCode).toBe(403);
  });

  it('pushes a change on the stream within a second of an event', async () => {
    const h = track(harness(backend.database.db));
    const app = await serve(h);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/queues/stats/stream`, {
      headers: { authorization: 'Bearer sup' },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextStats = async () => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith('event: stats\n')) return JSON.parse(frame.slice(frame.indexOf('data: ') + 6));
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    try {
      const first = await nextStats();
      expect(first.overall.callsWaiting).toBe(0);

      const id = uid();
      const sent = Date.now();
      h.feed(at(0), ami.callerJoin(Q, id, '09121112233'));
      const pushed = await nextStats();
      expect(Date.now() - sent).toBeLessThan(1000);
      expect(pushed.queues.general.waiting.map((w: { uniqueId: string }) => w.uniqueId)).toEqual([id]);

      h.feed(at(30), ami.callerAbandon(Q, id, 30));
      const gone = await nextStats();
      expect(gone.queues.general.callsWaiting).toBe(0);
      expect(gone.queues.general.today.abandoned).toBe(1);
    } finally {
      abort.abort();
      await reader.cancel().catch(() => undefined);
    }
  });

  it('exposes Prometheus metrics without a token, with real job counts', async () => {
    const h = track(harness(backend.database.db));
    const id = uid();
    h.feed(at(0), ami.memberEvent('QueueMemberAdded', Q, SARA), ami.memberEvent('QueueMemberAdded', Q, REZA, { paused: true, reason: 'break' }));
    h.feed(at(1), ami.callerJoin(Q, id, '09121112233'));
    h.feed(at(5), ami.agentConnect(Q, id, SARA, 4));
    h.feed(at(6), ami.callerJoin(Q, uid(), '09121112234'));
    const prefix = `test-metrics-${randomUUID()}`;
    const dispatch = new Queue('dispatch', { connection: { url: REDIS_URL }, prefix });
    const outbound = new Queue(OUTBOUND_QUEUE, { connection: { url: REDIS_URL }, prefix });
    try {
      await dispatch.add('deliver', { n: 1 });
      await dispatch.add('deliver', { n: 2 }, { delay: 60_000 });
      await outbound.add('dial', { surveyId: 's', attempt: 1 });
      await outbound.add('callback', { callbackId: 'c', attempt: 1 });
      const app = await serve(h, {
        metrics: async () =>
          renderMetrics({
            stats: h.service.snapshot(),
            connections: [{ node: 'a', ari: true, ami: false }],
            jobs: {
              dispatch: await dispatch.getJobCounts('waiting', 'active', 'failed', 'delayed'),
              [OUTBOUND_QUEUE]: await outbound.getJobCounts('waiting', 'active', 'failed', 'delayed'),
            },
          }),
      });
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);

      const samples = new Map<string, number>();
      const typed = new Set<string>();
      for (const line of res.body.trimEnd().split('\n')) {
        if (line.startsWith('# TYPE ')) {
          const [, , name, type] = line.split(' ');
          expect(type).toBe('gauge');
          typed.add(name!);
          continue;
        }
        if (line.startsWith('# HELP ')) continue;
        const m = /^([a-z_:][a-z0-9_:]*)(\{(?:[a-z_]+="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN)$/.exec(line);
        expect(m, line).not.toBeNull();
        expect(typed.has(m![1]!), `${line} has a TYPE`).toBe(true);
        samples.set(`${m![1]}${m![2] ?? ''}`, Number(m![3]));
      }
      expect(samples.get('hotline_calls_waiting{queue="general"}')).toBe(1);
      expect(samples.get('hotline_calls_waiting{queue="complaints"}')).toBe(0);
      expect(samples.get('hotline_agents{state="onCall"}')).toBe(1);
      expect(samples.get('hotline_agents{state="paused"}')).toBe(1);
      expect(samples.get('hotline_service_level_ratio{queue="general"}')).toBe(1);
      expect(samples.has('hotline_service_level_ratio{queue="complaints"}')).toBe(false);
      expect(samples.get('hotline_asterisk_connection_up{interface="ari",node="a"}')).toBe(1);
      expect(samples.get('hotline_asterisk_connection_up{interface="ami",node="a"}')).toBe(0);
      expect(samples.get('hotline_jobs{queue="dispatch",state="waiting"}')).toBe(1);
      // The route adds the health warnings; this server has none.
      expect(samples.get('hotline_health_warnings{source="redis"}')).toBe(0);
      expect(samples.get('hotline_jobs{queue="dispatch",state="delayed"}')).toBe(1);
      // Survey and callback jobs in one count: the shared queue's.
      expect(samples.get('hotline_jobs{queue="outbound-calls",state="waiting"}')).toBe(2);
      expect(samples.get('hotline_jobs{queue="outbound-calls",state="failed"}')).toBe(0);

      const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
      expect(doc.paths['/metrics'].get.security).toEqual([]);
      expect(doc.paths['/metrics'].get.responses['429']).toBeDefined();
      for (const route of ['/api/queues/stats', '/api/queues/stats/stream']) {
        expect(doc.paths[route].get.security).toEqual([{ bearerAuth: [] }]);
        expect(doc.paths[route].get.responses['401']).toBeDefined();
      }
    } finally {
      await dispatch.obliterate({ force: true }).catch(() => undefined);
      await outbound.obliterate({ force: true }).catch(() => undefined);
      await Promise.all([dispatch.close(), outbound.close()]);
    }
  });

  it('has no /metrics when metrics are switched off', async () => {
    const app = await serve(track(harness(backend.database.db)));
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });
});
