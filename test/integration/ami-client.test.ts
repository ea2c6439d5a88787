import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AmiClient, type AmiClientOptions } from '../../src/adapters/ami/ami-client.js';
import { loadConfig } from '../../src/config.js';

// The sandbox's AMI account, from the .env the test script exports.
const ami = loadConfig(process.env).ami;
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
/** Short backoff, so a reconnect that should (or should not) happen does so at once. */
const FAST_RETRY = { reconnectMinMs: 20, reconnectMaxMs: 40 };
/**
 * How long to watch for a reconnect that must not happen: many times FAST_RETRY, so a
 * retry loop would have shown itself. Absence of an event can only be seen by waiting.
 */
const QUIET_WINDOW_MS = 400;

const clients: AmiClient[] = [];
function client(overrides: Partial<AmiClientOptions> = {}): AmiClient {
  const c = new AmiClient({ ...ami, logger, ...FAST_RETRY, ...overrides });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/**
 * A TCP relay in front of Asterisk's AMI: counts the connections the client opens and
 * can cut them, which is how a dropped link is staged without touching Asterisk.
 */
interface Relay {
  port: number;
  connections: () => number;
  cutAll: () => void;
  close: () => Promise<void>;
}

async function relay(port = 0): Promise<Relay> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((downstream) => {
    count++;
    const upstream = connect(ami.port, ami.host);
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        downstream.destroy();
        upstream.destroy();
      });
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    cutAll: () => sockets.forEach((s) => s.destroy()),
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const quietWindow = () => new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));

describe('AmiClient against the sandbox Asterisk', () => {
  let c: AmiClient;
  const family = `hotline-test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    c = new AmiClient({ ...ami, logger });
    await c.start();
  });

  afterAll(async () => {
    await c.action({ action: 'DBDelTree', family }).catch(() => undefined);
    await c.close();
  });

  it('logs in and reports itself connected', () => {
    expect(c.isConnected()).toBe(true);
  });

  it('answers a Ping', async () => {
    const res = await c.action({ action: 'Ping' });
    expect(res.response).toBe('Success');
    expect(res.ping).toBe('Pong');
  });

  it("collects QueueSummary's events, one per queue of the dialplan", async () => {
    const events = await c.listAction({ action: 'QueueSummary' });
    expect(events.every((e) => e.event === 'QueueSummary')).toBe(true);
    const queues = events.map((e) => e.queue);
    expect(queues).toEqual(expect.arrayContaining(['general_queue', 'complaints', 'parks_trees']));
    expect(new Set(queues).size).toBe(queues.length);
  });

  it('narrows QueueSummary to one queue', async () => {
    const events = await c.listAction({ action: 'QueueSummary', queue: 'parks_trees' });
    expect(events.map((e) => e.queue)).toEqual(['parks_trees']);
  });

  it('writes a key with DBPut and reads it back through the DBGet event list', async () => {
    const val = `v-${randomBytes(4).toString('hex')}`;
    const put = await c.action({ action: 'DBPut', family, key: 'override', val });
    expect(put.response).toBe('Success');

    const events = await c.listAction({ action: 'DBGet', family, key: 'override' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: 'DBGetResponse', family, key: 'override', val });
  });

  it('rejects DBGet of a missing key with what Asterisk said', async () => {
    await expect(c.listAction({ action: 'DBGet', family, key: 'never-written' })).rejects.toThrow(
      /AMI DBGet failed: .*not found/i,
    );
  });

  it('rejects Getvar on a channel that does not exist', async () => {
    await expect(
      c.action({ action: 'Getvar', channel: 'PJSIP/no-such-channel-00000000', variable: 'CALLERID(num)' }),
    ).rejects.toThrow(/AMI Getvar failed: No such channel/i);
  });

  it('stays usable after a failed action', async () => {
    await c.action({ action: 'Getvar', channel: 'Local/nobody@nowhere-00000000;1', variable: 'X' }).catch(() => undefined);
    expect((await c.action({ action: 'Ping' })).response).toBe('Success');
  });
});

describe('AmiClient refusing to work without a link', () => {
  it('rejects an action before start with HOTLINE_ERR_DEPENDENCY_DOWN', async () => {
    await expect(client().action({ action: 'Ping' })).rejects.toMatchObject({
      code: 'HOTLINE_ERR_DEPENDENCY_DOWN',
      statusCode: 503,
    });
  });

  it('rejects an action after close with HOTLINE_ERR_DEPENDENCY_DOWN', async () => {
    const c = client();
    await c.start();
    await c.close();
    expect(c.isConnected()).toBe(false);
    await expect(c.action({ action: 'Ping' })).rejects.toMatchObject({ code: 'HOTLINE_ERR_DEPENDENCY_DOWN' });
    await expect(c.listAction({ action: 'QueueSummary' })).rejects.toMatchObject({
      code: 'HOTLINE_ERR_DEPENDENCY_DOWN',
    });
  });
});

describe('AmiClient login and reconnection', () => {
  let r: Relay;

  beforeAll(async () => {
    r = await relay();
  });

  afterAll(async () => {
    await r.close();
  });

  it('rejects start() on a wrong secret and does not try again', async () => {
    const before = r.connections();
    const c = client({ port: r.port, secret: `wrong-${randomBytes(6).toString('hex')}` });
    let connected = 0;
    c.on('connected', () => connected++);

    await expect(c.start()).rejects.toThrow(/login/i);
    expect(c.isConnected()).toBe(false);
    await quietWindow();
    expect(r.connections() - before).toBe(1);
    expect(connected).toBe(0);
    await c.close();
  });

  it('reconnects by itself after the link drops, rejecting what was pending', async () => {
    const c = client({ port: r.port });
    await c.start();
    const before = r.connections();

    const disconnected = once(c, 'disconnected');
    const reconnected = once(c, 'connected');
    r.cutAll();
    await disconnected;
    expect(c.isConnected()).toBe(false);
    await expect(c.action({ action: 'Ping' })).rejects.toMatchObject({ code: 'HOTLINE_ERR_DEPENDENCY_DOWN' });

    await reconnected;
    expect(r.connections() - before).toBe(1);
    expect((await c.action({ action: 'Ping' })).response).toBe('Success');
  });

  it('stops reconnecting once closed, even while waiting to retry', async () => {
    const c = client({ port: r.port, reconnectMinMs: 100, reconnectMaxMs: 100 });
    await c.start();
    const before = r.connections();
    let connected = 0;
    c.on('connected', () => connected++);

    const disconnected = once(c, 'disconnected');
    r.cutAll();
    await disconnected;
    // The retry timer is armed now; close() must disarm it.
    await c.close();
    await quietWindow();
    expect(r.connections()).toBe(before);
    expect(connected).toBe(0);
    expect(c.isConnected()).toBe(false);
  });

  it('keeps retrying while Asterisk is unreachable and connects once it is back', async () => {
    const down = await relay();
    const port = down.port;
    await down.close();
    const c = client({ port });
    let settled = false;
    const started = c.start().then(() => (settled = true));
    await quietWindow();
    expect(settled).toBe(false);
    expect(c.isConnected()).toBe(false);

    // "Asterisk" comes back on the same port.
    const back = await relay(port);
    try {
      await started;
      expect(c.isConnected()).toBe(true);
      expect(back.connections()).toBe(1);
    } finally {
      await c.close();
      await back.close();
    }
  });
});
