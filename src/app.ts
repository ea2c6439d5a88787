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
import { createOutboundModule, type OutboundModule } from './outbound/outbound-module.js';
import { OUTBOUND_QUEUE } from './outbound/adapters/jobs/outbound-jobs.js';
import { createReportService } from './services/report-service.js';
import { createLiveStatsRepo } from './adapters/db/live-stats-repo.js';
import { LiveStatsService } from './services/live-stats-service.js';
import { defaultConfig as statsDefaults } from './domain/queues/live-stats.js';
import { renderMetrics, type JobCounts } from './services/metrics.js';
import type { Queue } from 'bullmq';
import { createSmsModule, type SmsModule } from './sms/sms-module.js';

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
  /** Calls the hotline places: satisfaction surveys and queue callbacks, on one job queue. */
  outbound: OutboundModule;
  /** Texts to citizens; null with SMS_PROVIDER=off. */
  sms: SmsModule | null;
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
  const storedRepos = createRepositories(database, { slaHours: config.slaHours });
  // Texts to citizens: every creation and change of a case, by whoever (dispatch jobs and
  // surveys included), goes through the case repository, so that is where SMS listens.
  const sms = config.sms
    ? createSmsModule({
        config: config.sms,
        db: database.db,
        cases: storedRepos.cases,
        connection: { url: config.redisUrl, maxRetriesPerRequest: null },
        producerConnection: { url: config.redisUrl, maxRetriesPerRequest: null, enableOfflineQueue: false },
        prefix: config.jobs.prefix,
        work: config.jobs.runWorkers,
        // SURVEY_POLICY=call-first: no SMS question once the phone survey was answered.
        answeredByCall: async (caseId) => (await outbound.surveyRows(caseId)).some((s) => s.status === 'answered'),
        now,
        logger,
      })
    : null;
  const repos = sms ? { ...storedRepos, cases: sms.wrapCases(storedRepos.cases) } : storedRepos;
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

  const ari = new AriConnection({ ...config.ari, logger: logger.child({ component: 'ari' }) });
  const outbound = createOutboundModule({
    db: database.db,
    repos,
    ari,
    ami,
    config,
    holidays,
    stored,
    recordings,
    redisReady: () => redis.status === 'ready',
    smsFirst: sms?.smsFirst,
    now,
    logger,
  });
  // Every way a case comes in (IVR, fallback import, API) queues its district delivery.
  // Every closure, whoever makes it, schedules the case's satisfaction survey.
  const cases = outbound.surveyOnClose(routeOnDistrict(repos.cases, jobs.dispatch.enqueue, logger.child({ component: 'dispatch' })));

  const liveStatsRepo = createLiveStatsRepo(database.db);
  // The wallboard and the reports charge the same configured wrap-up to a call without one recorded.
  const statsConfig = statsDefaults({ wrapUpSec: wrapUpPerQueue(config) });
  const liveStats = new LiveStatsService({
    ami,
    todaysCalls: (at) => liveStatsRepo.todaysQueuedCalls(at),
    callbacksPending: () => outbound.callbacksPending(),
    config: statsConfig,
    now,
    logger: logger.child({ component: 'live-stats' }),
  });
  // A restart does not zero the wallboard: each AMI connection rebuilds it from QueueStatus and today's rows.
  ami.on('connected', () => void liveStats.seed());
  ami.on('event', (event: Record<string, unknown>) => liveStats.onAmiEvent(event));
  outbound.onCallbacksChanged(() => void liveStats.refreshCallbacks());
  void liveStats.refreshCallbacks();
  ami.start().catch((err: Error) => logger.error({ err: err.message }, 'AMI login refused'));

  const services = createIvrCallServices({
    cases,
    calls: repos.calls,
    recordings,
    stored,
    officeOpen: (at) => hours.isOpen(at),
    requestCallback: (input) => outbound.callbacks.request(input),
    now,
    logger: logger.child({ component: 'ivr' }),
  });
  const stasis = new StasisApp({
    connection: ari,
    reducer: ivr,
    services,
    logger,
    now,
    outbound: outbound.stasis.flows,
    isOutboundChannel: outbound.stasis.isOutboundChannel,
  });

  /** True while Asterisk still has the channel (a recording on it is not final yet). */
  const isChannelUp = async (channelId: string): Promise<boolean> => {
    if (stasis.owns(channelId)) return true;
    const client = ari.client;
    if (!client) throw new Error('ARI is not connected');
    return client.channels.get({ channelId }).then(
      () => true,
      (err: Error) => {
        if (/not found/i.test(err.message)) return false;
        throw err;
      },
    );
  };
  let importing: Promise<number> | undefined;
  // Recordings a dead engine (or a failed import) left in Asterisk: voice messages become
  // cases, survey comments go to their surveys.
  const importFallback = () => {
    importing ??= (async () => {
      const messages = await importFallbackMessages({ stored, recordings, cases, calls: repos.calls, isCallActive: isChannelUp, logger, now });
      const comments = await outbound.surveys.importLeftComments(await stored.list(), isChannelUp);
      return messages + comments;
    })().finally(() => (importing = undefined));
    return importing;
  };
  ari.on('connected', () => {
    importFallback().catch((err: Error) => logger.warn({ err: err.message }, 'fallback import failed'));
  });
  ari.start();

  // Texts whose job Redis never got (down, or flushed) are queued again.
  const sweepSms = async () => {
    const requeued = await sms?.service.sweep().catch((err: Error) => (logger.warn({ err: err.message }, 'SMS sweep failed'), 0));
    if (requeued) logger.info({ requeued }, 'SMS sweep');
  };
  const sweep = setInterval(() => {
    if (ari.isConnected()) importFallback().catch(() => undefined);
    if (redis.status === 'ready') void sweepSms();
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
    surveys: outbound.surveys,
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
          const [dispatch, outboundCalls] = await Promise.all([jobCounts(jobs.dispatch.queue), jobCounts(outbound.jobs.queue)]);
          return renderMetrics({
            stats: liveStats.snapshot(),
            connections: { ari: ari.isConnected(), ami: ami.isConnected() },
            // One queue for survey and callback calls (they share the trunk's cap).
            jobs: { dispatch, [OUTBOUND_QUEUE]: outboundCalls },
          });
        }
      : undefined,
    metricsToken: config.metricsToken,
    docsEnabled: config.docsEnabled,
    open311ApiKeys: config.open311ApiKeys,
    smsWebhookToken: config.smsWebhookToken,
    smsWebhooks: sms?.webhooks,
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
      await shutdownStep(Promise.all([outbound.close(force), jobs.close(force), sms?.close(force)]), left(), logger);
      await ami.close();
      await ari.close();
      redis.disconnect();
      rateLimitRedis.disconnect();
      await shutdownStep(database.close(), left(), logger);
    })();
    return stopping;
  };

  return { http, database, ari, ami, redis, jobs, hours, stasis, agents, liveStats, outbound, sms, importFallback, url, stop };
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

function hopsTrusted(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
