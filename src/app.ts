import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createLogger } from './adapters/log/logger.js';
import type { Ami } from './adapters/ami/ami-client.js';
import type { AriConnection } from './adapters/ari/ari-connection.js';
import type { AriLease } from './adapters/ari/ari-lease.js';
import { SharedDesk } from './adapters/redis/shared-desk.js';
import type { StasisApp } from './adapters/ari/stasis-app.js';
import { within } from './adapters/ari/time-limit.js';
import { openDatabase, type Database } from './adapters/db/database.js';
import { createFileRecordingStore } from './adapters/db/recording-store.js';
import { createRepositories } from './adapters/db/repositories.js';
import { createOverdueRepo } from './adapters/db/overdue-repo.js';
import { closeEventStreams } from './adapters/http/event-stream.js';
import { buildServer } from './adapters/http/server.js';
import { routeOnDistrict } from './adapters/jobs/routing.js';
import { ESCALATION_NOTIFY_QUEUE } from './adapters/jobs/queues.js';
import { startJobs, type Jobs } from './adapters/jobs/start-jobs.js';
import type { Config } from './config.js';
import { parseHolidays, type Holiday } from './domain/calendar/holidays.js';
import type * as ivr from './domain/ivr/engine.js';
import { createAsteriskNodes, type AsteriskNode } from './modules/asterisk-nodes.js';
import { createHoursModule } from './modules/hours-module.js';
import { createIvrModule } from './modules/ivr-module.js';
import { createLiveStatsModule } from './modules/live-stats-module.js';
import { channelUpOnAnyNode, driveNodes, handOverToStandbys, type IvrNode } from './modules/ivr-nodes.js';
import { createOpsModule } from './modules/ops-module.js';
import { createRedisModule } from './modules/redis-module.js';
import { OUTBOUND_QUEUE } from './outbound/adapters/jobs/outbound-jobs.js';
import { createOutboundModule, type OutboundModule } from './outbound/outbound-module.js';
import { createAccounts } from './services/auth-service.js';
import { createAgentModule } from './services/agent-module.js';
import { createCallCases } from './services/agent-desk.js';
import type { LiveStatsService } from './services/live-stats-service.js';
import { createOverdueBoard } from './services/overdue-board.js';
import { withPhoneReachability } from './services/phone-reachability.js';
import type { OfficeHoursService } from './services/office-hours-service.js';
import { createReportService } from './services/report-service.js';
import { createSmsModule, type SmsModule } from './sms/sms-module.js';
import type { EmailModule } from './email/email-module.js';
import { createPlaceRouting } from './services/place-routing.js';
import { createHttpGeocoder } from './adapters/geo/http-geocoder.js';
import { createRecordingModule } from './recordings/recording-module.js';
import { createQualityModule } from './quality/quality-module.js';
import { createKnowledgeModule } from './knowledge/knowledge-module.js';

export interface Hotline {
  http: FastifyInstance;
  database: Database;
  /** The first Asterisk node's ARI connection (every node's: `nodes`). */
  ari: AriConnection;
  /** AMI over every Asterisk node (one node: its own connection). */
  ami: Ami;
  /** Every Asterisk node attached, the first one first, with the IVR app driving its calls. */
  nodes: HotlineNode[];
  redis: Redis;
  /** District dispatch and SLA escalation (BullMQ). */
  jobs: Jobs;
  hours: OfficeHoursService;
  /** The first node's Stasis app (every node's: `nodes`). */
  stasis: StasisApp<ivr.IvrState>;
  agents: ReturnType<typeof createAgentModule>;
  liveStats: LiveStatsService;
  /** Calls the hotline places: satisfaction surveys and queue callbacks, on one job queue. */
  outbound: OutboundModule;
  /** Texts to citizens; null with SMS_PROVIDER=off. */
  sms: SmsModule | null;
  /** The e-mail intake (a mailbox read over IMAP); null with EMAIL_INTAKE_ENABLED=false. */
  email: EmailModule | null;
  /** Recorded conversations of agents: started on AgentConnect, imported, purged past retention. */
  recordings: ReturnType<typeof createRecordingModule>;
  /** The first node's ARI lease of a standby pair (STANDBY_ENABLED); null: this engine drives ARI alone. */
  lease: AriLease | null;
  /** Imports voice messages the dialplan recorded while the engine was away (every node). */
  importFallback(): Promise<number>;
  /** The URL the HTTP API listens on (after start). */
  url: string;
  stop(): Promise<void>;
}

export interface HotlineNode extends AsteriskNode {
  stasis: StasisApp<ivr.IvrState>;
}

/** At shutdown, the part of the deadline the IVR callers' hand-off may take. */
const HAND_OFF_SHARE = 0.5;
/** At shutdown, how long open HTTP requests may finish before their sockets are cut. */
const HTTP_GRACE_MS = 2_000;

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
  // Due times count working hours over the live calendar, which the hours module (built
  // on these repositories) loads: read through `calendar` once it exists.
  let calendar: readonly Holiday[] = [];
  const storedRepos = createRepositories(database, {
    slaPolicy: { hours: config.slaHours, clock: config.slaClock, holidays: () => calendar },
  });
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
  // Every Asterisk node: its ARI app, its AMI and (standby) its lease. The services see
  // one AMI and one store of recordings over all of them.
  const asterisk = createAsteriskNodes(config, logger);
  const { ami, stored } = asterisk;
  // The calendar is data; the holidays file only seeds an empty table at first start.
  const hours = await createHoursModule({
    repos,
    seed: parseHolidays(JSON.parse(await readFile(config.holidaysFile, 'utf8'))),
    ami,
    now,
    logger,
  });
  // One array, replaced in place on every change: dispatch, surveys and callbacks see it at once.
  const holidays = hours.service.holidays;
  calendar = holidays;

  const jobs = startJobs({
    redisUrl: config.redisUrl,
    prefix: config.jobs.prefix,
    runWorkers: config.jobs.runWorkers,
    dispatch: config.jobs.dispatch,
    repos,
    holidays,
    escalationWebhook: config.escalationWebhook,
    logger,
    now,
  });
  const redis = createRedisModule({ url: config.redisUrl, logger });

  // A standby pair: only the holder of a node's ARI lease owns its Stasis app and drives
  // its calls (and acts on its AMI events that write); every instance serves HTTP,
  // workers and streams.
  const { primary } = asterisk;
  const { lease, ari } = primary;
  // Screen pops and agent states reach a desk on whichever instance its stream is open.
  const desk = new SharedDesk({ redis: redis.redis, prefix: config.jobs.prefix, logger: logger.child({ component: 'desk' }) });
  const agents = createAgentModule({
    repos,
    ami,
    config: config.agents,
    now,
    logger: logger.child({ component: 'agents' }),
    desk,
  });
  await agents.service.refresh();
  const resyncAgents = () => agents.onAmiConnected().catch((err: Error) => logger.warn({ err: err.message }, 'agent resync failed'));
  ami.on('connected', (node?: string) => {
    if (asterisk.drivesNode(node)) void resyncAgents();
  });
  // Call records, missed rings and pauses are written once, by the engine that drives the node's calls.
  ami.on('event', (event: Record<string, unknown>) => {
    if (asterisk.drivesEvent(event)) void agents.onAmiEvent(event);
  });

  const outbound = createOutboundModule({
    db: database.db,
    repos,
    nodes: asterisk.nodes,
    ami,
    config,
    holidays,
    stored,
    recordings,
    redisReady: redis.isReady,
    smsFirst: sms?.smsFirst,
    now,
    logger,
  });
  // Every way a case comes in (IVR, fallback import, API) queues its district delivery.
  // Every closure, whoever makes it, schedules the case's satisfaction survey.
  const placeLogger = logger.child({ component: 'places' });
  const places = createPlaceRouting({
    boundaries: repos.boundaries,
    geocoder: config.geocoder ? createHttpGeocoder(config.geocoder) : null,
    warn: (what, err) => placeLogger.warn({ err: err.message }, what),
  });
  // A new case with a point (or a geocodable address) and no district is routed by place.
  // Overdue counts per district for the wallboard: read again after every sweep that
  // escalated (on any instance) and after every change of a case made here.
  const overdue = createOverdueBoard({ summary: createOverdueRepo(database.db).summary, logger: logger.child({ component: 'overdue' }) });
  jobs.sla.onSwept(() => void overdue.refresh()).catch((err: Error) => logger.warn({ err: err.message }, 'SLA sweeps not followed'));
  const cases = overdue.watchCases(
    outbound.surveyOnClose(routeOnDistrict(places.onCreate(repos.cases), jobs.dispatch.enqueue, logger.child({ component: 'dispatch' }))),
  );

  // E-mail cases go through the same routed case repository as every other channel. Loaded
  // only when configured: IMAP, MIME parsing and SMTP are ~25 MB of the engine's memory.
  const email = config.email
    ? (await import('./email/email-module.js')).createEmailModule({
        config: config.email,
        db: database.db,
        cases,
        photos: recordings,
        photoMaxBytes: config.photoMaxBytes,
        now,
        logger,
      })
    : null;

  const stats = createLiveStatsModule({
    ami,
    db: database.db,
    redis: redis.redis,
    prefix: config.jobs.prefix,
    wrapUpSeconds: config.agents.wrapUpSeconds,
    callbacks: { pending: () => outbound.callbacksPending(), onChanged: (listener) => outbound.onCallbacksChanged(listener) },
    now,
    logger,
  });
  const liveStats = stats.service;
  ami.start().catch((err: Error) => logger.error({ err: err.message }, 'AMI login refused'));

  // The IVR app on every node: each node's callers are driven over that node's ARI.
  const ivrNodes: IvrNode[] = asterisk.nodes.map((node) => ({
    node,
    calls: createIvrModule({
      ari: node.ari,
      cases,
      calls: repos.calls,
      recordings,
      stored: node.stored,
      officeOpen: (at) => hours.service.isOpen(at),
      nextOpening: (at) => hours.service.nextOpening(at),
      importLeftComments: (names, isCallActive) => outbound.surveys.importLeftComments(names, isCallActive),
      requestCallback: (input) => outbound.callbacks.request(input),
      outbound: outbound.stasis,
      ...(node.lease ? { mayDrive: node.drives } : {}),
      now,
      logger: asterisk.nodes.length > 1 ? logger.child({ node: node.name }) : logger,
    }),
  }));
  const calls = ivrNodes[0]!.calls;
  const callRecordings = createRecordingModule({
    db: database.db,
    calls: repos.calls,
    ami,
    stored,
    store: recordings,
    isChannelUp: ivrNodes.length === 1 ? calls.isChannelUp : (channelId) => channelUpOnAnyNode(ivrNodes, channelId),
    config: config.recordings,
    jobs: { redisUrl: config.redisUrl, prefix: config.jobs.prefix, runWorkers: config.jobs.runWorkers },
    now,
    logger,
  });
  ami.on('event', (event: Record<string, unknown>) => {
    if (asterisk.drivesEvent(event)) callRecordings.onAmiEvent(event);
  });
  callRecordings.sweepLeftovers(asterisk.nodes.map((n) => n.ari));
  driveNodes(ivrNodes, {
    onAcquired: (node) => {
      if (node.ami.isConnected()) void resyncAgents();
    },
    logger,
  });

  sms?.sweepLost(redis.isReady);

  const ops = createOpsModule({
    database,
    redis,
    nodes: ivrNodes.map(({ node, calls: nodeCalls }) => ({
      name: node.name,
      ari: node.ari,
      ami: node.ami,
      lease: node.lease ? () => node.lease!.state() : undefined,
      callers: () => nodeCalls.stasis.activeCalls,
      waiting: () => stats.waitingOn(node.name),
    })),
    liveStats,
    // One queue for survey and callback calls (they share the trunk's cap).
    queues: {
      dispatch: jobs.dispatch.queue,
      [OUTBOUND_QUEUE]: outbound.jobs.queue,
      // Escalation notices that cannot get through show as failed jobs.
      ...(jobs.escalation ? { [ESCALATION_NOTIFY_QUEUE]: jobs.escalation.queue } : {}),
    },
  });

  const http = await buildServer({
    cases,
    places,
    organisation: { units: repos.units, districts: repos.districts },
    calls: repos.calls,
    dispatch: jobs.dispatch,
    surveys: outbound.surveys,
    recordings,
    callRecordings: callRecordings.service,
    quality: createQualityModule({ db: database.db, recordings: callRecordings.service, agents: repos.agents, now }),
    knowledge: createKnowledgeModule({ db: database.db, calls: repos.calls, now }),
    health: ops.health,
    lease: ops.lease,
    nodes: ops.nodes,
    healthWarnings: () => ({ redis: redis.warnings(), calendar: hours.service.warnings(now()), other: [...ops.nodeWarnings(), ...(email?.warnings() ?? [])] }),
    hours: hours.api,
    reports: createReportService(repos.reports, { now, stats: stats.config }),
    adminToken: config.adminToken,
    accounts: createAccounts(repos, now),
    // The desk shows whether the agent's phone can ring, as app_queue (and the wallboard) sees it.
    agents: withPhoneReachability(agents.desk, liveStats),
    supervisors: agents.supervisors,
    callCases: createCallCases({ calls: repos.calls, cases }),
    liveStats,
    overdue,
    metrics: config.metricsEnabled ? ops.metrics : undefined,
    metricsToken: config.metricsToken,
    docsEnabled: config.docsEnabled,
    open311ApiKeys: config.open311ApiKeys,
    open311CorsOrigins: config.open311CorsOrigins,
    photos: recordings,
    photoMaxBytes: config.photoMaxBytes,
    smsWebhookToken: config.smsWebhookToken,
    smsWebhooks: sms?.webhooks,
    // Several service instances behind one address share the API budget through Redis
    // (a client that fails fast: with Redis down the limiter counts in memory).
    rateLimitRedis: redis.rateLimitRedis,
    rateLimitPrefix: config.jobs.prefix,
    rateLimit: { max: config.apiRateLimitPerMinute, timeWindowMs: 60_000 },
    // A hop count as the function proxy-addr would build from it (Fastify's types take no number).
    trustProxy: typeof config.trustProxy === 'number' ? hopsTrusted(config.trustProxy) : config.trustProxy,
    logger,
    now,
  });

  let url = '';
  if (opts.listen !== false) url = await http.listen({ host: config.host, port: config.port });
  // Only once started: a start's busy event loop would let a lease it held lapse.
  for (const node of asterisk.nodes) if (node.lease) void node.lease.start();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const deadline = Date.now() + config.shutdownDeadlineMs;
      const left = () => Math.max(0, deadline - Date.now());
      await handOverToStandbys(ivrNodes, logger);
      for (const n of ivrNodes) n.calls.stop();
      hours.stop();
      // The message being handled finishes; the rest waits in the mailbox for the next start.
      await shutdownStep(email?.close() ?? Promise.resolve(), left(), logger);
      // Callers first: new calls go to the dialplan fallback, callers in the IVR are handed
      // to it. ARI stays open meanwhile, so the hang-ups arriving now are still recorded.
      const handOffMs = left() * HAND_OFF_SHARE;
      await Promise.all(ivrNodes.map((n) => n.calls.stasis.drain(handOffMs)));
      await Promise.all(asterisk.nodes.map((n) => n.lease?.stop()));
      // Live streams never end by themselves; keep-alive and slow requests get a moment.
      const streams = closeEventStreams(http);
      if (streams > 0) logger.info({ streams }, 'live streams closed');
      await shutdownStep(http.close(), Math.min(HTTP_GRACE_MS, left()), logger);
      http.server.closeAllConnections();
      agents.stop();
      desk.close();
      stats.stop();
      // A graceful worker close waits for its active jobs: only as long as the deadline allows.
      const force = !redis.isReady();
      await shutdownStep(Promise.all([outbound.close(force), jobs.close(force), sms?.close(force), callRecordings.close(force)]), left(), logger);
      await ami.close();
      await Promise.all(asterisk.nodes.map((n) => n.ari.close()));
      redis.close();
      await shutdownStep(database.close(), left(), logger);
    })();
    return stopping;
  };

  return {
    http,
    database,
    ari,
    ami,
    redis: redis.redis,
    jobs,
    hours: hours.service,
    stasis: calls.stasis,
    agents,
    liveStats,
    outbound,
    sms,
    email,
    recordings: callRecordings,
    lease,
    importFallback: async () => (await Promise.all(ivrNodes.map((n) => n.calls.importFallback()))).reduce((a, b) => a + b, 0),
    nodes: ivrNodes.map(({ node, calls: nodeCalls }) => ({ ...node, stasis: nodeCalls.stasis })),
    url,
    stop,
  };
}

/**
 * Waits for a shutdown step at most `ms`; what is still running then is left to the
 * process exit. A failed or late step is logged, and the stop goes on with the next.
 */
async function shutdownStep(work: Promise<unknown>, ms: number, logger: Logger): Promise<void> {
  await within(work, ms).catch((err: Error) => logger.warn({ err: err.message }, 'shutdown step failed'));
}

function hopsTrusted(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
