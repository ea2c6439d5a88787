import type { FastifyInstance, InjectOptions } from 'fastify';
import { defaultConfig, initialState } from '../../src/domain/queues/live-stats.js';
import { snapshot } from '../../src/domain/queues/snapshot.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { createCaseRepo } from '../../src/adapters/db/case-repo.js';
import { createKnowledgeModule } from '../../src/knowledge/knowledge-module.js';
import { dammCheckDigit } from '../../src/domain/cases/tracking-number.js';
import type { HealthChecks, HttpDeps } from '../../src/adapters/http/deps.js';
import {
  ALL_UP,
  TEST_ADMIN_TOKEN as TOKEN,
  openHttpBackend,
  startHttpApp,
  type HttpBackend,
  type RecordingStore,
  type Repositories,
} from '../helpers/http-app.js';
import { wav } from '../helpers/wav.js';

/** The parts of an OpenAPI operation the documentation test reads. */
interface OpenApiOperation {
  summary?: string;
  tags?: string[];
  security?: unknown;
  responses: Record<string, unknown>;
}

const NOW = new Date('2025-01-04T10:00:00.000Z'); // a Saturday, 13:30 in Tehran
const FRIDAY = new Date('2025-01-03T10:00:00.000Z'); // closed all day; Saturday 07:00 Tehran is 03:30Z

let backend: HttpBackend;
let repos: Repositories;
let store: RecordingStore;

let app: FastifyInstance;
let logLines: string[];
/** Override changes the API asked of the office-hours service, in order. */
let hoursChanges: { mode: string; actor: string }[];
let healthResult: () => Promise<HealthChecks>;

async function start(overrides: Partial<HttpDeps> = {}): Promise<FastifyInstance> {
  healthResult = async () => ALL_UP;
  const started = await startHttpApp(backend, { health: () => healthResult(), now: () => NOW, ...overrides });
  ({ app, logLines, hoursChanges } = started);
  return app;
}

function call(options: InjectOptions & { token?: string | null }) {
  const { token = TOKEN, headers, ...rest } = options;
  return app.inject({
    ...rest,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
  });
}

let phoneSeq = 1000000;
/** Each test gets its own caller numbers so list filters see only that test's cases. */
function freshMobile(): string {
  phoneSeq += 1;
  return `0935${phoneSeq}`;
}

beforeAll(async () => {
  backend = await openHttpBackend();
  ({ repos, store } = backend);
});

afterAll(async () => {
  await backend?.close();
});

afterEach(async () => {
  await app?.close();
});

describe('authentication', () => {
  it('rejects a missing token with 401 and a Bearer challenge', async () => {
    await start();
    const res = await call({ method: 'GET', url: '/api/cases', token: null });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({
      error: { code: 'HOTLINE_ERR_UNAUTHORIZED', message: expect.any(String) },
    });
  });

  it.each([
    ['a wrong token of the same length', TOKEN.replace(/.$/, 'X')],
    ['a prefix of the token', TOKEN.slice(0, 10)],
    ['the token with a suffix', `${TOKEN}0`],
  ])('rejects %s', async (_label, token) => {
    await start();
    const res = await call({ method: 'GET', url: '/api/hours', token });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('HOTLINE_ERR_UNAUTHORIZED');
  });

  it('rejects the right token under another scheme', async () => {
    await start();
    const res = await call({ method: 'GET', url: '/api/hours', token: null, headers: { authorization: `Basic ${TOKEN}` } });
    expect(res.statusCode).toBe(401);
  });

  it('accepts the admin token', async () => {
    await start();
    const res = await call({ method: 'GET', url: '/api/hours' });
    expect(res.statusCode).toBe(200);
  });

  it('keeps health and docs public', async () => {
    await start();
    expect((await call({ method: 'GET', url: '/api/health', token: null })).statusCode).toBe(200);
    expect((await call({ method: 'GET', url: '/docs/json', token: null })).statusCode).toBe(200);
  });

  it('asks deps.authenticate about other tokens and enforces roles', async () => {
    await start({
      authenticate: (token) => (token === 'agent-token' ? { id: 'agent-7', role: 'agent' } : null),
    });
    const read = await call({ method: 'GET', url: '/api/hours', token: 'agent-token' });
    expect(read.statusCode).toBe(200);

    const override = await call({
      method: 'PUT',
      url: '/api/hours/override',
      token: 'agent-token',
      payload: { mode: 'closed' },
    });
    expect(override.statusCode).toBe(403);
    expect(override.json().error.code).toBe('HOTLINE_ERR_FORBIDDEN');
    expect(hoursChanges).toEqual([]);

    const created = await call({
      method: 'POST',
      url: '/api/cases',
      token: 'agent-token',
      payload: { category: 'other', description: 'taken by an agent' },
    });
    expect(created.statusCode).toBe(201);
    const detail = await call({ method: 'GET', url: `/api/cases/${created.json().trackingNumber}` });
    expect(detail.json().events[0].actor).toBe('agent-7');
  });
});

describe('validation', () => {
  it.each([
    ['district above 22', '/api/cases?district=23', 'district'],
    ['district 0', '/api/cases?district=0', 'district'],
    ['district not a number', '/api/cases?district=abc', 'district'],
    ['unknown status', '/api/cases?status=lost', 'status'],
    ['unknown category', '/api/cases?category=weather', 'category'],
    ['limit too high', '/api/cases?limit=1000', 'limit'],
  ])('rejects %s with the field named', async (_label, url, field) => {
    await start();
    const res = await call({ method: 'GET', url });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'HOTLINE_ERR_VALIDATION',
      details: { in: 'querystring', field },
    });
  });

  it('rejects a phone filter that is not an Iranian number', async () => {
    await start();
    const res = await call({ method: 'GET', url: '/api/cases?phone=12' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { field: 'phone' } });
  });

  it.each(['1234', '123456789', '12345678940'])('rejects a tracking number of neither 10 nor 8 digits (%s)', async (tn) => {
    await start();
    const res = await call({ method: 'GET', url: `/api/cases/${tn}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ details: { in: 'params', field: 'trackingNumber' } });
  });

  it('still finds a case numbered with the legacy 8 digits, next to a 10-digit one', async () => {
    await start();
    const legacyNumber = `${7000000 + (phoneSeq % 1000)}`;
    const legacy = `${legacyNumber}${dammCheckDigit(legacyNumber)}`;
    const legacyRepo = createCaseRepo(backend.database.db, { trackingNumber: () => legacy });
    await legacyRepo.create({ channel: 'manual', category: 'other', description: 'old', actor: 'admin' });
    const current = await repos.cases.create({ channel: 'manual', category: 'other', description: 'new', actor: 'admin' });
    expect(current.trackingNumber).toMatch(/^\d{10}$/);
    for (const [tn, description] of [[legacy, 'old'], [current.trackingNumber, 'new']] as const) {
      const res = await call({ method: 'GET', url: `/api/cases/${tn}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ trackingNumber: tn, description });
    }
  });

  it.each([
    ['a missing description', { category: 'other' }, 'description'],
    ['an empty description', { category: 'other', description: '' }, 'description'],
    ['a blank description', { category: 'other', description: '   ' }, 'description'],
    ['a description over 4000 chars', { category: 'other', description: 'x'.repeat(4001) }, 'description'],
    ['a missing category', { description: 'pothole' }, 'category'],
    ['an unknown category', { category: 'weather', description: 'pothole' }, 'category'],
    ['district 23', { category: 'other', description: 'pothole', district: 23 }, 'district'],
    ['channel voicebox', { category: 'other', description: 'pothole', channel: 'voicebox' }, 'channel'],
    ['a caller phone that is no number', { category: 'other', description: 'pothole', callerPhone: 'abc' }, 'callerPhone'],
  ])('rejects a new case with %s', async (_label, payload, field) => {
    await start();
    const res = await call({ method: 'POST', url: '/api/cases', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { in: 'body', field } });
  });

  it('rejects malformed JSON with 400', async () => {
    await start();
    const res = await call({
      method: 'POST',
      url: '/api/cases',
      headers: { 'content-type': 'application/json' },
      payload: '{"category": "other", "description": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().error.code).toBe('HOTLINE_ERR_VALIDATION');
  });

  it('rejects an undecodable URL with a JSON 400', async () => {
    await start();
    const res = await call({ method: 'GET', url: '/api/cases/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('HOTLINE_ERR_VALIDATION');
  });

  it('rejects a body over 64 KiB with 413', async () => {
    await start();
    const res = await call({
      method: 'POST',
      url: '/api/cases',
      payload: { category: 'other', description: 'x'.repeat(70 * 1024) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('HOTLINE_ERR_PAYLOAD_TOO_LARGE');
  });
});

describe('cases', () => {
  it('creates a case by hand, then reads it back with its history', async () => {
    await start();
    const created = await call({
      method: 'POST',
      url: '/api/cases',
      payload: {
        category: 'streets_lighting',
        district: 7,
        callerPhone: '+98 912 123 4567',
        description: '  Street light out on Shariati  ',
      },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      trackingNumber: expect.stringMatching(/^\d{10}$/),
      channel: 'manual',
      category: 'streets_lighting',
      district: 7,
      callerPhone: '09121234567',
      description: 'Street light out on Shariati',
      status: 'new',
      hasRecording: false,
      recordingUrl: null,
    });
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);

    const detail = await call({ method: 'GET', url: `/api/cases/${body.trackingNumber}` });
    expect(detail.statusCode).toBe(200);
    const full = detail.json();
    expect(full).toMatchObject({ id: body.id, trackingNumber: body.trackingNumber });
    expect(full.events).toHaveLength(1);
    expect(full.events[0]).toMatchObject({ actor: 'admin', fromStatus: null, toStatus: 'new' });
    expect(new Date(full.events[0].at).toISOString()).toBe(full.events[0].at);
  });

  it('keeps the channel the operator gives', async () => {
    await start();
    const res = await call({
      method: 'POST',
      url: '/api/cases',
      payload: { category: 'other', description: 'from the web form', channel: 'web' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ channel: 'web', district: null, callerPhone: null });
  });

  it('answers 404 for an unknown tracking number', async () => {
    await start();
    const res = await call({ method: 'GET', url: '/api/cases/00000000' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('HOTLINE_ERR_CASE_NOT_FOUND');
  });

  it('filters the list by phone, district, category and status', async () => {
    await start();
    const phone = freshMobile();
    const make = async (category: string, district: number) => {
      const res = await call({
        method: 'POST',
        url: '/api/cases',
        payload: { category, district, callerPhone: phone, description: `${category} in ${district}` },
      });
      expect(res.statusCode).toBe(201);
      return res.json().trackingNumber as string;
    };
    const a = await make('parks_trees', 3);
    const b = await make('parks_trees', 4);
    const c = await make('cleaning_waste', 3);

    const list = async (query: string) => {
      const res = await call({ method: 'GET', url: `/api/cases?${query}` });
      expect(res.statusCode).toBe(200);
      return (res.json().cases as { trackingNumber: string }[]).map((x) => x.trackingNumber).sort();
    };
    // The same number written another way must find the same caller.
    const spaced = encodeURIComponent(`+98 ${phone.slice(1, 4)} ${phone.slice(4)}`);
    expect(await list(`phone=${spaced}`)).toEqual([a, b, c].sort());
    expect(await list(`phone=${phone}&district=3`)).toEqual([a, c].sort());
    expect(await list(`phone=${phone}&category=parks_trees`)).toEqual([a, b].sort());
    expect(await list(`phone=${phone}&category=parks_trees&district=4`)).toEqual([b]);
    expect(await list(`phone=${phone}&status=new`)).toEqual([a, b, c].sort());
    expect(await list(`phone=${phone}&status=resolved`)).toEqual([]);
    expect(await list(`phone=${phone}&limit=2`)).toHaveLength(2);
    expect(await list(`phone=${phone}&limit=2&offset=2`)).toHaveLength(1);
  });

  it('masks callers’ numbers in the request log', async () => {
    await start();
    await call({ method: 'GET', url: '/api/cases?phone=09121234567&district=1' });
    const log = logLines.join('');
    expect(log).toContain('0912***4567');
    expect(log).not.toContain('09121234567');
  });
});

describe('recordings', () => {
  it('streams a case’s recording as audio/wav', async () => {
    await start();
    const audio = wav(8000);
    const created = await repos.cases.create({
      channel: 'voicebox',
      category: 'other',
      callerPhone: freshMobile(),
      recording: 'http-test-voicebox.wav',
      actor: 'ivr',
    });
    await store.save('http-test-voicebox.wav', audio);

    const res = await call({ method: 'GET', url: `/api/cases/${created.trackingNumber}/recording` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.headers['content-length']).toBe(String(audio.length));
    expect(res.rawPayload.equals(audio)).toBe(true);

    const detail = await call({ method: 'GET', url: `/api/cases/${created.trackingNumber}` });
    expect(detail.json()).toMatchObject({
      hasRecording: true,
      recordingUrl: `/api/cases/${created.trackingNumber}/recording`,
    });
  });

  it('answers 404 when the case has no recording', async () => {
    await start();
    const created = await repos.cases.create({ channel: 'manual', category: 'other', actor: 'admin' });
    const res = await call({ method: 'GET', url: `/api/cases/${created.trackingNumber}/recording` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('HOTLINE_ERR_RECORDING_NOT_FOUND');
  });

  it('answers 404 when the recording file is missing', async () => {
    await start();
    const created = await repos.cases.create({
      channel: 'voicebox',
      recording: 'http-test-never-written.wav',
      actor: 'ivr',
    });
    const res = await call({ method: 'GET', url: `/api/cases/${created.trackingNumber}/recording` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('HOTLINE_ERR_RECORDING_NOT_FOUND');
  });

  it('answers 404 for the recording of an unknown case', async () => {
    await start();
    const res = await call({ method: 'GET', url: '/api/cases/00000000/recording' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('HOTLINE_ERR_CASE_NOT_FOUND');
  });
});

describe('health', () => {
  it('is 200 when everything is up', async () => {
    await start();
    const res = await call({ method: 'GET', url: '/api/health', token: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: ALL_UP });
  });

  it('is 503 and says what is down when one dependency is', async () => {
    await start();
    healthResult = async () => ({ ...ALL_UP, ami: false });
    const res = await call({ method: 'GET', url: '/api/health', token: null });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'degraded', checks: { ...ALL_UP, ami: false } });
  });

  it('lists warnings next to the checks, without turning 200 into 503', async () => {
    const warnings = ['Redis appendonly is "no": jobs are lost on a restart'];
    await start({ healthWarnings: () => ({ redis: warnings }) });
    const res = await call({ method: 'GET', url: '/api/health', token: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: ALL_UP, warnings });
    healthResult = async () => ({ ...ALL_UP, redis: false });
    const down = await call({ method: 'GET', url: '/api/health', token: null });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'degraded', checks: { ...ALL_UP, redis: false }, warnings });
  });

  it('is 503 with everything down when the probe itself fails', async () => {
    await start();
    healthResult = async () => {
      throw new Error('probe crashed');
    };
    const res = await call({ method: 'GET', url: '/api/health', token: null });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'degraded',
      checks: { database: false, redis: false, ari: false, ami: false },
    });
  });
});

describe('office hours', () => {
  afterEach(async () => {
    // The override lives in the shared database; leave it as the next test expects.
    await repos.settings.set('hours.override', 'auto');
  });

  it('round-trips an override and records who set it', async () => {
    await start();
    const closed = await call({ method: 'PUT', url: '/api/hours/override', payload: { mode: 'closed' } });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toEqual({ open: false, mode: 'closed' });

    const now = await call({ method: 'GET', url: '/api/hours' });
    expect(now.json()).toEqual({ open: false, mode: 'closed' });
    expect(await repos.settings.get('hours.override')).toBe('closed');

    const auto = await call({ method: 'PUT', url: '/api/hours/override', payload: { mode: 'auto' } });
    expect(auto.statusCode).toBe(200);
    expect(auto.json()).toEqual({ open: true, mode: 'auto' });
    expect(hoursChanges).toEqual([
      { mode: 'closed', actor: 'admin' },
      { mode: 'auto', actor: 'admin' },
    ]);
  });

  it('forces the hotline open on a Friday and says when it opens again in auto', async () => {
    await start({ now: () => FRIDAY });
    expect((await call({ method: 'GET', url: '/api/hours' })).json()).toEqual({
      open: false,
      mode: 'auto',
      nextOpening: '2025-01-04T03:30:00.000Z',
    });
    const open = await call({ method: 'PUT', url: '/api/hours/override', payload: { mode: 'open' } });
    expect(open.json()).toEqual({ open: true, mode: 'open' });
  });

  it.each([[{ mode: 'holiday' }], [{}], [{ mode: 1 }]])('rejects override body %j with 400', async (payload) => {
    await start();
    const res = await call({ method: 'PUT', url: '/api/hours/override', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { field: 'mode' } });
    expect(hoursChanges).toEqual([]);
  });
});

describe('errors and docs', () => {
  it('answers unknown routes with a JSON 404', async () => {
    await start();
    for (const url of ['/api/nope', '/nope?phone=09121234567']) {
      const res = await call({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('HOTLINE_ERR_NOT_FOUND');
      expect(res.body).not.toContain('09121234567');
    }
  });

  it('hides internal failures behind a 500 and logs them', async () => {
    const broken = await openDatabase({});
    await broken.close();
    await start({ cases: createRepositories(broken).cases });
    const res = await call({ method: 'GET', url: '/api/cases' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'HOTLINE_ERR_INTERNAL', message: 'Internal server error' } });
    expect(logLines.some((line) => JSON.parse(line).level === 50)).toBe(true);
  });

  it('gives every request an id and keeps a safe one from the caller', async () => {
    await start();
    const mine = await call({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'edge-42' } });
    expect(mine.headers['x-request-id']).toBe('edge-42');
    const unsafe = await call({ method: 'GET', url: '/api/health', headers: { 'x-request-id': '<script>' } });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('documents every route with summary, tags, responses and the bearer scheme', async () => {
    // With the optional parts present, so their routes are held to the same rules.
    await start({
      liveStats: { snapshot: () => snapshot(initialState(defaultConfig(), NOW), NOW), subscribe: () => () => undefined },
      metrics: async () => '',
      knowledge: createKnowledgeModule({ db: backend.database.db, calls: repos.calls, now: () => NOW }),
    });
    const res = await call({ method: 'GET', url: '/docs/json', token: null });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });

    const someExpected: Record<string, string[]> = {
      '/api/health': ['get'],
      '/api/auth/login': ['post'],
      '/api/cases': ['get', 'post'],
      '/api/cases/{trackingNumber}': ['get', 'patch'],
      '/api/cases/{trackingNumber}/recording': ['get'],
      '/api/dispatch/{jobId}/retry': ['post'],
      '/api/do-not-call': ['get', 'post'],
      '/api/do-not-call/{phone}': ['delete'],
      '/api/cases/{trackingNumber}/surveys': ['get'],
      '/api/surveys/{id}/comment': ['get'],
      '/api/hours': ['get'],
      '/api/hours/override': ['put'],
      '/api/users': ['get', 'post'],
      '/report': ['get'],
      '/api/public/cases': ['post'],
      '/api/public/cases/{trackingNumber}/status': ['get'],
      '/api/cases/bulk': ['post'],
      '/api/cases/{trackingNumber}/timeline': ['get'],
      '/api/cases/{trackingNumber}/reveal-phone': ['post'],
      '/api/cases/{trackingNumber}/decline': ['post'],
      '/api/sms/inbound': ['post'],
      '/open311/v2/services.json': ['get'],
      '/open311/v2/services/{service_code}.json': ['get'],
      '/open311/v2/requests.json': ['get', 'post'],
      '/open311/v2/requests/{service_request_id}.json': ['get'],
      '/api/queues/stats': ['get'],
      '/api/queues/stats/stream': ['get'],
      '/metrics': ['get'],
      '/api/knowledge/articles': ['get', 'post'],
      '/api/knowledge/articles/{id}': ['get', 'put', 'delete'],
      '/api/knowledge/articles/{id}/votes': ['put'],
      '/api/knowledge/search': ['get'],
      '/api/knowledge/suggestions': ['get'],
      '/api/calls/{callId}/articles': ['get', 'post'],
      '/api/public/faq': ['get'],
    };
    /** Routes outside the bearer scope: public, or with a secret of their own. */
    const ownSecurity: Record<string, unknown[] | undefined> = {
      '/api/health': [],
      '/report': undefined,
      '/api/public/cases': undefined,
      '/api/public/cases/{trackingNumber}/status': undefined,
      '/api/public/faq': undefined,
      '/api/sms/inbound': [{ smsWebhookToken: [] }],
      '/api/sms/delivery': [{ smsWebhookToken: [] }],
      '/api/auth/login': [],
      '/metrics': [],
    };
    for (const [route, methods] of Object.entries(someExpected)) {
      expect(Object.keys(doc.paths[route] ?? {}), route).toEqual(expect.arrayContaining(methods));
    }
    for (const [route, operations] of Object.entries(doc.paths as Record<string, Record<string, OpenApiOperation>>)) {
      for (const [method, op] of Object.entries(operations)) {
        expect(op.summary, `${method} ${route}`).toEqual(expect.any(String));
        expect(op.tags, `${method} ${route}`).toHaveLength(1);
        expect(Object.keys(op.responses).some((s) => s.startsWith('2')), `${method} ${route}`).toBe(true);
        const publicRoute = route in ownSecurity || route.startsWith('/open311/');
        expect(op.security, `${method} ${route}`).toEqual(publicRoute ? ownSecurity[route] : [{ bearerAuth: [] }]);
        if (!publicRoute) expect(op.responses['401'], `${method} ${route}`).toBeDefined();
        expect(op.responses['429'], `${method} ${route}`).toBeDefined();
      }
    }
    expect(doc.paths['/api/cases/{trackingNumber}/recording'].get.responses['200'].content).toHaveProperty(
      'audio/wav',
    );
    expect(doc.paths['/api/surveys/{id}/comment'].get.responses['200'].content).toHaveProperty('audio/wav');

    const ui = await call({ method: 'GET', url: '/docs', token: null });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('documents every field of the agents, desk-event and live-stats answers', async () => {
    await start({
      liveStats: { snapshot: () => snapshot(initialState(defaultConfig(), NOW), NOW), subscribe: () => () => undefined },
    });
    const doc = (await call({ method: 'GET', url: '/docs/json', token: null })).json();
    const answer = (route: string) => doc.paths[route].get.responses['200'];
    const schemas = {
      agents: answer('/api/agents').content['application/json'].schema,
      deskEvents: answer('/api/agents/{id}/events').content['text/event-stream'].schema,
      stats: answer('/api/queues/stats').content['application/json'].schema,
    };
    const fields = (schema: unknown) => [...documentedFields(schema, '')];
    // The walk reaches the fields that matter, so an empty list of gaps means something.
    expect(fields(schemas.agents).map(([path]) => path)).toEqual(expect.arrayContaining(['.agents[].callId', '.agents[].uniqueId']));
    expect(fields(schemas.deskEvents).map(([path]) => path)).toEqual(
      expect.arrayContaining(['.data.callId', '.data.history.cases[].trackingNumber', '.data.talkSeconds']),
    );
    expect(fields(schemas.stats).map(([path]) => path)).toEqual(expect.arrayContaining(['.overall.waiting[].uniqueId']));
    for (const schema of Object.values(schemas)) {
      expect(fields(schema).filter(([, documented]) => !documented)).toEqual([]);
    }
  });
});

/** Every property under `schema` (through arrays and unions), with whether it carries a description. */
function* documentedFields(schema: unknown, at: string): Generator<[string, boolean]> {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as { properties?: Record<string, unknown>; items?: unknown; anyOf?: unknown[]; oneOf?: unknown[] };
  for (const [name, property] of Object.entries(s.properties ?? {})) {
    yield [`${at}.${name}`, typeof (property as { description?: unknown }).description === 'string'];
    yield* documentedFields(property, `${at}.${name}`);
  }
  if (s.items) yield* documentedFields(s.items, `${at}[]`);
  for (const option of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) yield* documentedFields(option, at);
}
