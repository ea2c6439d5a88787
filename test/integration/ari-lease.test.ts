/**
 * The ARI lease of a standby pair (issue 17) against the real Redis: two lease clients
 * with their own prefix, as two engines would run them.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AriLease } from '../../src/adapters/ari/ari-lease.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: 'silent' });
const TTL = 600;

const open: AriLease[] = [];
let admin: Redis | undefined;

function lease(prefix: string, instanceId: string, ttlMs = TTL): AriLease {
  const l = new AriLease({ redisUrl: REDIS_URL, prefix, app: 'hotline', instanceId, ttlMs, acquireEveryMs: 50, logger });
  open.push(l);
  return l;
}

function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => (check() ? resolve() : Date.now() > end ? reject(new Error('timed out')) : setTimeout(poll, 10));
    poll();
  });
}

afterEach(async () => {
  const keys = open.flatMap((l) => [l.key, `${l.key}:token`, `${l.key}:standbys`]);
  await Promise.all(open.splice(0).map((l) => l.stop()));
  const cleaner = new Redis(REDIS_URL);
  if (keys.length > 0) await cleaner.del(...keys);
  cleaner.disconnect();
  admin?.disconnect();
  admin = undefined;
});

describe('ARI lease', () => {
  it('one of two holds it, under the documented key, with an increasing fencing token', async () => {
    const prefix = `t-${randomUUID()}`;
    const a = lease(prefix, 'engine-a');
    const b = lease(prefix, 'engine-b');
    await a.start();
    await b.start();
    expect(a.isHolder()).toBe(true);
    expect(b.isHolder()).toBe(false);
    admin = new Redis(REDIS_URL);
    expect(a.key).toBe(`${prefix}:lease:ari:hotline`);
    expect(await admin.get(`${prefix}:lease:ari:hotline`)).toBe(`engine-a:${a.currentToken()}`);
    const first = a.currentToken()!;

    // A clean release: the other takes it at its next try, with a greater token.
    await a.stop();
    await until(() => b.isHolder(), 1000);
    expect(b.currentToken()!).toBeGreaterThan(first);
    expect(await admin.get(`${prefix}:lease:ari:hotline`)).toBe(`engine-b:${b.currentToken()}`);
    expect(Number(await admin.get(`${prefix}:lease:ari:hotline:token`))).toBe(b.currentToken());
  });

  it('the holder sees the standby that keeps trying, until it stops', async () => {
    const prefix = `t-${randomUUID()}`;
    const a = lease(prefix, 'engine-a');
    const b = lease(prefix, 'engine-b');
    await a.start();
    expect(await a.standbys()).toEqual([]);
    await b.start();
    expect(await a.standbys()).toEqual(['engine-b']);
    await b.stop();
    await new Promise((r) => setTimeout(r, TTL + 50));
    expect(await a.standbys()).toEqual([]);
  });

  it('stays with the holder while it renews, past several TTLs', async () => {
    const prefix = `t-${randomUUID()}`;
    const a = lease(prefix, 'engine-a');
    const b = lease(prefix, 'engine-b');
    await a.start();
    await b.start();
    const token = a.currentToken();
    await new Promise((r) => setTimeout(r, TTL * 4));
    expect(a.isHolder()).toBe(true);
    expect(a.currentToken()).toBe(token);
    expect(b.isHolder()).toBe(false);
  });

  it('a non-holder can neither renew nor release it', async () => {
    const prefix = `t-${randomUUID()}`;
    const a = lease(prefix, 'engine-a');
    await a.start();
    admin = new Redis(REDIS_URL);
    const key = `${prefix}:lease:ari:hotline`;
    const held = await admin.get(key);
    // The same scripts with another value, as an impostor (or an old token) would send them.
    const renew = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
    const release = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
    expect(await admin.eval(renew, 1, key, 'engine-b:999', '60000')).toBe(0);
    expect(await admin.eval(release, 1, key, `engine-a:${a.currentToken()! - 1}`)).toBe(0);
    expect(await admin.get(key)).toBe(held);
    expect(await admin.pttl(key)).toBeLessThanOrEqual(TTL);
  });

  it('a dead holder (no renewals, no release) is replaced once the TTL runs out', async () => {
    const prefix = `t-${randomUUID()}`;
    const a = lease(prefix, 'engine-a');
    const b = lease(prefix, 'engine-b');
    await a.start();
    await b.start();
    const first = a.currentToken()!;
    a.freeze();
    const diedAt = Date.now();
    await until(() => b.isHolder(), TTL * 3);
    const takeover = Date.now() - diedAt;
    expect(takeover).toBeGreaterThanOrEqual(TTL * 0.6);
    expect(takeover).toBeLessThan(TTL + 300);
    expect(b.currentToken()!).toBeGreaterThan(first);
  });

  it('a paused holder knows it lost the lease when it wakes, before it renews', async () => {
    const prefix = `t-${randomUUID()}`;
    const a = lease(prefix, 'engine-a');
    const b = lease(prefix, 'engine-b');
    const lost: string[] = [];
    a.on('lost', (reason: string) => lost.push(reason));
    await a.start();
    await b.start();
    a.freeze();
    // Past its TTL by the local clock: not a holder any more, whatever Redis would say.
    await new Promise((r) => setTimeout(r, TTL + 50));
    expect(a.isHolder()).toBe(false);
    expect(a.currentToken()).toBeNull();
    await until(() => b.isHolder(), TTL * 2);
    a.thaw();
    await until(() => lost.length === 1, 1000);
    expect(a.state()).toMatchObject({ holder: false, token: null, losses: 1 });
    expect(b.isHolder()).toBe(true);
  });

  it('a holder whose value was replaced loses it at its next renewal', async () => {
    const prefix = `t-${randomUUID()}`;
    const a = lease(prefix, 'engine-a');
    const lost: string[] = [];
    a.on('lost', (reason: string) => lost.push(reason));
    await a.start();
    admin = new Redis(REDIS_URL);
    await admin.set(`${prefix}:lease:ari:hotline`, 'engine-x:999', 'PX', 5000);
    await until(() => lost.length === 1, TTL);
    expect(lost[0]).toMatch(/another holder/);
    expect(a.isHolder()).toBe(false);
  });
});
