import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { defaultConfig, initialState } from '../../src/domain/queues/live-stats.js';
import { snapshot } from '../../src/domain/queues/snapshot.js';
import type { UserRole } from '../../src/domain/users/user.js';
import { hashPassword } from '../../src/services/passwords.js';
import { openHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpBackend } from './http-app.js';
import { reviewOnlySurveyService } from './surveyed-cases.js';
import { recordingServiceFor } from './recording-service.js';
import { createLogger } from '../../src/adapters/log/logger.js';
import { createQualityModule } from '../../src/quality/quality-module.js';
import { createKnowledgeModule } from '../../src/knowledge/knowledge-module.js';

/**
 * The whole API over a real (PGlite) database, with every optional part present so every
 * route exists, real signed-in users of each role, and a case to point at: what the role
 * matrix and the fuzz suite send requests to. Rate limits are out of the way (they have
 * tests of their own); Asterisk is down (agent actions answer 503), dispatch is not running.
 */

export const ROLE_NAMES = ['none', 'agent', 'district', 'supervisor', 'admin'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export const SMS_TOKEN = 'sms-webhook-token-for-the-api-surface';
export const OPEN311_KEY = 'open311-key-for-the-api-surface';
export const PASSWORD = 'correct horse battery';
/** The sample case's district; the district user belongs to another one. */
export const CASE_DISTRICT = 3;
export const DISTRICT_USER_DISTRICT = 5;

export interface ApiSurface {
  backend: HttpBackend;
  app: FastifyInstance;
  /** Bearer token of each role (null for none). */
  tokens: Record<RoleName, string | null>;
  ids: { agent: string; supervisor: string; district: string; spare: string };
  usernames: { agent: string; supervisor: string; district: string; spare: string };
  trackingNumber: string;
  /** Signs `username` in again: a fresh token (for requests that end their session). */
  login(username: string): Promise<string>;
  /** A real socket for the event streams, which `inject` cannot end. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const UNLIMITED = { max: 1_000_000, timeWindowMs: 60_000 };

export async function openApiSurface(): Promise<ApiSurface> {
  const backend = await openHttpBackend();
  const users = backend.repos.users;
  const passwordHash = await hashPassword(PASSWORD);
  const make = async (username: string, role: UserRole, district: number | null = null) =>
    (await users.create({ username, displayName: username, role, district, passwordHash })).id;
  const usernames = { agent: 'surface-agent', supervisor: 'surface-sup', district: 'surface-district', spare: 'surface-spare' };
  const ids = {
    agent: await make(usernames.agent, 'agent'),
    supervisor: await make(usernames.supervisor, 'supervisor'),
    district: await make(usernames.district, 'district', DISTRICT_USER_DISTRICT),
    spare: await make(usernames.spare, 'agent'),
  };

  await backend.repos.agents.upsert({
    userId: ids.agent,
    endpoint: 'agent-surface-agent',
    interface: 'PJSIP/agent-surface-agent',
    sipPassword: 'sip-password-of-the-surface-agent',
    queues: [{ queue: 'general', penalty: 0 }],
  });

  const { service: callRecordings } = recordingServiceFor({ database: backend.database, calls: backend.repos.calls, store: backend.store, logger: createLogger('silent') });
  const { app } = await startHttpApp(backend, {
    callRecordings,
    quality: createQualityModule({ db: backend.database.db, recordings: callRecordings, agents: backend.repos.agents, now: () => new Date() }),
    knowledge: createKnowledgeModule({ db: backend.database.db, calls: backend.repos.calls, now: () => new Date() }),
    surveys: reviewOnlySurveyService(backend, () => new Date()),
    liveStats: { snapshot: () => snapshot(initialState(defaultConfig(), new Date()), new Date()), subscribe: () => () => undefined },
    metrics: async () => '',
    smsWebhookToken: SMS_TOKEN,
    // The surface is about who may call what: texting itself is test/integration/sms.test.ts's.
    smsWebhooks: {
      deliveryReport: async () => ({ known: false, status: null }),
      satisfactionReply: async () => null,
      answer: async () => undefined,
    },
    open311ApiKeys: [OPEN311_KEY],
    rateLimit: UNLIMITED,
    publicRateLimit: UNLIMITED,
    publicFaqRateLimit: UNLIMITED,
    loginRateLimit: UNLIMITED,
    healthRateLimit: UNLIMITED,
  });
  await app.ready();

  const login = async (username: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body}`);
    return res.json().token as string;
  };
  const tokens: Record<RoleName, string | null> = {
    none: null,
    agent: await login(usernames.agent),
    district: await login(usernames.district),
    supervisor: await login(usernames.supervisor),
    admin: TEST_ADMIN_TOKEN,
  };
  const sample = await backend.repos.cases.create({
    channel: 'manual',
    category: 'parks_trees',
    district: CASE_DISTRICT,
    callerPhone: '09121234567',
    description: 'A fallen tree blocks the pavement',
    actor: 'surface',
  });

  let listening: string | null = null;
  return {
    backend,
    app,
    tokens,
    ids,
    usernames,
    trackingNumber: sample.trackingNumber,
    login,
    async listen() {
      if (!listening) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        listening = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      }
      return listening;
    },
    async close() {
      await app.close();
      await backend.close();
    },
  };
}

/** The status of a request to an event stream: read from the head, then the stream is dropped. */
export async function streamStatus(base: string, url: string, token: string | null, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const abort = new AbortController();
  const res = await fetch(base + url, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    signal: abort.signal,
  });
  const streaming = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const body = streaming ? null : await res.json().catch(() => null);
  abort.abort();
  return { status: res.status, body };
}
