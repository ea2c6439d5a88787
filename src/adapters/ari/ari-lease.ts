import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Who drives the ARI application of an Asterisk node, when several engines share one
 * database and Redis (STANDBY_ENABLED): a lease in Redis, `<prefix>:lease:ari:<app>`,
 * whose value is `<instance id>:<fencing token>`. The token comes from an INCR counter
 * (`…:token`) and only ever grows, so a holder that was paused and wakes up carries an
 * older token than whoever took over. Acquired with SET NX PX; renewed and released with
 * a compare-and-set on the whole value, so nobody but the holder can extend or end it.
 *
 * Events: 'acquired' (token) and 'lost' (reason). A renewal that fails, times out, or
 * finds another value is a loss; so is a renewal not confirmed within the TTL by the
 * local clock (the process was paused, Redis hangs): the holder stops driving calls before
 * the lease can have expired on the other side.
 */
export interface AriLeaseOptions {
  redisUrl: string;
  /** QUEUE_PREFIX: every key of the engine in Redis starts with it. */
  prefix: string;
  /** The ARI application the lease is for (`hotline`). */
  app: string;
  instanceId: string;
  ttlMs: number;
  /** How often a non-holder tries to take the lease; TTL/3 (the renewal period) by default. */
  acquireEveryMs?: number;
  logger: Logger;
}

// A try that finds the lease held also says "a standby is here" (a sorted set scored by
// when that stops being true), so a holder stopping cleanly knows whether to hand over.
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
  redis.call('PEXPIRE', KEYS[3], ARGV[2])
  return false
end
redis.call('ZREM', KEYS[3], ARGV[1])
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'NX', 'PX', ARGV[2])
return token`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function leaseKey(prefix: string, app: string): string {
  return `${prefix}:lease:ari:${app}`;
}

export interface LeaseState {
  holder: boolean;
  instanceId: string;
  /** This instance's fencing token while it holds the lease; null otherwise. */
  token: number | null;
  /** Leases this instance held and lost (not released) since it started. */
  losses: number;
}

export class AriLease extends EventEmitter {
  private readonly redis: Redis;
  readonly key: string;
  private readonly tokenKey: string;
  private readonly standbysKey: string;
  private token: number | null = null;
  /** Local time by which the lease may have expired in Redis, counted from the last renewal sent. */
  private validUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private stopped = true;
  private losses = 0;

  constructor(private readonly opts: AriLeaseOptions) {
    super();
    this.key = leaseKey(opts.prefix, opts.app);
    this.tokenKey = `${this.key}:token`;
    this.standbysKey = `${this.key}:standbys`;
    // Fails fast: a command waiting in an offline queue would outlive the lease.
    this.redis = new Redis(opts.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: Math.max(100, Math.floor(opts.ttlMs / 3)),
      retryStrategy: (times) => Math.min(times * 100, 1000),
    });
    this.redis.on('error', (err) => opts.logger.debug({ err: err.message }, 'lease redis error'));
  }

  private get value(): string {
    return `${this.opts.instanceId}:${this.token}`;
  }

  state(): LeaseState {
    return { holder: this.isHolder(), instanceId: this.opts.instanceId, token: this.token, losses: this.losses };
  }

  /** Held, and renewed recently enough that it cannot have expired in Redis. */
  isHolder(): boolean {
    return this.token !== null && Date.now() < this.validUntil;
  }

  /** The fencing token, or null when this instance must not act as the ARI owner now. */
  currentToken(): number | null {
    return this.isHolder() ? this.token : null;
  }

  /** Other engines that tried to take the lease within the last TTL: ready to take over. */
  async standbys(): Promise<string[]> {
    const ids = await this.redis.zrangebyscore(this.standbysKey, Date.now(), '+inf');
    return ids.filter((id) => id !== this.opts.instanceId);
  }

  /** Who holds the lease now, as Redis says (`<instance>:<token>`), or null. */
  async holderValue(): Promise<string | null> {
    return this.redis.get(this.key);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.redis.connect().catch((err: Error) => this.opts.logger.warn({ err: err.message }, 'lease: Redis not reachable yet'));
    await this.tick();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const every = this.token !== null ? this.opts.ttlMs / 3 : (this.opts.acquireEveryMs ?? this.opts.ttlMs / 3);
    this.timer = setTimeout(() => void this.tick(), Math.max(20, Math.floor(every)));
  }

  /** One renewal (holder) or one try to acquire (anyone else). */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      if (this.token !== null) await this.renew();
      else await this.tryAcquire();
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  private async tryAcquire(): Promise<void> {
    const sentAt = Date.now();
    let token: unknown;
    try {
      const ttl = String(this.opts.ttlMs);
      token = await this.redis.eval(ACQUIRE, 3, this.key, this.tokenKey, this.standbysKey, this.opts.instanceId, ttl, String(sentAt + this.opts.ttlMs));
    } catch {
      return;
    }
    if (token === null || token === undefined || this.stopped) return;
    this.token = Number(token);
    this.validUntil = sentAt + this.opts.ttlMs;
    this.opts.logger.info({ instance: this.opts.instanceId, fencingToken: this.token, key: this.key }, 'ARI lease acquired');
    this.emit('acquired', this.token);
  }

  private async renew(): Promise<void> {
    const sentAt = Date.now();
    // Asleep past the TTL: another instance may hold it already, whatever Redis answers now.
    if (sentAt >= this.validUntil) return this.lose('not renewed within the TTL');
    let renewed: unknown;
    try {
      renewed = await this.redis.eval(RENEW, 1, this.key, this.value, String(this.opts.ttlMs));
    } catch (err) {
      return this.lose(`renewal failed: ${(err as Error).message}`);
    }
    if (Number(renewed) !== 1) return this.lose('the lease has another holder');
    if (this.token !== null) this.validUntil = sentAt + this.opts.ttlMs;
  }

  private lose(reason: string): void {
    if (this.token === null) return;
    this.opts.logger.error({ instance: this.opts.instanceId, fencingToken: this.token, reason }, 'ARI lease lost');
    this.token = null;
    this.validUntil = 0;
    this.losses++;
    this.emit('lost', reason);
  }

  /** Gives the lease up now (a clean stop): another instance takes it at its next try. */
  async release(): Promise<void> {
    if (this.token === null) return;
    const value = this.value;
    this.token = null;
    this.validUntil = 0;
    await this.redis.eval(RELEASE, 1, this.key, value).catch(() => undefined);
    this.opts.logger.info({ instance: this.opts.instanceId }, 'ARI lease released');
  }

  /** Stops renewing and trying; a held lease is released unless `release` is false (a test of a dead holder). */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (opts.release !== false) await this.release();
    this.redis.disconnect();
  }

  /** Stops the timers without a word to Redis, as a frozen or killed process would. */
  freeze(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Resumes after freeze(): the next tick finds out whether the lease is still ours. */
  thaw(): void {
    this.stopped = false;
    void this.tick();
  }
}
