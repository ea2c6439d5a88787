import { randomInt } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HttpDeps } from '../../src/adapters/http/deps.js';
import { TEST_ADMIN_TOKEN, openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let backend: HttpBackend;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  backend = await openHttpBackend();
});

afterAll(async () => {
  await backend?.close();
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(overrides: Partial<HttpDeps> = {}): Promise<FastifyInstance> {
  const { app } = await startHttpApp(backend, overrides);
  apps.push(app);
  return app;
}

/** A client address of its own, so counters kept in a shared Redis never mix between tests or runs. */
function freshIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

function get(app: FastifyInstance, url: string, options: Omit<InjectOptions, 'url'> & { token?: string | null } = {}) {
  const { token = TEST_ADMIN_TOKEN, headers, ...rest } = options;
  return app.inject({
    method: 'GET',
    url,
    ...rest,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
  });
}

/** A Content-Security-Policy header as directive → sources. */
function parseCsp(header: string | string[] | number | undefined): Map<string, string[]> {
  expect(typeof header).toBe('string');
  const policy = new Map<string, string[]>();
  for (const part of String(header).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) policy.set(name.toLowerCase(), sources);
  }
  return policy;
}

/** The sources a fetch of the given kind is checked against, falling back to default-src as browsers do. */
function sourcesFor(policy: Map<string, string[]>, directive: string): string[] {
  return policy.get(directive) ?? policy.get('default-src') ?? [];
}

function expectApiHeaders(res: LightMyRequestResponse) {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  const csp = parseCsp(res.headers['content-security-policy']);
  expect(csp.get('default-src')).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
}

describe('security headers', () => {
  it('puts a deny-everything CSP and nosniff on API answers, errors included', async () => {
    const app = await start();
    const responses = [
      await get(app, '/api/hours'),
      await get(app, '/api/cases', { token: null }),
      await get(app, '/api/cases/1234'),
      await get(app, '/api/health', { token: null }),
      await get(app, '/api/nope'),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([200, 401, 400, 200, 404]);
    for (const res of responses) expectApiHeaders(res);
  });

  it('serves /docs under a policy that allows everything its HTML loads', async () => {
    const app = await start();
    const page = await get(app, '/docs', { token: null });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const csp = parseCsp(page.headers['content-security-policy']);
    // Served over plain HTTP, so upgrading the page's own assets to https would break it.
    expect(csp.has('upgrade-insecure-requests')).toBe(false);

    const html = page.body;
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    const inline = scripts.filter(([, attrs]) => !/\bsrc=/.test(attrs ?? ''));
    if (inline.length > 0) expect(sourcesFor(csp, 'script-src')).toContain("'unsafe-inline'");
    expect(html).not.toMatch(/\son[a-z]+=/i);

    const scriptUrls = scripts.map(([, attrs]) => /\bsrc="([^"]+)"/.exec(attrs ?? '')?.[1]).filter((u) => u !== undefined);
    const styleUrls = [...html.matchAll(/<link rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
    const iconUrls = [...html.matchAll(/<link rel="icon"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
    expect(styleUrls.length).toBeGreaterThan(0);

    const base = 'http://localhost/docs';
    const check = async (urls: string[], directive: string) => {
      for (const ref of urls) {
        const url = new URL(ref, base);
        // Same origin, so 'self' must be among the allowed sources of this kind.
        expect(url.origin, ref).toBe('http://localhost');
        expect(sourcesFor(csp, directive), `${directive} for ${ref}`).toContain("'self'");
        const asset = await get(app, url.pathname, { token: null });
        expect(asset.statusCode, ref).toBe(200);
      }
    };
    await check(scriptUrls, 'script-src');
    await check(styleUrls, 'style-src');
    await check(iconUrls, 'img-src');

    // The CSS embeds its icons as data: URLs.
    const css = await get(app, new URL(styleUrls[0]!, base).pathname, { token: null });
    expect(css.body).toMatch(/url\("?data:image\//);
    expect(sourcesFor(csp, 'img-src')).toContain('data:');

    // The initializer fetches the OpenAPI document from this origin.
    const init = await get(app, '/docs/static/swagger-initializer.js', { token: null });
    expect(init.body).toContain("resolveUrl('./json')");
    expect(sourcesFor(csp, 'connect-src')).toContain("'self'");
    expect((await get(app, '/docs/json', { token: null })).statusCode).toBe(200);
  });

  it('keeps the docs policy to /docs', async () => {
    const app = await start();
    const asset = await get(app, '/docs/static/swagger-ui-bundle.js', { token: null });
    expect(parseCsp(asset.headers['content-security-policy']).get('script-src')).toEqual(["'self'"]);
    expectApiHeaders(await get(app, '/api/hours'));
  });
});

describe('rate limiting', () => {
  const LIMIT = { max: 3, timeWindowMs: 60_000 };

  it('answers 429 in the error shape with rate-limit headers once the limit is used up', async () => {
    const app = await start({ rateLimit: LIMIT });
    const remoteAddress = freshIp();
    const allowed = [];
    for (let i = 0; i < LIMIT.max; i++) allowed.push(await get(app, '/api/hours', { remoteAddress }));
    expect(allowed.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(allowed.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0']);
    expect(allowed[0]!.headers['x-ratelimit-limit']).toBe('3');

    const limited = await get(app, '/api/hours', { remoteAddress });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/json/);
    expect(limited.json()).toEqual({ error: { code: 'HOTLINE_ERR_RATE_LIMITED', message: expect.any(String) } });
    expect(limited.headers['x-ratelimit-limit']).toBe('3');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    expectApiHeaders(limited);

    // Every /api route draws on the same budget.
    expect((await get(app, '/api/cases', { remoteAddress })).statusCode).toBe(429);
  });

  it('counts each client address on its own', async () => {
    const app = await start({ rateLimit: { max: 1, timeWindowMs: 60_000 } });
    const first = freshIp();
    expect((await get(app, '/api/hours', { remoteAddress: first })).statusCode).toBe(200);
    expect((await get(app, '/api/hours', { remoteAddress: first })).statusCode).toBe(429);
    expect((await get(app, '/api/hours', { remoteAddress: freshIp() })).statusCode).toBe(200);
  });

  it('counts failed authentication, and refuses before asking the authenticator', async () => {
    const authenticate = vi.fn(() => null);
    const app = await start({ rateLimit: LIMIT, authenticate });
    const remoteAddress = freshIp();
    for (let i = 0; i < LIMIT.max; i++) {
      expect((await get(app, '/api/cases', { remoteAddress, token: `guess-${i}` })).statusCode).toBe(401);
    }
    expect(authenticate).toHaveBeenCalledTimes(LIMIT.max);

    const guess = await get(app, '/api/cases', { remoteAddress, token: 'guess-again' });
    expect(guess.statusCode).toBe(429);
    expect(guess.json().error.code).toBe('HOTLINE_ERR_RATE_LIMITED');
    expect(authenticate).toHaveBeenCalledTimes(LIMIT.max);
    // Even the right token waits out the window once the address has spent it guessing.
    expect((await get(app, '/api/cases', { remoteAddress })).statusCode).toBe(429);
  });

  it('lets the address back in when the window has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = await start({ rateLimit: { max: 1, timeWindowMs: 60_000 } });
    const remoteAddress = freshIp();
    expect((await get(app, '/api/hours', { remoteAddress })).statusCode).toBe(200);
    expect((await get(app, '/api/hours', { remoteAddress })).statusCode).toBe(429);
    vi.setSystemTime(Date.now() + 60_001);
    expect((await get(app, '/api/hours', { remoteAddress })).statusCode).toBe(200);
  });

  it('keeps health out of the API budget, under its own generous limit', async () => {
    const app = await start({ rateLimit: { max: 1, timeWindowMs: 60_000 }, healthRateLimit: { max: 2, timeWindowMs: 60_000 } });
    const remoteAddress = freshIp();
    expect((await get(app, '/api/hours', { remoteAddress })).statusCode).toBe(200);
    expect((await get(app, '/api/hours', { remoteAddress })).statusCode).toBe(429);

    const health = [await get(app, '/api/health', { remoteAddress, token: null }), await get(app, '/api/health', { remoteAddress, token: null })];
    expect(health.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(health[0]!.headers['x-ratelimit-limit']).toBe('2');

    const flooded = await get(app, '/api/health', { remoteAddress, token: null });
    expect(flooded.statusCode).toBe(429);
    expect(flooded.json().error.code).toBe('HOTLINE_ERR_RATE_LIMITED');
  });

  it('allows health 600 a minute by default, far above the API budget', async () => {
    const app = await start({ rateLimit: { max: 1, timeWindowMs: 60_000 } });
    const res = await get(app, '/api/health', { remoteAddress: freshIp(), token: null });
    expect(res.headers['x-ratelimit-limit']).toBe('600');
    const api = await get(app, '/api/hours', { remoteAddress: freshIp() });
    expect(api.headers['x-ratelimit-limit']).toBe('1');
  });

  it('limits 300 a minute by default', async () => {
    const app = await start();
    expect((await get(app, '/api/hours', { remoteAddress: freshIp() })).headers['x-ratelimit-limit']).toBe('300');
  });

  it('does not limit the docs', async () => {
    const app = await start({ rateLimit: { max: 1, timeWindowMs: 60_000 } });
    const remoteAddress = freshIp();
    for (let i = 0; i < 3; i++) expect((await get(app, '/docs/json', { remoteAddress, token: null })).statusCode).toBe(200);
  });

  describe('behind a proxy', () => {
    const forwarded = (ip: string) => ({ remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': ip } });

    it('ignores X-Forwarded-For unless told to trust the proxy, so clients cannot pick their bucket', async () => {
      const app = await start({ rateLimit: { max: 1, timeWindowMs: 60_000 } });
      expect((await get(app, '/api/hours', forwarded(freshIp()))).statusCode).toBe(200);
      expect((await get(app, '/api/hours', forwarded(freshIp()))).statusCode).toBe(429);
    });

    it('limits each forwarded client on its own when the proxy is trusted', async () => {
      const app = await start({ rateLimit: { max: 1, timeWindowMs: 60_000 }, trustProxy: '127.0.0.1' });
      const client = freshIp();
      expect((await get(app, '/api/hours', forwarded(client))).statusCode).toBe(200);
      expect((await get(app, '/api/hours', forwarded(client))).statusCode).toBe(429);
      expect((await get(app, '/api/hours', forwarded(freshIp()))).statusCode).toBe(200);
    });
  });

  describe('with Redis', () => {
    let redis: Redis;

    beforeAll(async () => {
      redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
    });

    afterAll(async () => {
      await redis?.quit();
    });

    it('shares one budget between service instances', async () => {
      const limit = { max: 2, timeWindowMs: 60_000 };
      const one = await start({ rateLimit: limit, rateLimitRedis: redis });
      const two = await start({ rateLimit: limit, rateLimitRedis: redis });
      const remoteAddress = freshIp();
      try {
        expect((await get(one, '/api/hours', { remoteAddress })).statusCode).toBe(200);
        expect((await get(two, '/api/hours', { remoteAddress })).statusCode).toBe(200);
        const limited = await get(one, '/api/hours', { remoteAddress });
        expect(limited.statusCode).toBe(429);
        expect(limited.json().error.code).toBe('HOTLINE_ERR_RATE_LIMITED');
        expect(await redis.exists(`hotline:rate-limit:api:${remoteAddress}`)).toBe(1);
      } finally {
        await redis.del(`hotline:rate-limit:api:${remoteAddress}`);
      }
    });

    it('keeps limiting in memory when Redis cannot be reached: the API answers, sign-in is still throttled', async () => {
      // A port nothing listens on; no offline queue, so each command fails at once.
      const down = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
      down.on('error', () => {});
      try {
        const app = await start({
          rateLimit: { max: 1, timeWindowMs: 60_000 },
          loginRateLimit: { max: 2, timeWindowMs: 60_000 },
          rateLimitRedis: down,
        });
        const remoteAddress = freshIp();
        const res = [await get(app, '/api/hours', { remoteAddress }), await get(app, '/api/hours', { remoteAddress })];
        expect(res.map((r) => r.statusCode)).toEqual([200, 429]);
        const login = () =>
          app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { username: 'nobody', password: 'guess-guess-guess' } });
        const logins = [await login(), await login(), await login()];
        expect(logins.map((r) => r.statusCode)).toEqual([401, 401, 429]);
      } finally {
        down.disconnect();
      }
    });
  });
});

describe('OpenAPI', () => {
  it('documents 429 with its headers on every /api route', async () => {
    const app = await start();
    const doc = (await get(app, '/docs/json', { token: null })).json();
    const operations = Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [`${method} ${path}`, op] as const));
    expect(operations.length).toBeGreaterThan(5);
    for (const [name, op] of operations) {
      // Open311 answers errors in its own shape: a list of { code, description }.
      const body = name.includes(' /open311/')
        ? { schema: { type: 'array', items: { properties: { code: expect.any(Object), description: expect.any(Object) } } } }
        : { schema: { properties: { error: expect.any(Object) } } };
      expect(op.responses['429'], name).toMatchObject({
        headers: {
          'retry-after': { schema: { type: 'integer' } },
          'x-ratelimit-limit': { schema: { type: 'integer' } },
          'x-ratelimit-remaining': { schema: { type: 'integer' } },
          'x-ratelimit-reset': { schema: { type: 'integer' } },
        },
        content: { 'application/json': body },
      });
    }
  });
});

