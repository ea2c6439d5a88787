import type { Logger } from 'pino';
import type { Ami } from '../adapters/ami/ami-client.js';
import type { AriConnection } from '../adapters/ari/ari-connection.js';
import type { StoredRecordings } from '../adapters/ari/stored-recordings.js';
import type { Db } from '../adapters/db/database.js';
import type { RecordingStore } from '../adapters/db/recording-store.js';
import type { DiallerConfig, SurveysConfig } from '../config.js';
import type { Holiday } from '../domain/calendar/holidays.js';
import type { CallRepo, CaseRepo } from '../domain/cases/ports.js';
import { createAriDialler, createAriSurveyDialler, diallerNodes } from './adapters/ari/ari-dialler.js';
import { createOutboundCalls, liveOutboundCalls } from './adapters/ari/outbound-calls.js';
import { createCallbackRepo } from './adapters/db/callback-repo.js';
import { createDoNotCallRepo, createSurveyRepo } from './adapters/db/survey-repo.js';
import { createCallbackCalls } from './adapters/jobs/callback-jobs.js';
import { startOutboundJobs } from './adapters/jobs/outbound-jobs.js';
import { surveyOnClose } from './adapters/jobs/survey-on-close.js';
import { CALLBACK_RETRY_DELAYS_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAYS_MS } from './domain/retry-policy.js';
import { createCallbackService } from './services/callback-service.js';
import type { OutboundSweepResult } from './services/outbound-sweep.js';
import { createSurveyService } from './services/survey-service.js';

/** How often the crash sweeps look for lost calls and missing jobs. */
const SWEEP_EVERY_MS = 60_000;

/**
 * The calls the hotline places itself: satisfaction surveys after a case closes, and
 * callbacks to callers who pressed 1 in a queue. Both share one BullMQ queue (one cap on
 * the trunk), one dialler over ARI, the dialling window and retry policy, and the crash
 * sweeps. The rest of the engine sees the services, the Stasis flows and a few hooks.
 */
export function createOutboundModule(deps: {
  db: Db;
  repos: { cases: CaseRepo; calls: CallRepo };
  /** Every Asterisk node's ARI connection (config order): calls are spread over them. */
  nodes: readonly { name: string; ari: AriConnection }[];
  ami: Ami;
  config: {
    redisUrl: string;
    jobs: { prefix: string; runWorkers: boolean };
    surveys: SurveysConfig;
    dialler: DiallerConfig;
    /** A standby pair: an engine that does not own the app originates over plain ARI HTTP. */
    standby?: { enabled: boolean };
  };
  holidays: readonly Holiday[];
  /** Where survey comments come from (Asterisk) and where they are kept. */
  stored: Pick<StoredRecordings, 'download' | 'remove'>;
  recordings: Pick<RecordingStore, 'save'>;
  /** Whether Redis answers now: the periodic sweep is skipped while it does not. */
  redisReady: () => boolean;
  /**
   * The SMS satisfaction question asked before the call (SURVEY_POLICY=sms-first): the
   * call waits `callDelayMs` more after closing, and is not placed when it was answered.
   */
  smsFirst?: { callDelayMs: number; answered: (caseId: string) => Promise<boolean> } | undefined;
  now: () => Date;
  logger: Logger;
}) {
  const { config, holidays, now, logger } = deps;
  const window = config.surveys.window;

  const callbackRepo = createCallbackRepo(deps.db);
  const callbackListeners = new Set<() => void>();
  // Every change of a callback's status may change the wallboard's callbacks pending.
  const countedCallbacks = notifyingChanges(callbackRepo, () => {
    for (const listener of callbackListeners) listener();
  });
  const surveyRepo = createSurveyRepo(deps.db);
  const doNotCall = createDoNotCallRepo(deps.db);

  // The services and the job queue call each other (a service schedules a job, a job
  // reports a call that ended unheard): the services reach the queue once it exists.
  const callbacks = createCallbackService({
    callbacks: countedCallbacks,
    calls: deps.repos.calls,
    schedule: (id, attempt, at) => jobs.scheduleCallback(id, attempt, at),
    policy: { maxAttempts: DEFAULT_MAX_ATTEMPTS, retryDelaysMs: CALLBACK_RETRY_DELAYS_MS, window, holidays },
    now,
    logger: logger.child({ component: 'callbacks' }),
    liveCalls: liveOutboundCalls(deps.nodes, 'callback'),
    ensureQueued: (id, attempt, at) => jobs.ensureCallbackQueued(id, attempt, at),
  });
  const surveys = createSurveyService({
    surveys: surveyRepo,
    doNotCall,
    cases: deps.repos.cases,
    schedule: (job) => jobs.schedule(job),
    callOver: (surveyId) => jobs.callOver(surveyId),
    policy: { maxAttempts: DEFAULT_MAX_ATTEMPTS, retryDelaysMs: DEFAULT_RETRY_DELAYS_MS, window, holidays },
    now,
    logger,
    liveCalls: liveOutboundCalls(deps.nodes, 'survey'),
    ensureQueued: (job) => jobs.ensureQueued(job),
    comments: { stored: deps.stored, recordings: deps.recordings },
    ...(deps.smsFirst ? { firstCallDelayMs: deps.smsFirst.callDelayMs } : {}),
  });

  // A standby engine's workers originate over plain ARI HTTP while another engine holds the app.
  const overHttp = config.standby?.enabled ?? false;
  const nodes = diallerNodes(deps.nodes);
  // Callback calls run on the survey calls' queue, under its one global cap.
  const callbackCalls = createCallbackCalls({
    callbacks: countedCallbacks,
    dialler: createAriDialler({ nodes, ami: deps.ami, config: config.dialler, overHttp }),
    window,
    holidays,
    callEnded: (input) => callbacks.onCallEnded(input),
    now,
    logger,
  });
  const calls = createOutboundCalls({ nodes: deps.nodes, surveys, callbacks, now, logger });

  // BullMQ needs its own connections that wait for Redis instead of failing requests.
  const jobsConnection = { url: config.redisUrl, maxRetriesPerRequest: null };
  const jobs = startOutboundJobs({
    connection: jobsConnection,
    producerConnection: { ...jobsConnection, enableOfflineQueue: false },
    prefix: config.jobs.prefix,
    work: config.jobs.runWorkers,
    maxConcurrent: config.surveys.maxConcurrent,
    callbackCalls: () => callbackCalls,
    surveys: surveyRepo,
    cases: deps.repos.cases,
    doNotCall,
    dialler: createAriSurveyDialler({ nodes, config: config.dialler, overHttp }),
    window,
    holidays,
    callEnded: (input) => surveys.onCallEnded(input),
    now,
    logger,
    ...(deps.smsFirst ? { answeredElsewhere: smsAnswered(deps.smsFirst.answered) } : {}),
  });

  const runSweep = (what: string, sweep: () => Promise<OutboundSweepResult>) =>
    sweep().then(
      (swept) => {
        if (swept.lost + swept.requeued > 0) logger.info(swept, `${what} sweep`);
      },
      (err: Error) => logger.warn({ err: err.message }, `${what} sweep failed`),
    );
  const sweep = () => Promise.all([runSweep('survey', surveys.sweep), runSweep('callback', callbacks.sweep)]);
  // At start-up as soon as Redis answers (outbound jobs ready), then every minute.
  void jobs.ready.then(sweep);
  const sweeping = setInterval(() => {
    if (deps.redisReady()) void sweep();
  }, SWEEP_EVERY_MS);
  sweeping.unref();

  return {
    surveys,
    callbacks,
    /** The outbound-calls queue (surveys and callbacks under one cap). */
    jobs,
    /** For the Stasis app: answered outbound calls by flow, and which channels are ours. */
    stasis: { flows: calls.flows, isOutboundChannel: calls.isOutboundChannel },
    /** Every closure of a case made through `repo` schedules the case's satisfaction survey. */
    surveyOnClose: <R extends Pick<CaseRepo, 'transition'>>(repo: R): R =>
      surveyOnClose(repo, (c, closedAt) => surveys.onCaseClosed(c, closedAt), logger.child({ component: 'surveys' })),
    /** The case's surveys as stored (the SMS question's policy asks whether one was answered). */
    surveyRows: (caseId: string) => surveyRepo.listForCase(caseId),
    /** Callbacks waiting to be placed, by queue (the wallboard). */
    callbacksPending: () => callbackRepo.countPendingByQueue(),
    /** Calls `listener` after every change that can change the callbacks pending. */
    onCallbacksChanged(listener: () => void): void {
      callbackListeners.add(listener);
    },
    /** Stops the sweeps, then the queue (a graceful close waits for calls in progress). */
    async close(force = false): Promise<void> {
      clearInterval(sweeping);
      await jobs.close(force);
    },
  };
}

export type OutboundModule = ReturnType<typeof createOutboundModule>;

function smsAnswered(answered: (caseId: string) => Promise<boolean>) {
  return async (caseId: string): Promise<string | null> => ((await answered(caseId)) ? 'answered_by_sms' : null);
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
