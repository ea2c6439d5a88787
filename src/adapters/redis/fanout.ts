import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * One Redis pub/sub channel shared by every engine instance of an installation, for what
 * an instance must tell the others at once (its desks' events, a changed count). A
 * message goes to every other instance; the sender skips its own (it acted on it already),
 * so each instance handles it once.
 *
 * The publishing client fails fast (no offline queue): without Redis a message is dropped,
 * logged at debug, and the sender's own instance is served as before. The subscriber is a
 * connection of its own (a subscribed connection can do nothing else); its SUBSCRIBE waits
 * for Redis however long it is away, and ioredis renews it after each reconnection. What
 * is published while an instance is cut from Redis never reaches it (pub/sub keeps nothing).
 */
export class RedisFanout<T> {
  private readonly origin = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  /** Settles once this instance hears the others (a failure is logged, not thrown). */
  readonly subscribed: Promise<void>;

  constructor(private readonly opts: { redis: Redis; channel: string; logger: Logger; deliver: (payload: T) => void }) {
    this.pub = opts.redis.duplicate({ enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    this.sub = opts.redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null });
    for (const client of [this.pub, this.sub]) {
      client.on('error', (err: Error) => opts.logger.debug({ err: err.message, channel: opts.channel }, 'fanout: redis error'));
    }
    this.sub.on('message', (channel: string, raw: string) => {
      if (channel === opts.channel) this.receive(raw);
    });
    this.pub.connect().catch(() => undefined);
    this.sub.connect().catch(() => undefined);
    this.subscribed = this.sub.subscribe(opts.channel).then(
      () => undefined,
      (err: Error) => opts.logger.warn({ err: err.message, channel: opts.channel }, 'fanout: not subscribed'),
    );
  }

  /** To every other instance; nothing (but a debug line) without Redis. */
  publish(payload: T): void {
    if (this.pub.status !== 'ready') return;
    this.pub
      .publish(this.opts.channel, JSON.stringify({ origin: this.origin, payload }))
      .catch((err: Error) => this.opts.logger.debug({ err: err.message, channel: this.opts.channel }, 'fanout: not published'));
  }

  private receive(raw: string): void {
    let message: { origin?: unknown; payload?: T };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      return;
    }
    if (message.origin === this.origin || message.payload === undefined) return;
    this.opts.deliver(message.payload);
  }

  close(): void {
    this.pub.disconnect();
    this.sub.disconnect();
  }
}

/**
 * A change every instance must hear of at once (e.g. "the callbacks waiting changed": the
 * wallboard of each instance reads them again): `notify` runs this instance's listeners
 * and tells the others, whose listeners run too.
 */
export class SharedSignal {
  private readonly listeners = new Set<() => void>();
  private readonly fanout: RedisFanout<1>;

  constructor(opts: { redis: Redis; channel: string; logger: Logger }) {
    this.fanout = new RedisFanout<1>({ ...opts, deliver: () => this.run() });
  }

  get subscribed(): Promise<void> {
    return this.fanout.subscribed;
  }

  on(listener: () => void): void {
    this.listeners.add(listener);
  }

  notify(): void {
    this.run();
    this.fanout.publish(1);
  }

  private run(): void {
    for (const listener of this.listeners) listener();
  }

  close(): void {
    this.listeners.clear();
    this.fanout.close();
  }
}
