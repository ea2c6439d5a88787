import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createLogger } from './adapters/log/logger.js';
import { AmiClient } from './adapters/ami/ami-client.js';
import { AriConnection } from './adapters/ari/ari-connection.js';
import { StasisApp } from './adapters/ari/stasis-app.js';
import { within } from './adapters/ari/time-limit.js';
import { createStoredRecordings } from './adapters/ari/stored-recordings.js';
import { openDatabase, type Database } from './adapters/db/database.js';
import { createFileRecordingStore } from './adapters/db/recording-store.js';
import { createRepositories } from './adapters/db/repositories.js';
import { closeEventStreams } from './adapters/http/event-stream.js';
import { buildServer } from './adapters/http/server.js';
import { routeOnDistrict } from './adapters/jobs/routing.js';
import { startJobs, type Jobs } from './adapters/jobs/start-jobs.js';
import { readRedisSettings, redisSettingWarnings } from './adapters/jobs/redis-settings.js';
import type { Config } from './config.js';
import { QUEUES, type QueueName } from './domain/cases/case.js';
import { parseHolidays } from './domain/calendar/holidays.js';
import { DEFAULT_WEEKLY } from './domain/calendar/office-hours.js';
import * as ivr from './domain/ivr/engine.js';
import { importFallbackMessages } from './services/fallback-import.js';
import { createIvrCallServices } from './services/ivr-call-services.js';
import { OfficeHoursService } from './services/office-hours-service.js';
import { createAccounts } from './services/auth-service.js';
import { createAgentModule } from './services/agent-module.js';
import { createCallCases } from './services/agent-desk.js';
import { createCallbackRepo } from './adapters/db/callback-repo.js';
import { createCallbackCalls } from './adapters/jobs/callback-jobs.js';
import { createAriDialler, outboundCallOfChannel, outboundIdOfChannel, type OutboundFlow } from './adapters/jobs/ari-dialler.js';
import { createCallbackService } from './services/callback-service.js';
import type { Channel, Client } from 'ari-client';
import { createDoNotCallRepo, createSurveyRepo } from './adapters/db/survey-repo.js';
import { OUTBOUND_QUEUE, startSurveyJobs, surveyOnClose, type SurveyJobs } from './adapters/jobs/survey-jobs.js';
import { createAriSurveyDialler } from './adapters/jobs/ari-survey-dialler.js';
import { createSurveyService, type SurveyService } from './services/survey-service.js';
import { CALLBACK_RETRY_DELAYS_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAYS_MS } from './domain/callbacks/retry-policy.js';
import { createReportService } from './services/report-service.js';
import { createLiveStatsRepo } from './adapters/db/live-stats-repo.js';
import { LiveStatsService } from './services/live-stats-service.js';
import { defaultConfig as statsDefaults } from './domain/queues/live-stats.js';
import { renderMetrics, type JobCounts } from './services/metrics.js';
import type { OutboundSweepResult } from './services/outbound-sweep.js';
import type { Queue } from 'bullmq';

export interface Hotline {
  http: FastifyInstance;
  database: Database;
  ari: AriConnection;
  ami: AmiClient;
  redis: Redis;
  /** District dispatch and SLA escalation (BullMQ). */
  jobs: Jobs;
  hours: OfficeHoursService;
  stasis: StasisApp<ivr.IvrState>;
  agents: ReturnType<typeof createAgentModule>;
  liveStats: LiveStatsService;
  /** Satisfaction surveys: the ARI side reports ended survey calls to `surveys.onCallEnded`. */
  surveys: SurveyService;
  surveyJobs: SurveyJobs;
  /** Imports voice messages the dialplan recorded while the engine was away. */
  importFallback(): Promise<number>;
  /** The URL the HTTP API listens on (after start). */
  url: string;
  stop(): Promise<void>;
}

const FALLBACK_SWEEP_MS = 60_000;
/** At shutdown, the part of the deadline the IVR callers' hand-off may take. */
const HAND_OFF_SHARE = 0.5;
/** At shutdown, how long open HTTP requests may finish before their sockets are cut. */
const HTTP_GRACE_MS = 2_000;
const ASTDB_SYNC_MS = 6 * 60 * 60_000;

/**
 * Wires config → adapters → services → HTTP, ARI and AMI, and starts them. The
 * service comes up even while Asterisk or Redis is down (health says which) and
 * connects when they appear; only the database is required to start.
 */
export async function startHotline(
  config: Config,
  opts: { logger?: Logger; now?: () => Date; listen?: boolean } = {},
): Promise<Hotline> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const now = opts.now ?? (() => new Date());

  await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl, timeouts: config.databaseTimeouts } : { pgliteDir: path.join(config.dataDir, 'pglite') },
  );
  const repos = createRepositories(database, { slaHours: config.slaHours });
  const recordings = createFileRecordingStore(path.join(config.dataDir, 'recordings'));
  const stored = createStoredRecordings(config.ari);
  const holidays = parseHolidays(JSON.parse(await readFile(config.holidaysFile, 'utf8')));

  const jobs = startJobs({
    redisUrl: config.redisUrl,
    prefix: config.jobs.prefix,
    runWorkers: config.jobs.runWorkers,
    dispatch: config.jobs.dispatch,
    repos,
    holidays,
    logger,
    now,
  });
  // Every way a case comes in (IVR, fallback import, API) queues its district delivery.
  // Every closure, whoever makes it, schedules the case's satisfaction survey.
  const cases = surveyOnClose(
    routeOnDistrict(repos.cases, jobs.dispatch.enqueue, logger.child({ component: 'dispatch' })),
    (c, closedAt) => surveys.onCaseClosed(c, closedAt),
    logger.child({ component: 'surveys' }),
  );

  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 250, 5000),
  });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis error'));
  const rateLimitRedis = redis.duplicate({ enableOfflineQueue: false });
  rateLimitRedis.on('error', () => undefined);
  rateLimitRedis.connect().catch(() => undefined);
  redis.connect().catch((err: Error) => logger.warn({ err: err.message }, 'Redis not reachable yet'));
  // Checked at every (re)connection: a restarted Redis may run with another config.
  let redisWarnings: readonly string[] = [];
  redis.on('ready', () => {
    void readRedisSettings(redis).then((settings) => {
      redisWarnings = redisSettingWarnings(settings);
      for (const warning of redisWarnings) logger.warn({ redis: settings }, warning);
      if (redisWarnings.length === 0) logger.info({ redis: settings }, 'Redis keeps jobs across restarts (AOF, noeviction)');
    });
  });

  const ami = new AmiClient({ ...config.ami, logger: logger.child({ component: 'ami' }) });
  const hours = new OfficeHoursService({
    config: { weekly: DEFAULT_WEEKLY, holidays },
    settings: repos.settings,
    ami,
    logger: logger.child({ component: 'hours' }),
    now,
  });
  await hours.load();
  ami.on('connected', () => {
    hours.syncToAsterisk(now()).catch((err: Error) => logger.warn({ err: err.message }, 'AstDB sync failed'));
  });
  const agents = createAgentModule({
    repos,
    ami,
    config: config.agents,
    now,
    logger: logger.child({ component: 'agents' }),
  });
  await agents.service.refresh();
  ami.on('connected', () => {
    agents.onAmiConnected().catch((err: Error) => logger.warn({ err: err.message }, 'agent resync failed'));
  });
  ami.on('event', (event: Record<string, unknown>) => void agents.onAmiEvent(event));

  const callbackRepo = createCallbackRepo(database.db);
  const liveStatsRepo = createLiveStatsRepo(database.db);
  // The wallboard and the reports charge the same configured wrap-up to a call without one recorded.
  const statsConfig = statsDefaults({ wrapUpSec: wrapUpPerQueue(config) });
  const liveStats = new LiveStatsService({
    ami,
    todaysCalls: (at) => liveStatsRepo.todaysQueuedCalls(at),
    callbacksPending: () => callbackRepo.countPendingByQueue(),
    config: statsConfig,
    now,
    logger: logger.child({ component: 'live-stats' }),
  });
  // A restart does not zero the wallboard: each AMI connection rebuilds it from QueueStatus and today's rows.
  ami.on('connected', () => void liveStats.seed());
  ami.on('event', (event: Record<string, unknown>) => liveStats.onAmiEvent(event));
  void liveStats.refreshCallbacks();
  ami.start().catch((err: Error) => logger.error({ err: err.message }, 'AMI login refused'));

  const ari = new AriConnection({ ...config.ari, logger: logger.child({ component: 'ari' }) });

  // The sweeps' view of Asterisk: outbound calls (surveys or callbacks) whose channel is still up.
  const liveOutboundCalls = (flow: OutboundFlow) => async (): Promise<ReadonlySet<string>> => {
    const client = ari.client;
    if (!client) throw new Error('ARI is not connected');
    const channels = await client.channels.list();
    return new Set(channels.map((c) => outboundIdOfChannel(flow, c.id)).filter((id): id is string => id !== null));
  };

  // BullMQ needs its own connections that wait for Redis instead of failing requests.
  const jobsConnection = { url: config.redisUrl, maxRetriesPerRequest: null };
  // Every change of a callback's status may change the wallboard's callbacks pending.
  const countedCallbacks = notifyingChanges(callbackRepo, () => void liveStats.refreshCallbacks());
  const callbacks = createCallbackService({
    callbacks: countedCallbacks,
    calls: repos.calls,
    schedule: (id, attempt, at) => surveyJobs.scheduleCallback(id, attempt, at),
    policy: { maxAttempts: DEFAULT_MAX_ATTEMPTS, retryDelaysMs: CALLBACK_RETRY_DELAYS_MS, window: config.surveys.window, holidays },
    now,
    logger: logger.child({ component: 'callbacks' }),
    liveCalls: liveOutboundCalls('callback'),
    ensureQueued: (id, attempt, at) => surveyJobs.ensureCallbackQueued(id, attempt, at),
  });
  // Callback calls run on the survey calls' queue, under its one global cap.
  const callbackCalls = createCallbackCalls({
    callbacks: countedCallbacks,
    dialler: createAriDialler({ ari, ami, config: config.dialler }),
    window: config.surveys.window,
    holidays,
    callEnded: (input) => callbacks.onCallEnded(input),
    now,
    logger,
  });

  const surveyRepo = createSurveyRepo(database.db);
  const doNotCall = createDoNotCallRepo(database.db);
  const surveys: SurveyService = createSurveyService({
    surveys: surveyRepo,
    doNotCall,
    cases: repos.cases,
    schedule: (job) => surveyJobs.schedule(job),
    callOver: (surveyId) => surveyJobs.callOver(surveyId),
    policy: { maxAttempts: DEFAULT_MAX_ATTEMPTS, retryDelaysMs: DEFAULT_RETRY_DELAYS_MS, window: config.surveys.window, holidays },
    now,
    logger,
    liveCalls: liveOutboundCalls('survey'),
    ensureQueued: (job) => surveyJobs.ensureQueued(job),
    comments: { stored, recordings },
  });
  const surveyJobs: SurveyJobs = startSurveyJobs({
    connection: jobsConnection,
    producerConnection: { ...jobsConnection, enableOfflineQueue: false },
    prefix: config.jobs.prefix,
    work: config.jobs.runWorkers,
    maxConcurrent: config.surveys.maxConcurrent,
    callbackCalls: () => callbackCalls,
    surveys: surveyRepo,
    cases: repos.cases,
    doNotCall,
    dialler: createAriSurveyDialler({ ari, config: config.dialler }),
    window: config.surveys.window,
    holidays,
    callEnded: (input) => surveys.onCallEnded(input),
    now,
    logger,
  });

  const services = createIvrCallServices({
    cases,
    calls: repos.calls,
    recordings,
    stored,
    officeOpen: (at) => hours.isOpen(at),
    requestCallback: (input) => callbacks.request(input),
    now,
    logger: logger.child({ component: 'ivr' }),
  });
  const stasis = new StasisApp({
    connection: ari,
    reducer: ivr,
    services,
    logger,
    now,
    outbound: {
      callback: (client, channel, args) => {
        answeredChannels.add(channel.id);
        return callbacks.answered(client, channel, args[0] ?? '');
      },
      survey: (client, channel, args) => {
        answeredChannels.add(channel.id);
        return surveys.answered(client, channel, args[0] ?? '');
      },
    },
    isOutboundChannel: (channelId) => outboundCallOfChannel(channelId) !== null,
  });

  // Outbound channels that entered Stasis (answered): their ChannelDestroyed says so.
  const answeredChannels = new Set<string>();
  ari.on('client', (client: Client) => {
    client.on('ChannelDestroyed', (event: { cause?: number }, channel: Channel) => {
      const call = outboundCallOfChannel(channel.id);
      if (!call) return;
      const answered = answeredChannels.delete(channel.id);
      const cause = typeof event.cause === 'number' ? event.cause : null;
      if (call.flow === 'callback') {
        void callbacks
          .onCallEnded({ callbackId: call.id, answered, cause })
          .catch((err: Error) => logger.warn({ err: err.message, callbackId: call.id }, 'callback attempt not recorded'));
      } else if (!answered) {
        // An answered survey reports its end (with the answers) from its flow.
        void surveys
          .onCallEnded({ surveyId: call.id, answered: false, cause })
          .catch((err: Error) => logger.warn({ err: err.message, surveyId: call.id }, 'survey attempt not recorded'));
      }
    });
  });

  let importing: Promise<number> | undefined;
  const importFallback = () => {
    importing ??= importFallbackMessages({
      stored,
      recordings,
      cases,
      calls: repos.calls,
      isCallActive: async (uniqueId) => {
        if (stasis.owns(uniqueId)) return true;
        const client = ari.client;
        if (!client) throw new Error('ARI is not connected');
        return client.channels.get({ channelId: uniqueId }).then(
          () => true,
          (err: Error) => {
            if (/not found/i.test(err.message)) return false;
            throw err;
          },
        );
      },
      logger,
      now,
    }).finally(
      () => (importing = undefined),
    );
    return importing;
  };
  ari.on('connected', () => {
    importFallback().catch((err: Error) => logger.warn({ err: err.message }, 'fallback import failed'));
  });
  ari.start();

  const runSweep = (what: string, sweep: () => Promise<OutboundSweepResult>) =>
    sweep().then(
      (swept) => {
        if (swept.lost + swept.requeued > 0) logger.info(swept, `${what} sweep`);
      },
      (err: Error) => logger.warn({ err: err.message }, `${what} sweep failed`),
    );
  const sweepOutbound = () => Promise.all([runSweep('survey', surveys.sweep), runSweep('callback', callbacks.sweep)]);
  // At start-up as soon as Redis answers (outbound jobs ready), then with the other sweeps.
  void surveyJobs.ready.then(sweepOutbound);
  const sweep = setInterval(() => {
    if (ari.isConnected()) importFallback().catch(() => undefined);
    if (redis.status === 'ready') {
      void sweepOutbound();
    }
  }, FALLBACK_SWEEP_MS);
  const astdbSync = setInterval(() => {
    if (ami.isConnected()) hours.syncToAsterisk(now()).catch(() => undefined);
  }, ASTDB_SYNC_MS);
  sweep.unref();
  astdbSync.unref();

  const health = async () => ({
    database: await database.ping().then(
      () => true,
      () => false,
    ),
    redis: redis.status === 'ready' && (await redis.ping().then((r) => r === 'PONG', () => false)),
    ari: ari.isConnected(),
    ami: ami.isConnected(),
  });

  const http = await buildServer({
    cases,
    calls: repos.calls,
    dispatch: jobs.dispatch,
    surveys,
    recordings,
    health,
    healthWarnings: () => redisWarnings,
    hours: {
      getOverride: async () => hours.getOverride(),
      setOverride: (mode, actor) => hours.setOverride(mode, actor),
      status: async (at) => {
        const s = hours.status(at);
        return { open: s.open, mode: s.mode, ...(s.nextOpening ? { nextOpening: s.nextOpening } : {}) };
      },
    },
    reports: createReportService(repos.reports, { now, stats: statsConfig }),
    adminToken: config.adminToken,
    accounts: createAccounts(repos, now),
    agents: agents.desk,
    supervisors: agents.supervisors,
    callCases: createCallCases({ calls: repos.calls, cases }),
    liveStats,
    metrics: config.metricsEnabled
      ? async () => {
          const [dispatch, outbound] = await Promise.all([jobCounts(jobs.dispatch.queue), jobCounts(surveyJobs.queue)]);
          return renderMetrics({
            stats: liveStats.snapshot(),
            connections: { ari: ari.isConnected(), ami: ami.isConnected() },
            // One queue for survey and callback calls (they share the trunk's cap).
            jobs: { dispatch, [OUTBOUND_QUEUE]: outbound },
          });
        }
      : undefined,
    metricsToken: config.metricsToken,
    docsEnabled: config.docsEnabled,
    open311ApiKeys: config.open311ApiKeys,
    open311CorsOrigins: config.open311CorsOrigins,
    photos: recordings,
    photoMaxBytes: config.photoMaxBytes,
    smsWebhookToken: config.smsWebhookToken,
    // Several service instances behind one address share the API budget through Redis.
    // Its own client, failing fast: with Redis down a request must not wait in
    // ioredis's offline queue (the limiter then counts in memory).
    rateLimitRedis: rateLimitRedis,
    // A hop count as the function proxy-addr would build from it (Fastify's types take no number).
    trustProxy: typeof config.trustProxy === 'number' ? hopsTrusted(config.trustProxy) : config.trustProxy,
    logger,
    now,
  });

  let url = '';
  if (opts.listen !== false) url = await http.listen({ host: config.host, port: config.port });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const deadline = Date.now() + config.shutdownDeadlineMs;
      const left = () => Math.max(0, deadline - Date.now());
      clearInterval(sweep);
      clearInterval(astdbSync);
      // Callers first: new calls go to the dialplan fallback, callers in the IVR are handed
      // to it. ARI stays open meanwhile, so the hang-ups arriving now are still recorded.
      await stasis.drain(left() * HAND_OFF_SHARE);
      // Live streams never end by themselves; keep-alive and slow requests get a moment.
      const streams = closeEventStreams(http);
      if (streams > 0) logger.info({ streams }, 'live streams closed');
      await shutdownStep(http.close(), Math.min(HTTP_GRACE_MS, left()), logger);
      http.server.closeAllConnections();
      agents.stop();
      liveStats.stop();
      // A graceful worker close waits for its active jobs: only as long as the deadline allows.
      const force = redis.status !== 'ready';
      await shutdownStep(Promise.all([surveyJobs.close(force), jobs.close(force)]), left(), logger);
      await ami.close();
      await ari.close();
      redis.disconnect();
      rateLimitRedis.disconnect();
      await shutdownStep(database.close(), left(), logger);
    })();
    return stopping;
  };

  return { http, database, ari, ami, redis, jobs, hours, stasis, agents, liveStats, surveys, surveyJobs, importFallback, url, stop };
}

/**
 * Waits for a shutdown step at most `ms`; what is still running then is left to the
 * process exit. A failed or late step is logged, and the stop goes on with the next.
 */
async function shutdownStep(work: Promise<unknown>, ms: number, logger: Logger): Promise<void> {
  await within(work, ms).catch((err: Error) => logger.warn({ err: err.message }, 'shutdown step failed'));
}

/** Redis down must not hang a scrape: the counts are then reported missing. */
async function jobCounts(queue: Queue): Promise<JobCounts | null> {
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000).unref());
  return Promise.race([queue.getJobCounts('waiting', 'active', 'failed', 'delayed').catch(() => null), timeout]);
}

function wrapUpPerQueue(config: Config): Partial<Record<QueueName, number>> {
  const { default: fallback, ...perQueue } = config.agents.wrapUpSeconds;
  return { ...Object.fromEntries(QUEUES.map((q) => [q, fallback])), ...perQueue };
}

/** The repo as it is, calling `changed` after each write that can change a callback's status. */
function notifyingChanges<T extends { create: (...a: never[]) => Promise<unknown>; startAttempt: (...a: never[]) => Promise<unknown>; setStatus: (...a: never[]) => Promise<unknown> }>(
  repo: T,
  changed: () => void,
): T {
  const after =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await fn(...args);
      changed();
      return result;
    };
  return { ...repo, create: after(repo.create), startAttempt: after(repo.startAttempt), setStatus: after(repo.setStatus) };
}

function hopsTrusted(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
