import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { IncrCallback, RouteOptions, Store } from '@fastify/rate-limit/store/RedisStore.js';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Redis } from 'ioredis';
import { hotlineError } from '../../domain/errors.js';
import type { RateLimit } from './deps.js';
import { errorBody } from './errors.js';

export interface LimitOptions {
  limit: RateLimit;
  /** Shared counters across service instances; in-memory per instance without it. */
  redis?: Redis | undefined;
  /** Keeps this limit's counters apart from other limits' in a shared Redis. */
  name: string;
  /** Keeps one deployment's counters apart from another's on the same Redis. */
  prefix?: string | undefined;
}

/** A map of header schemas, which @fastify/swagger turns into a 429 response's headers. */
export const RATE_LIMIT_HEADERS = {
  'retry-after': Type.Integer({ description: 'Seconds until the window resets' }),
  'x-ratelimit-limit': Type.Integer({ description: 'Requests allowed per window' }),
  'x-ratelimit-remaining': Type.Integer({ description: 'Requests left in this window' }),
  'x-ratelimit-reset': Type.Integer({ description: 'Seconds until the window resets' }),
};

const TooManyRequests = {
  ...errorBody('Too many requests from this address (HOTLINE_ERR_RATE_LIMITED)'),
  headers: RATE_LIMIT_HEADERS,
};

/**
 * Counts in Redis (shared between instances) and, whenever Redis does not answer, in
 * this instance's memory: with Redis down the limits get per-instance, never off (an
 * attacker who can take Redis down must not also get unthrottled password guessing).
 */
class RedisOrMemoryStore implements Store {
  constructor(
    private readonly redis: Store,
    private readonly memory: Store,
  ) {}

  incr(key: string, callback: IncrCallback, timeWindow: number, max: number): void {
    this.redis.incr(
      key,
      (err, result) => (err || !result ? this.memory.incr(key, callback, timeWindow, max) : callback(null, result)),
      timeWindow,
      max,
    );
  }

  child(routeOptions: RouteOptions): Store {
    return new RedisOrMemoryStore(this.redis.child(routeOptions), this.memory.child(routeOptions));
  }
}

/**
 * The store class @fastify/rate-limit instantiates itself, bound to one Redis and key
 * prefix (fixed windows: no continueExceeding or exponential backoff, as configured below).
 */
function redisOrMemory(redis: Redis, nameSpace: string): FastifyRateLimitStoreCtor {
  const ctor = class extends RedisOrMemoryStore {
    constructor() {
      super(new RedisStore(false, false, redis, nameSpace), new LocalStore(false, false));
    }
  };
  // Our declaration of the package's stores types route options more narrowly than its own.
  return ctor as unknown as FastifyRateLimitStoreCtor;
}

/**
 * Limits requests per client IP across every route of `scope`. The hook is a scope
 * `onRequest` hook added before any other of the scope's hooks (call this first), so
 * it runs ahead of authentication: requests with a bad token count too, which is what
 * throttles token guessing, and they are refused before the authenticator is asked.
 */
export async function limitRequests(scope: FastifyInstance, options: LimitOptions): Promise<void> {
  await scope.register(rateLimit, {
    // Only the hook below applies; route-level hooks would run after the auth hook.
    global: false,
    max: options.limit.max,
    timeWindow: options.limit.timeWindowMs,
    // An unreachable Redis must neither take the API down nor switch the limits off.
    ...(options.redis ? { store: redisOrMemory(options.redis, `${options.prefix ?? 'hotline'}:rate-limit:${options.name}:`) } : {}),
    skipOnError: false,
    errorResponseBuilder: (_request, context) =>
      hotlineError('HOTLINE_ERR_RATE_LIMITED', `Too many requests, retry in ${context.after}`),
  });
  scope.addHook('onRoute', (route) => {
    const schema = route.schema ?? {};
    route.schema = { ...schema, response: { 429: TooManyRequests, ...(schema.response as object | undefined) } };
  });
  scope.addHook('onRequest', scope.rateLimit());
}
