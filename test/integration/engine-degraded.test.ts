import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHotline, type Hotline } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

/** Ports nothing listens on: bound all at once (so they differ), then released. */
async function unusedPorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<typeof server>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/**
 * Polls until `done()` holds or `ms` pass. Some libraries leave a bounded timer when
 * closed (ioredis arms a 2 s force-close timer for a socket that is already gone);
 * a reconnect loop re-arms forever, so only it keeps `done()` false past the deadline.
 */
async function eventually(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const TOKEN = randomBytes(24).toString('hex');
let dataDir: string;
let hotline: Hotline;
let timersBefore: number;
let stopped = false;

const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  hotline.http.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'hotline-degraded-'));
  const [ariPort, amiPort, redisPort] = await unusedPorts(3);
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    ARI_URL: `http://127.0.0.1:${ariPort}`,
    ARI_USER: 'degraded-ari',
    ARI_PASSWORD: randomBytes(8).toString('hex'),
    AMI_PORT: String(amiPort),
    AMI_USER: 'degraded-ami',
    AMI_SECRET: randomBytes(8).toString('hex'),
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    HOTLINE_ADMIN_TOKEN: TOKEN,
    LOG_LEVEL: 'silent',
  });
  expect(config.databaseUrl).toBeUndefined();
  timersBefore = activeTimers();
  hotline = await startHotline(config, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
});

afterAll(async () => {
  if (!stopped) await hotline?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the engine with Asterisk and Redis unreachable', () => {
  it('starts and listens anyway', () => {
    expect(hotline.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(hotline.ari.isConnected()).toBe(false);
    expect(hotline.ami.isConnected()).toBe(false);
  });

  it('reports 503 with only the database up, over the real listener', async () => {
    const res = await fetch(`${hotline.url}/api/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, boolean> };
    expect(body.checks).toEqual({ database: true, redis: false, ari: false, ami: false });
    expect(body.status).toBe('degraded');
  });

  it('serves the live stats and /metrics, reporting Asterisk and the job queues down', async () => {
    const stats = await api('GET', '/api/queues/stats');
    expect(stats.statusCode).toBe(200);
    expect(stats.json().overall).toMatchObject({ callsWaiting: 0, today: { offered: 0 } });

    const metrics = await fetch(`${hotline.url}/metrics`);
    expect(metrics.status).toBe(200);
    const lines = (await metrics.text()).split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'hotline_calls_waiting{queue="general"} 0',
        'hotline_asterisk_connection_up{interface="ari",node="a"} 0',
        'hotline_asterisk_connection_up{interface="ami",node="a"} 0',
        // Redis unreachable: the counts are missing rather than a scrape that hangs.
        'hotline_jobs_up{queue="dispatch"} 0',
        // Survey and callback calls share one queue, counted under its own name.
        'hotline_jobs_up{queue="outbound-calls"} 0',
      ]),
    );
    expect(lines.some((l) => l.startsWith('hotline_jobs{'))).toBe(false);
    expect(lines.filter((l) => l.startsWith('hotline_jobs_up{'))).toHaveLength(2);
  });

  it('still takes a case by hand and finds it again', async () => {
    const created = await api('POST', '/api/cases', {
      category: 'parks_trees',
      district: 6,
      callerPhone: '09121234567',
      description: 'A fallen plane tree blocks the pavement',
    });
    expect(created.statusCode).toBe(201);
    const { trackingNumber, status } = created.json() as { trackingNumber: string; status: string };
    expect(trackingNumber).toMatch(/^\d{10}$/);
    expect(status).toBe('new');

    const found = await api('GET', `/api/cases/${trackingNumber}`);
    expect(found.statusCode).toBe(200);
    const body = found.json() as { trackingNumber: string; description: string; district: number; events: unknown[] };
    expect(body).toMatchObject({
      trackingNumber,
      description: 'A fallen plane tree blocks the pavement',
      district: 6,
    });
    expect(body.events.length).toBeGreaterThan(0);
  });

  it('accepts an office-hours override while AMI is down and keeps it for later mirroring', async () => {
    const res = await api('PUT', '/api/hours/override', { mode: 'closed' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ open: false, mode: 'closed' });
    expect(hotline.hours.getOverride()).toBe('closed');

    const hours = await api('GET', '/api/hours');
    expect(hours.json()).toMatchObject({ open: false, mode: 'closed' });
  });

  it('stops promptly and leaves no reconnect timer behind', async () => {
    const started = Date.now();
    await hotline.stop();
    stopped = true;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(hotline.ari.isConnected()).toBe(false);
    expect(hotline.ami.isConnected()).toBe(false);
    expect(await eventually(() => activeTimers() <= timersBefore, 4_000)).toBe(true);
  });
});
