/**
 * What several engine instances tell each other through Redis pub/sub (issue 17): agent
 * desk events (SharedDesk) and changes every instance must hear of (SharedSignal), each
 * instance's own against the real Redis, as two engines behind one address would run them.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SharedSignal } from '../../src/adapters/redis/fanout.js';
import { SharedDesk } from '../../src/adapters/redis/shared-desk.js';
import type { DeskEvent } from '../../src/domain/agents/agent.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: 'silent' });
const AGENT = 'agent-1';

const open: Array<{ close(): void }> = [];

function client(url = REDIS_URL): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 1_000 });
  redis.on('error', () => undefined);
  open.push({ close: () => redis.disconnect() });
  return redis;
}

function instance(prefix: string, url = REDIS_URL): SharedDesk {
  const desk = new SharedDesk({ redis: client(url), prefix, logger });
  open.unshift(desk);
  return desk;
}

function signal(channel: string, url = REDIS_URL): { shared: SharedSignal; heard: () => number; next: (n: number) => Promise<void> } {
  const shared = new SharedSignal({ redis: client(url), channel, logger });
  open.unshift(shared);
  let count = 0;
  const waiters: Array<() => void> = [];
  shared.on(() => {
    count++;
    waiters.splice(0).forEach((w) => w());
  });
  const next = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (count >= n ? resolve() : waiters.push(check));
      check();
    });
  return { shared, heard: () => count, next };
}

/** Everything `desk` delivers to AGENT's listeners, and a wait for the n-th. */
function listen(desk: SharedDesk) {
  const got: DeskEvent[] = [];
  const waiters: Array<() => void> = [];
  desk.on(AGENT, (e: DeskEvent) => {
    got.push(e);
    waiters.splice(0).forEach((w) => w());
  });
  const count = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (got.length >= n ? resolve() : waiters.push(check));
      check();
    });
  return { got, count };
}

const ended = (uniqueId: string): DeskEvent => ({ type: 'call-ended', callId: null, uniqueId, talkSeconds: 3 });

afterEach(() => {
  for (const one of open.splice(0)) one.close();
});

describe('desk events shared by the instances', () => {
  it('reach the desks of every instance under the same prefix, each once, in order', async () => {
    const prefix = `t-${randomUUID()}`;
    const [a, b, other] = [instance(prefix), instance(prefix), instance(`t-${randomUUID()}`)];
    await Promise.all([a.subscribed, b.subscribed, other.subscribed]);
    const [onA, onB, onOther] = [listen(a), listen(b), listen(other)];

    a.emit(AGENT, ended('from-a'));
    // The emitting instance's desks have it at once, without a round trip through Redis.
    expect(onA.got).toEqual([ended('from-a')]);
    await onB.count(1);
    // B answers after it got A's event: A receives B's after any echo of its own.
    b.emit(AGENT, ended('from-b'));
    await onA.count(2);
    await onB.count(2);
    expect(onA.got).toEqual([ended('from-a'), ended('from-b')]);
    expect(onB.got).toEqual([ended('from-a'), ended('from-b')]);
    // Another installation (another QUEUE_PREFIX) on the same Redis hears nothing; a listener
    // of another agent neither.
    other.emit(AGENT, ended('other'));
    await onOther.count(1);
    expect(onOther.got).toEqual([ended('other')]);
    const elsewhere: DeskEvent[] = [];
    b.on('agent-2', (e: DeskEvent) => elsewhere.push(e));
    a.emit(AGENT, ended('last'));
    await onB.count(3);
    expect(onA.got.map((e) => (e as { uniqueId: string }).uniqueId)).toEqual(['from-a', 'from-b', 'last']);
    expect(onB.got.map((e) => (e as { uniqueId: string }).uniqueId)).toEqual(['from-a', 'from-b', 'last']);
    expect(elsewhere).toEqual([]);
  });

  it('without Redis, still delivers to the desks of its own instance', async () => {
    // Nothing listens on port 1: the publishing client fails fast, nothing waits or throws.
    const alone = instance(`t-${randomUUID()}`, 'redis://127.0.0.1:1');
    const onAlone = listen(alone);
    const pop = ended('no-redis');
    expect(() => alone.emit(AGENT, pop)).not.toThrow();
    alone.emit(AGENT, ended('again'));
    expect(onAlone.got).toEqual([pop, ended('again')]);
  });
});

describe('a change every instance hears of', () => {
  it('runs the listeners of the notifying instance at once and of every other once', async () => {
    const channel = `t-${randomUUID()}:callbacks-changed`;
    const [a, b] = [signal(channel), signal(channel)];
    await Promise.all([a.shared.subscribed, b.shared.subscribed]);
    a.shared.notify();
    expect(a.heard()).toBe(1);
    await b.next(1);
    // B's own notice reaches A after any echo of A's first one.
    b.shared.notify();
    expect(b.heard()).toBe(2);
    await a.next(2);
    expect([a.heard(), b.heard()]).toEqual([2, 2]);
  });

  it('without Redis, still runs the listeners of its own instance', () => {
    const alone = signal(`t-${randomUUID()}:callbacks-changed`, 'redis://127.0.0.1:1');
    alone.shared.notify();
    alone.shared.notify();
    expect(alone.heard()).toBe(2);
  });
});
