/**
 * Redis losing its data (a restart without persistence, a FLUSHALL) loses no dispatch
 * and no survey: the schedulers are set again every minute (here every 200 ms), and the
 * sweeps queue again from the database what Redis forgot. Runs on a redis-server of its
 * own, never the shared one other tests use.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Job } from 'bullmq';
import { inArray } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDoNotCallRepo, createSurveyRepo } from '../../src/outbound/adapters/db/survey-repo.js';
import { cases } from '../../src/adapters/db/schema/index.js';
import { startDispatch } from '../../src/adapters/jobs/dispatch.js';
import { dispatchJobId } from '../../src/adapters/jobs/queues.js';
import { readRedisSettings, UNKNOWN } from '../../src/adapters/jobs/redis-settings.js';
import { routeOnDistrict } from '../../src/adapters/jobs/routing.js';
import { startSla } from '../../src/adapters/jobs/sla.js';
import { startOutboundJobs } from '../../src/outbound/adapters/jobs/outbound-jobs.js';
import { surveyOnClose } from '../../src/outbound/adapters/jobs/survey-on-close.js';
import type { SurveyDialler } from '../../src/outbound/ports.js';
import { DEFAULT_DIALLING_WINDOW } from '../../src/outbound/domain/dialling-window.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAYS_MS } from '../../src/outbound/domain/retry-policy.js';
import { createSurveyService } from '../../src/outbound/services/survey-service.js';
import { startHotline } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createTestPostgresDatabase } from '../helpers/database.js';
import { useJobTestBed } from '../helpers/job-test-bed.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { startWebhookServer } from '../helpers/webhook-server.js';

const logger = pino({ level: 'silent' });
const SECRET = 'district-7-webhook-secret';
/* Tehran = UTC+03:30; Wednesday 2026-04-29 has no holiday: districts open, surveys dialled from 12:00. */
const WED_1000 = new Date('2026-04-29T06:30:00Z');
const WED_1200 = new Date('2026-04-29T08:30:00Z');
const FAST = 200;
/** How long a condition may take to hold on a loaded machine (polled, not slept). */
const SETTLED = { timeout: 30_000, interval: 100 };

const bed = useJobTestBed([]);
const { closers } = bed;
let redis: PrivateRedis;

beforeEach(async () => {
  redis = await startPrivateRedis();
  closers.unshift(() => redis.stop());
});

/** Resolves once a worker has completed every job of `ids`. */
function completedAll(worker: { on(e: 'completed', l: (job: Job) => void): unknown }, ids: string[]): Promise<void> {
  const left = new Set(ids);
  return new Promise((resolve) =>
    worker.on('completed', (job: Job) => {
      left.delete(job.id!);
      if (left.size === 0) resolve();
    }),
  );
}

async function engineParts() {
  const { repos, prefix, database } = bed;
  let clock = WED_1000;
  const now = () => clock;
  const connection = { url: redis.url, maxRetriesPerRequest: null };

  let districtUp = false;
  const server = await startWebhookServer(() => (districtUp ? 200 : 503));
  closers.push(() => server.close());
  await repos.districts.update(7, { webhookUrls: [server.url], webhookSecret: SECRET });
  const dispatch = startDispatch({
    connection,
    producerConnection: { ...connection, enableOfflineQueue: false },
    prefix,
    cases: repos.cases,
    districts: repos.districts,
    dispatches: repos.dispatches,
    holidays: [],
    logger,
    now,
    // A failed delivery waits an hour for its retry: only the sweep can bring it back sooner.
    options: { attempts: 8, backoffMs: 3_600_000, timeoutMs: 2_000 },
    sweepEveryMs: FAST,
    ensureEveryMs: FAST,
  });
  closers.push(() => dispatch.close(true));
  const sla = startSla({ connection, prefix, cases: repos.cases, logger, now, everyMs: 60_000, ensureEveryMs: FAST });
  closers.push(() => sla.close(true));

  const placed: string[] = [];
  const dialler: SurveyDialler = {
    // Stands in for ARI: the survey job then waits for the call's end, as on a real trunk.
    async originate({ surveyId }) {
      placed.push(surveyId);
    },
  };
  const surveyRepo = createSurveyRepo(database.db);
  const doNotCall = createDoNotCallRepo(database.db);
  const surveys = createSurveyService({
    surveys: surveyRepo,
    doNotCall,
    cases: repos.cases,
    schedule: (job) => surveyJobs.schedule(job),
    callOver: (id) => surveyJobs.callOver(id),
    policy: { maxAttempts: DEFAULT_MAX_ATTEMPTS, retryDelaysMs: DEFAULT_RETRY_DELAYS_MS, window: DEFAULT_DIALLING_WINDOW, holidays: [] },
    now,
    logger,
    liveCalls: async () => new Set(),
    ensureQueued: (job) => surveyJobs.ensureQueued(job),
    comments: {
      stored: { download: async () => null, remove: async () => undefined },
      recordings: {
        save: async () => {
          throw new Error('no voice comment in this test');
        },
      },
    },
  });
  const surveyJobs = startOutboundJobs({
    connection,
    producerConnection: { ...connection, enableOfflineQueue: false },
    prefix,
    maxConcurrent: 10,
    surveys: surveyRepo,
    cases: repos.cases,
    doNotCall,
    dialler,
    window: DEFAULT_DIALLING_WINDOW,
    holidays: [],
    callEnded: (input) => surveys.onCallEnded(input),
    now,
    logger,
    pollMs: 100,
    ensureEveryMs: FAST,
  });
  closers.push(() => surveyJobs.close(true));
  await surveyJobs.ready;

  // What the engine's minute timer does (src/app.ts), at the test's pace.
  const outboundSweep = setInterval(() => void surveys.sweep().catch(() => undefined), FAST);
  closers.push(async () => clearInterval(outboundSweep));

  const routed = routeOnDistrict(repos.cases, dispatch.enqueue, logger);
  const closing = surveyOnClose(repos.cases, (c, at) => surveys.onCaseClosed(c, at), logger);
  return {
    repos,
    database,
    server,
    dispatch,
    sla,
    surveyJobs,
    surveyRepo,
    placed,
    routed,
    closing,
    setClock: (at: Date) => (clock = at),
    districtUp: () => (districtUp = true),
  };
}

describe('Redis loses its data', () => {
  it.each(['FLUSHALL', 'a restart without persistence'])('after %s, every dispatch and survey job is back and runs', { timeout: 90_000 }, async (fault) => {
    const e = await engineParts();

    // Three cases waiting for their district (its receiver answers 503 for now)…
    const waiting = [];
    for (let i = 0; i < 3; i++) {
      waiting.push(await e.routed.create({ channel: 'manual', category: 'cleaning_waste', district: 7, description: `case ${i}`, actor: 'agent-1' }));
    }
    await e.database.db.update(cases).set({ createdAt: new Date(WED_1000.getTime() - 5 * 60_000) }).where(inArray(cases.id, waiting.map((c) => c.id)));
    await e.server.request(2);
    // …and two closed cases whose surveys are pending until 12:00.
    const surveyed = [];
    for (let i = 0; i < 2; i++) {
      const c = await e.repos.cases.create({ channel: 'phone', category: 'streets_lighting', district: null, callerPhone: `0912000000${i}`, description: 'lamp', actor: 'agent-1' });
      const resolved = await e.closing.transition({ caseId: c.id, from: c.status, to: 'resolved', actor: 'agent-1', note: 'fixed', at: WED_1000 });
      surveyed.push(await e.closing.transition({ caseId: c.id, from: resolved.status, to: 'closed', actor: 'agent-1', at: WED_1000 }));
    }
    const surveyIds = (await Promise.all(surveyed.map((c) => e.surveyRepo.listForCase(c.id)))).flat().map((s) => s.id);
    expect(surveyIds).toHaveLength(2);
    await vi.waitFor(async () => {
      const retries = (await e.dispatch.queue.getJobs(['delayed'])).filter((j) => j.name === 'deliver');
      expect(retries).toHaveLength(3);
      expect(await e.surveyJobs.queue.getJobCounts('delayed')).toEqual({ delayed: 2 });
    }, SETTLED);

    // It is 12:00 before Redis forgets: a sweep that queues a survey again in between
    // would otherwise time it from 10:00, two hours ahead (this was a flaky test).
    e.setClock(WED_1200);
    if (fault === 'FLUSHALL') expect(await redis.admin.flushall()).toBe('OK');
    else await redis.restart();

    // Redis forgot every job, and the district is back.
    e.districtUp();
    const attempts = new Map<string, number>();
    e.dispatch.worker!.on('completed', (job) => attempts.set(job.id!, job.attemptsMade));
    await completedAll(e.dispatch.worker!, waiting.map((c) => dispatchJobId(c.id, 7)));
    // Each delivered by a job queued anew (its first attempt): the old ones waited an hour to retry.
    expect([...attempts.entries()].filter(([id]) => id.startsWith('case-')).map(([, n]) => n)).toEqual([1, 1, 1]);
    for (const c of waiting) expect((await e.repos.cases.findById(c.id))?.status).toBe('dispatched');
    expect(e.server.received.filter((r) => r.status === 200)).toHaveLength(3);

    await vi.waitFor(() => expect([...e.placed].sort()).toEqual([...surveyIds].sort()), SETTLED);
    for (const id of surveyIds) expect((await e.surveyRepo.findById(id))?.status).toBe('dialling');

    // The schedulers and the outbound cap are back too.
    await vi.waitFor(async () => {
      expect((await e.dispatch.queue.getJobSchedulers()).map((s) => s.key)).toEqual(['dispatch-sweep']);
      expect((await e.sla.queue.getJobSchedulers()).map((s) => s.key)).toEqual(['sla-escalation']);
      expect(await e.surveyJobs.queue.getGlobalConcurrency()).toBe(10);
    }, SETTLED);
  });
});

describe('Redis settings', () => {
  let other: PrivateRedis | undefined;
  afterEach(async () => {
    await other?.stop();
    other = undefined;
  });

  it('reads appendonly and maxmemory-policy, and says unknown when CONFIG is disabled', async () => {
    expect(await readRedisSettings(redis.admin)).toEqual({ appendonly: 'no', maxmemoryPolicy: 'noeviction' });
    other = await startPrivateRedis(['--appendonly', 'yes', '--maxmemory-policy', 'allkeys-lru']);
    expect(await readRedisSettings(other.admin)).toEqual({ appendonly: 'yes', maxmemoryPolicy: 'allkeys-lru' });
    await other.restart(['--rename-command', 'CONFIG', '']);
    expect(await readRedisSettings(other.admin)).toEqual({ appendonly: UNKNOWN, maxmemoryPolicy: UNKNOWN });
  });
});

describe('the engine on a Redis that may lose jobs', () => {
  it('reports appendonly no and an evicting policy in /api/health (still 200-able) and the log, and clears them once Redis is fixed', { timeout: 90_000 }, async () => {
    const risky = await startPrivateRedis(['--maxmemory-policy', 'allkeys-lru']);
    closers.push(() => risky.stop());
    const dataDir = await mkdtemp(path.join(tmpdir(), 'hotline-redis-settings-'));
    closers.push(() => rm(dataDir, { recursive: true, force: true }));
    const database = await createTestPostgresDatabase();
    closers.push(() => database.drop());
    const lines: { level: number; msg: string }[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(JSON.parse(chunk.toString('utf8')));
          done();
        },
      }),
    );
    // Asterisk is not needed here: the engine starts without it (health then says 503 for it).
    const config = loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      PORT: '0',
      ARI_URL: 'http://127.0.0.1:9',
      ARI_USER: 'nobody',
      ARI_PASSWORD: randomBytes(8).toString('hex'),
      AMI_PORT: '9',
      AMI_USER: 'nobody',
      AMI_SECRET: randomBytes(8).toString('hex'),
      REDIS_URL: risky.url,
      QUEUE_PREFIX: bed.prefix,
      HOTLINE_ADMIN_TOKEN: randomBytes(24).toString('hex'),
    });
    const hotline = await startHotline(config, { logger, now: () => WED_1000, listen: false });
    closers.push(() => hotline.stop());
    const health = async () => (await hotline.http.inject({ method: 'GET', url: '/api/health' })).json() as { checks: { redis: boolean }; warnings?: string[] };

    await vi.waitFor(async () => {
      const body = await health();
      expect(body.checks.redis).toBe(true);
      expect(body.warnings).toEqual([expect.stringMatching(/appendonly is "no"/), expect.stringMatching(/maxmemory-policy is "allkeys-lru"/)]);
    }, SETTLED);
    const warned = lines.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warned).toEqual(expect.arrayContaining([expect.stringMatching(/appendonly is "no"/), expect.stringMatching(/allkeys-lru/)]));

    // The operator fixes Redis and restarts it: checked again on the reconnection.
    await risky.restart(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
    await vi.waitFor(
      async () => {
        const body = await health();
        expect(body.checks.redis).toBe(true);
        expect(body.warnings).toBeUndefined();
      },
      SETTLED,
    );
    expect(lines.some((l) => l.level === 30 && /AOF, noeviction/.test(l.msg))).toBe(true);
  });
});
