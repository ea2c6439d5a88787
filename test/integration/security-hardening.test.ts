import { randomBytes, randomInt, scryptSync } from 'node:crypto';
import { once } from 'node:events';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HttpDeps } from '../../src/adapters/http/deps.js';
import { createAccounts, DEFAULT_SESSION_TTL_MS } from '../../src/services/auth-service.js';
import { hashPassword } from '../../src/services/passwords.js';
import { users } from '../../src/adapters/db/schema/users.js';
import { capturingLogger, openHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpApp, type HttpBackend } from '../helpers/http-app.js';

let backend: HttpBackend;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  backend = await openHttpBackend();
});

afterAll(async () => {
  await backend?.close();
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(overrides: Partial<HttpDeps> = {}): Promise<HttpApp> {
  const started = await startHttpApp(backend, overrides);
  apps.push(started.app);
  return started;
}

function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

describe('password hashes', () => {
  it('replaces a hash made at the old scrypt cost (N=2^14) at sign-in, and the password keeps working', async () => {
    const { app } = await start();
    const username = uniqueName('old');
    const password = 'an old but good password';
    const salt = randomBytes(16);
    const weak = `scrypt$16384$8$1$${salt.toString('base64url')}$${scryptSync(password, salt, 64, { N: 16_384, r: 8, p: 1 }).toString('base64url')}`;
    await backend.repos.users.create({ username, displayName: 'Old hash', role: 'agent', district: null, passwordHash: weak });

    const login = () => app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    expect((await login()).statusCode).toBe(200);
    const rehashed = (await backend.repos.users.findForLogin(username))!.passwordHash;
    expect(rehashed).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await login()).statusCode).toBe(200);
    expect((await backend.repos.users.findForLogin(username))!.passwordHash).toBe(rehashed);
  });
});

/** A live-stats feed the test drives: `emit` pushes a snapshot to every stream. */
function controlledStats(snapshot: () => unknown = () => ({ queues: [] })) {
  const listeners = new Set<() => void>();
  let unsubscribed = 0;
  return {
    feed: {
      snapshot: () => snapshot() as never,
      subscribe(listener: () => void) {
        listeners.add(listener);
        return () => {
          unsubscribed++;
          listeners.delete(listener);
        };
      },
    },
    emit: () => listeners.forEach((l) => l()),
    listeners: () => listeners.size,
    unsubscribed: () => unsubscribed,
  };
}

interface OpenStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  destroy: () => void;
}

function openStream(base: string, path: string, token: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = httpGet(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, ended, destroy: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

async function signIn(app: FastifyInstance, role: 'supervisor' | 'agent'): Promise<{ id: string; token: string }> {
  const username = uniqueName('s');
  const password = 'a long enough password';
  const user = await backend.repos.users.create({ username, displayName: 'Stream user', role, district: null, passwordHash: await hashPassword(password) });
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode).toBe(200);
  return { id: user.id, token: res.json().token };
}

describe('live streams', () => {
  async function listening(overrides: Partial<HttpDeps> = {}) {
    const stats = controlledStats();
    const { app } = await start({ liveStats: stats.feed, ...overrides });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    return { app, base, stats };
  }

  it('carry the security headers and the request id', async () => {
    const { base } = await listening();
    const stream = await openStream(base, '/api/queues/stats/stream', TEST_ADMIN_TOKEN);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toContain('text/event-stream');
      expect(stream.headers['x-content-type-options']).toBe('nosniff');
      expect(stream.headers['x-frame-options']).toBe('DENY');
      expect(stream.headers['content-security-policy']).toContain("default-src 'none'");
      expect(stream.headers['x-request-id']).toBeTruthy();
    } finally {
      stream.destroy();
    }
  });

  it('end when their session signs out, while another session of the same user keeps its stream', async () => {
    const { app, base, stats } = await listening();
    const first = await signIn(app, 'supervisor');
    const username = (await backend.repos.users.findById(first.id))!.username;
    const second = (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'a long enough password' } })).json().token as string;
    const a = await openStream(base, '/api/queues/stats/stream', first.token);
    const b = await openStream(base, '/api/queues/stats/stream', second);
    try {
      expect(stats.listeners()).toBe(2);
      await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${first.token}` } });
      await a.ended;
      expect(stats.listeners()).toBe(1);
      expect(app.eventStreams.count(first.id)).toBe(1);
    } finally {
      b.destroy();
    }
  });

  it('end at once when the user is disabled', async () => {
    const { app, base, stats } = await listening();
    const user = await signIn(app, 'supervisor');
    const stream = await openStream(base, '/api/queues/stats/stream', user.token);
    expect(stats.listeners()).toBe(1);
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      payload: { active: false },
    });
    expect(res.statusCode).toBe(200);
    await stream.ended;
    expect(stats.listeners()).toBe(0);
  });

  it('end when the session expires (checked periodically against the engine clock)', async () => {
    let now = new Date('2026-03-01T08:00:00Z');
    const { app, base, stats } = await listening({
      accounts: createAccounts(backend.repos, () => now),
      streamLimits: { recheckMs: 20 },
    });
    const user = await signIn(app, 'supervisor');
    const stream = await openStream(base, '/api/queues/stats/stream', user.token);
    expect(stats.listeners()).toBe(1);
    now = new Date(now.getTime() + DEFAULT_SESSION_TTL_MS + 1000);
    await stream.ended;
    expect(stats.listeners()).toBe(0);
  });

  it('are capped per user: the sixth is refused with 429, and a closed one frees a place', async () => {
    const { app, base } = await listening();
    const user = await signIn(app, 'supervisor');
    const streams = await Promise.all(Array.from({ length: 5 }, () => openStream(base, '/api/queues/stats/stream', user.token)));
    try {
      expect(streams.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
      const sixth = await app.inject({ method: 'GET', url: '/api/queues/stats/stream', headers: { authorization: `Bearer ${user.token}` } });
      expect(sixth.statusCode).toBe(429);
      expect(sixth.json().error.code).toBe('HOTLINE_ERR_RATE_LIMITED');
      streams[0]!.destroy();
      await streams[0]!.ended;
      await vi.waitFor(() => expect(app.eventStreams.count(user.id)).toBe(4));
      const again = await openStream(base, '/api/queues/stats/stream', user.token);
      expect(again.status).toBe(200);
      streams.push(again);
    } finally {
      streams.forEach((s) => s.destroy());
    }
  });

  it('drop a client that stops reading before its backlog grows without bound', async () => {
    const big = 'x'.repeat(64 * 1024);
    const stats = controlledStats(() => ({ padding: big }));
    const { app } = await start({ liveStats: stats.feed, streamLimits: { maxBufferedBytes: 512 * 1024 } });
    const base = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
    // A raw socket that sends the request and then never reads.
    const socket = netConnect(Number(base.port), base.hostname);
    await once(socket, 'connect');
    socket.write(`GET /api/queues/stats/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\n\r\n`);
    socket.pause();
    try {
      await vi.waitFor(() => expect(stats.listeners()).toBe(1));
      // Kernel buffers take some megabytes first; then the server-side backlog passes the cap.
      for (let i = 0; i < 5000 && stats.unsubscribed() === 0; i++) {
        stats.emit();
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(stats.unsubscribed()).toBe(1);
      expect(stats.listeners()).toBe(0);
    } finally {
      socket.destroy();
    }
  });
});

describe('/metrics and /docs can be closed', () => {
  const METRICS_TOKEN = 'metrics-token-0123456789';

  it('asks for METRICS_TOKEN as a bearer token when set', async () => {
    const { app } = await start({ metrics: async () => 'hotline_up 1\n', metricsToken: METRICS_TOKEN });
    const scrape = (authorization?: string) => app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
    const none = await scrape();
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('HOTLINE_ERR_UNAUTHORIZED');
    expect((await scrape('Bearer wrong-token-0123456789')).statusCode).toBe(401);
    expect((await scrape(`Bearer ${TEST_ADMIN_TOKEN}`)).statusCode).toBe(401);
    const ok = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(ok.statusCode).toBe(200);
    // The engine's own figures first; the health-warnings gauge the route adds follows.
    expect(ok.body.startsWith('hotline_up 1\n')).toBe(true);
    expect(ok.body).toMatch(/^hotline_health_warnings\{source="redis"\} 0$/m);
  });

  it('serves no /docs nor /docs/json with docs switched off', async () => {
    const { app } = await start({ docsEnabled: false });
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(404);
    // The document is still built for tools that read it in-process.
    expect(Object.keys((app.swagger() as { paths: object }).paths).length).toBeGreaterThan(5);
  });
});

describe('logs', () => {
  it('mask numbers in request paths and redact api_key and the bearer token', async () => {
    const { app, logLines } = await start();
    await app.inject({
      method: 'DELETE',
      url: '/api/do-not-call/09121234567?api_key=open311-key-0123456789',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    const all = logLines.join('');
    expect(all).toContain('/api/do-not-call/0912***4567');
    expect(all).not.toContain('09121234567');
    expect(all).not.toContain('open311-key-0123456789');
    expect(all).not.toContain(TEST_ADMIN_TOKEN);
  });

  it('log a real failed insert by its SQLSTATE and constraint, without the password hash drizzle quotes', async () => {
    const passwordHash = `scrypt$131072$8$1$${randomBytes(8).toString('base64url')}$secret-part`;
    const username = uniqueName('dup');
    const row = { username, displayName: 'Dup', role: 'agent' as const, district: null, passwordHash };
    await backend.database.db.insert(users).values(row);
    const err = await backend.database.db
      .insert(users)
      .values(row)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(String((err as Error).message)).toContain('Failed query');
    const { logger, lines } = capturingLogger();
    logger.error({ err }, 'insert failed');
    const line = JSON.parse(lines[0]!);
    expect(line.err).toMatchObject({ code: '23505', constraint: 'users_username_unique' });
    expect(lines[0]).not.toContain(passwordHash);
    expect(lines[0]).not.toContain(username);
  });
});

describe('Open311 publishes only its own requests', () => {
  it('lists and serves only cases filed through Open311, never staff complaints, internal notes or a number', async () => {
    const { app } = await start();
    const phone = `0912${randomInt(1_000_000, 9_999_999)}`;
    const description = uniqueName('leak-check-');
    const other = await Promise.all(
      (['phone', 'sms', 'web'] as const).map((channel) =>
        backend.repos.cases.create({ channel, category: 'parks_trees', callerPhone: phone, description, address: 'Valiasr 1', actor: 'test' }),
      ),
    );
    const complaint = await backend.repos.cases.create({ channel: 'open311', category: 'staff_complaint', callerPhone: phone, description, actor: 'open311:x' });
    const filed = await backend.repos.cases.create({ channel: 'open311', category: 'parks_trees', callerPhone: phone, description, actor: 'open311:x' });
    await backend.repos.cases.transition({ caseId: filed.id, from: 'new', to: 'rejected', actor: 'supervisor', note: 'internal: webhook host district7.local failed' });

    const list = await app.inject({ method: 'GET', url: '/open311/v2/requests.json' });
    expect(list.statusCode).toBe(200);
    const ids = list.json().map((r: { service_request_id: string }) => r.service_request_id);
    expect(ids).toContain(filed.trackingNumber);
    for (const hidden of [...other, complaint]) expect(ids).not.toContain(hidden.trackingNumber);
    const mine = list.json().find((r: { service_request_id: string }) => r.service_request_id === filed.trackingNumber);
    expect(mine.status_notes).toBeNull();
    expect(list.body).not.toContain(phone);
    expect(list.body).not.toContain('district7.local');

    for (const hidden of [...other, complaint]) {
      const one = await app.inject({ method: 'GET', url: `/open311/v2/requests/${hidden.trackingNumber}.json` });
      expect(one.statusCode).toBe(404);
    }
    const byIds = await app.inject({ method: 'GET', url: `/open311/v2/requests.json?service_request_id=${other.map((c) => c.trackingNumber).join(',')}` });
    expect(byIds.json()).toEqual([]);
  });
});
