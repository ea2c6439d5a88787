import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createLogger } from '../../src/adapters/log/logger.js';
import { openDatabase } from '../../src/adapters/db/database.js';
import { createFileRecordingStore } from '../../src/adapters/db/recording-store.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import type { HealthChecks, HoursService, HttpDeps, Principal } from '../../src/adapters/http/deps.js';
import { buildServer } from '../../src/adapters/http/server.js';
import { hoursApi } from '../../src/adapters/http/hours-api.js';
import { OfficeHoursService } from '../../src/services/office-hours-service.js';
import { createAccounts } from '../../src/services/auth-service.js';
import { createAgentModule } from '../../src/services/agent-module.js';
import { createCallCases } from '../../src/services/agent-desk.js';
import { openTestDatabase } from './database.js';

/** Asterisk is not part of these HTTP-level runs: agent actions answer 503, as they would in production with AMI down. */
const AMI_DOWN = { isConnected: () => false, action: () => Promise.reject(new Error('AMI is not connected')) };
import { createPlaceRouting } from '../../src/services/place-routing.js';
import { createReportService } from '../../src/services/report-service.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-3f9c1d7e2b';
export const ALL_UP: HealthChecks = { database: true, redis: true, ari: true, ami: true };

export type Database = Awaited<ReturnType<typeof openDatabase>>;
export type Repositories = ReturnType<typeof createRepositories>;
export type RecordingStore = ReturnType<typeof createFileRecordingStore>;

/**
 * The real office-hours service, adapted the way the app wires it. AMI is reported down:
 * mirroring into AstDB is not what the HTTP tests are about, and the service tolerates it.
 */
export async function officeHours(
  repos: Pick<Repositories, 'settings' | 'holidays' | 'districts' | 'users'>,
  logger: Logger,
  changes: { mode: string; actor: string }[],
  now?: () => Date,
): Promise<HoursService> {
  const service = new OfficeHoursService({
    settings: repos.settings,
    holidayRepo: repos.holidays,
    districts: repos.districts,
    users: repos.users,
    ami: { isConnected: () => false, action: () => Promise.reject(new Error('AMI is not connected')) },
    logger,
    ...(now ? { now } : {}),
  });
  await service.load();
  const api = hoursApi(service);
  return {
    ...api,
    setOverride: (mode, actor) => {
      changes.push({ mode, actor });
      return api.setOverride(mode, actor);
    },
  };
}

export function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

/** Accounts, agents and supervisors' phones (AMI down), call cases and reports over real repositories: what every HTTP test server needs. */
export function serviceDeps(repos: Repositories, logger: Logger) {
  const agents = createAgentModule({
    repos,
    ami: AMI_DOWN,
    config: { wrapUpSeconds: { default: 15 }, maxMissedInARow: 2, sipDomain: '127.0.0.1' },
    now: () => new Date(),
    logger,
  });
  return {
    accounts: createAccounts(repos, () => new Date()),
    agents: agents.desk,
    supervisors: agents.supervisors,
    callCases: createCallCases(repos),
    reports: createReportService(repos.reports, { now: () => new Date() }),
    places: createPlaceRouting({ boundaries: repos.boundaries, cacheMs: 0 }),
    organisation: { units: repos.units, districts: repos.districts },
  };
}

/** A PGlite database, its repositories and a recording store in a temporary folder. */
export interface HttpBackend {
  database: Database;
  repos: Repositories;
  store: RecordingStore;
  close(): Promise<void>;
}

export async function openHttpBackend(): Promise<HttpBackend> {
  const database = await openDatabase({});
  const recordingsDir = await mkdtemp(path.join(tmpdir(), 'hotline-http-'));
  return {
    database,
    repos: createRepositories(database),
    store: createFileRecordingStore(recordingsDir),
    async close() {
      await database.close();
      await rm(recordingsDir, { recursive: true, force: true });
    },
  };
}

/** The same over a fresh PostgreSQL database on TEST_DATABASE_URL, dropped on close. */
export async function openPostgresHttpBackend(): Promise<HttpBackend> {
  const testDb = await openTestDatabase('postgres');
  const recordingsDir = await mkdtemp(path.join(tmpdir(), 'hotline-http-'));
  return {
    database: testDb.database,
    repos: createRepositories(testDb.database),
    store: createFileRecordingStore(recordingsDir),
    async close() {
      await testDb.cleanup();
      await rm(recordingsDir, { recursive: true, force: true });
    },
  };
}

/**
 * Bearer tokens standing for a signed-in supervisor, agent and district-3 user, for tests
 * about who may read what rather than about accounts: pass `authenticateTestToken` as
 * the app's `authenticate`.
 */
const TEST_PRINCIPALS: Record<string, Principal> = {
  'supervisor-token': { id: 'sup-1', role: 'supervisor' },
  'agent-token': { id: 'agent-1', role: 'agent' },
  'district-token': { id: 'd-1', role: 'district', district: 3 },
};

export const authenticateTestToken = (token: string): Principal | null => TEST_PRINCIPALS[token] ?? null;

/** A GET through `app.inject` as `token` (a supervisor's by default; null sends no Authorization header). */
export function getAs(app: FastifyInstance, url: string, token: string | null = 'supervisor-token', headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

export interface HttpApp {
  app: FastifyInstance;
  logLines: string[];
  /** Override changes the API asked of the office-hours service, in order. */
  hoursChanges: { mode: string; actor: string }[];
}

/** buildServer over the real repositories, everything reported up, unless `overrides` says otherwise. */
export async function startHttpApp(backend: HttpBackend, overrides: Partial<HttpDeps> = {}): Promise<HttpApp> {
  const { logger, lines } = capturingLogger();
  const hoursChanges: { mode: string; actor: string }[] = [];
  const app = await buildServer({
    cases: backend.repos.cases,
    calls: backend.repos.calls,
    recordings: backend.store,
    health: async () => ALL_UP,
    hours: await officeHours(backend.repos, logger, hoursChanges),
    adminToken: TEST_ADMIN_TOKEN,
    ...serviceDeps(backend.repos, logger),
    logger,
    now: () => new Date(),
    ...overrides,
  });
  return { app, logLines: lines, hoursChanges };
}
