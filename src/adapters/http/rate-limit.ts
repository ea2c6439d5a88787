import rateLimit from '@fastify/rate-limit';
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
    ...(options.redis ? { redis: options.redis } : {}),
    nameSpace: `hotline:rate-limit:${options.name}:`,
    // An unreachable Redis must not take the API (or health reporting it) down with it.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      hotlineError('HOTLINE_ERR_RATE_LIMITED', `Too many requests, retry in ${context.after}`),
  });
  scope.addHook('onRoute', (route) => {
    const schema = route.schema ?? {};
    route.schema = { ...schema, response: { 429: TooManyRequests, ...(schema.response as object | undefined) } };
  });
  scope.addHook('onRequest', scope.rateLimit());
}
