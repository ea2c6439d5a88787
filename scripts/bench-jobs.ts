/**
 * `npm run bench:jobs`: what a BullMQ job costs Redis, for the capacity model (docs/scale.md).
 *
 * On a private redis-server (a random port, AOF on and `noeviction` as in production, gone
 * at the end), the real job code runs BENCH_JOBS (1,000) jobs of each kind in this process:
 *
 *   1. district dispatch (`startDispatch`, src/adapters/jobs/dispatch.ts): one job per case,
 *      delivered to the district's inbox and to a fake district webhook on 127.0.0.1 that
 *      answers 200, then the case marked dispatched;
 *   2. survey calls (`startOutboundJobs`, src/outbound/adapters/jobs/outbound-jobs.ts): one
 *      attempt per survey, placed through a stub dialler whose call "ends" at once (the
 *      worker's slot is given back as SurveyService does), under the global cap of
 *      BENCH_SURVEY_CONCURRENT (20) calls at once.
 *
 * The repositories are in memory: this measures Redis and the job code, not PostgreSQL or
 * Asterisk (bench:calls measures those). Each job is added as the service adds it (`add`
 * with its id, attempts, backoff and retention) and worked by the worker; commands per job
 * are Redis's `INFO commandstats` totals after minus before (Redis 7 counts the commands
 * BullMQ's Lua scripts run, so they are commands executed, not round trips; the scripts
 * run are printed too) (less this script's own INFO
 * and the workers' idle polling over as long, measured over BENCH_IDLE_SECONDS first), and
 * Redis's own CPU per job is its used_cpu_user + used_cpu_sys over the run, less
 * its idle rate; jobs per second is BENCH_JOBS over the time from the first add to the last completion.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import pino from 'pino';
import type { Case } from '../src/domain/cases/case.js';
import type { District } from '../src/domain/cases/district.js';
import { startDispatch } from '../src/adapters/jobs/dispatch.js';
import { queueConnection } from '../src/adapters/jobs/queues.js';
import { diallingWeekly } from '../src/outbound/domain/dialling-window.js';
import { WEEKDAYS } from '../src/domain/calendar/tehran-time.js';
import { startOutboundJobs } from '../src/outbound/adapters/jobs/outbound-jobs.js';
import type { SurveyRow } from '../src/outbound/adapters/db/survey-repo.js';
import { startPrivateRedis, type PrivateRedis } from '../test/helpers/private-redis.js';
import { envInt } from './lib/env-int.js';

const JOBS = envInt('BENCH_JOBS', 1000);
const IDLE_MS = envInt('BENCH_IDLE_SECONDS', 5) * 1000;
const SURVEY_CONCURRENT = envInt('BENCH_SURVEY_CONCURRENT', 20);
/** Adds in flight at once, as cases are created by many calls and agents at a time. */
const ADD_PARALLEL = 20;
const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ─── Redis's counters ─────────────────────────────────────────────────────────────

interface Counts {
  /** Sum of `calls` over INFO commandstats: the commands BullMQ's Lua scripts run included (Redis 7). */
  all: number;
  /** Per command. */
  byCommand: Map<string, number>;
  /** Lua scripts run (EVALSHA + EVAL): each is one round trip, however many commands it runs. */
  scripts: number;
  /** Redis's own CPU seconds (used_cpu_user + used_cpu_sys, its main thread and the others). */
  cpuSeconds: number;
}

async function counts(redis: PrivateRedis): Promise<Counts> {
  const text = await redis.admin.info('all');
  const byCommand = new Map<string, number>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) byCommand.set(m[1]!, Number(m[2]));
  const all = [...byCommand.values()].reduce((a, b) => a + b, 0);
  const scripts = (byCommand.get('evalsha') ?? 0) + (byCommand.get('eval') ?? 0);
  const cpu = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1] ?? NaN);
  return { all, byCommand, scripts, cpuSeconds: cpu('used_cpu_user') + cpu('used_cpu_sys') };
}

/** After minus before, less our own INFO (one per read). */
function delta(after: Counts, before: Counts): Counts {
  const byCommand = new Map<string, number>();
  for (const [cmd, n] of after.byCommand) {
    const d = n - (before.byCommand.get(cmd) ?? 0) - (cmd === 'info' ? 1 : 0);
    if (d > 0) byCommand.set(cmd, d);
  }
  return {
    all: after.all - before.all - 1,
    byCommand,
    scripts: after.scripts - before.scripts,
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
  };
}

interface Result {
  kind: string;
  seconds: number;
  jobsPerSecond: number;
  run: Counts;
  idlePerSecond: Counts;
  perJob: { all: number; scripts: number; cpuMs: number };
}

/**
 * Idle rate of the workers (their blocking reads, stalled-job checks), then the jobs: added
 * ADD_PARALLEL at a time, awaited until every one completed.
 */
async function measure(kind: string, redis: PrivateRedis, addJob: (i: number) => Promise<void>, allDone: Promise<void>): Promise<Result> {
  const idleFrom = await counts(redis);
  const idleStart = Date.now();
  await settle(IDLE_MS);
  const idleTo = await counts(redis);
  const idleSeconds = (Date.now() - idleStart) / 1000;
  const idle = delta(idleTo, idleFrom);

  const from = await counts(redis);
  const start = Date.now();
  for (let i = 0; i < JOBS; i += ADD_PARALLEL) {
    await Promise.all(Array.from({ length: Math.min(ADD_PARALLEL, JOBS - i) }, (_, k) => addJob(i + k)));
  }
  await allDone;
  const seconds = (Date.now() - start) / 1000;
  const run = delta(await counts(redis), from);
  const idleAll = (idle.all / idleSeconds) * seconds;
  const idleScripts = (idle.scripts / idleSeconds) * seconds;
  return {
    kind,
    seconds,
    jobsPerSecond: JOBS / seconds,
    run,
    idlePerSecond: {
      all: idle.all / idleSeconds,
      scripts: idle.scripts / idleSeconds,
      cpuSeconds: idle.cpuSeconds / idleSeconds,
      byCommand: new Map([...idle.byCommand].map(([c, n]) => [c, n / idleSeconds])),
    },
    perJob: {
      all: (run.all - idleAll) / JOBS,
      scripts: (run.scripts - idleScripts) / JOBS,
      cpuMs: ((run.cpuSeconds - (idle.cpuSeconds / idleSeconds) * seconds) * 1000) / JOBS,
    },
  };
}

/** Resolves once `n` completions were counted; rejects at the first failure. */
function countdown(n: number): { tick(): void; fail(why: string): void; done: Promise<void> } {
  let left = n;
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    tick() {
      if (--left === 0) resolve();
    },
    fail: (why) => reject(new Error(why)),
    done,
  };
}

// ─── 1. district dispatch ─────────────────────────────────────────────────────────

async function fakeWebhook(): Promise<{ server: Server; url: string; received: () => number }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hook`, received: () => received };
}

function benchCase(i: number): Case {
  const at = new Date();
  return {
    id: randomUUID(),
    trackingNumber: String(10_000_000 + i),
    channel: 'phone',
    category: null,
    district: (i % 22) + 1,
    unit: null,
    callerPhone: '09120000000',
    description: 'bench',
    recording: null,
    callId: null,
    address: null,
    lat: null,
    long: null,
    externalId: null,
    reporter: null,
    status: 'new',
    dueAt: null,
    escalatedAt: null,
    dispatchFailedAt: null,
    duplicateOf: null,
    routing: 0,
    createdAt: at,
    updatedAt: at,
  };
}

async function benchDispatch(redis: PrivateRedis): Promise<Result> {
  const hook = await fakeWebhook();
  const cases = new Map<string, Case>();
  const delivered = new Map<string, string[]>();
  const districts = new Map<number, District>(
    Array.from({ length: 22 }, (_, k) => [
      k + 1,
      { id: k + 1, name: `district ${k + 1}`, officeHours: null, webhookUrls: [hook.url], webhookSecret: 'bench-secret', inboxEnabled: true },
    ]),
  );
  const finished = countdown(JOBS);
  const dispatch = startDispatch({
    connection: queueConnection(redis.url),
    sweepEveryMs: 0,
    prefix: 'bench',
    cases: {
      findById: async (id) => cases.get(id) ?? null,
      transition: async (change) => {
        const c = cases.get(change.caseId)!;
        const next = { ...c, status: change.to ?? c.status, updatedAt: change.at ?? new Date() };
        cases.set(c.id, next);
        return next;
      },
      listUndispatched: async () => [],
    },
    districts: { get: async (id) => districts.get(id) ?? null },
    dispatches: {
      deliveredTargets: async (caseId) => delivered.get(caseId) ?? [],
      recordDelivery: async (caseId, _district, target) => {
        delivered.set(caseId, [...(delivered.get(caseId) ?? []), target]);
      },
      flagFailed: async () => undefined,
      clearFailed: async () => undefined,
    },
    holidays: [],
    logger,
    now: () => new Date(),
  });
  dispatch.worker!.on('completed', () => finished.tick());
  dispatch.worker!.on('failed', (job, err) => finished.fail(`dispatch job ${job?.id} failed: ${err.message}`));
  await dispatch.worker!.waitUntilReady();
  try {
    const result = await measure(
      'district dispatch (inbox + one webhook)',
      redis,
      async (i) => {
        const c = benchCase(i);
        cases.set(c.id, c);
        await dispatch.enqueue(c);
      },
      finished.done,
    );
    const notDispatched = [...cases.values()].filter((c) => c.status !== 'dispatched').length;
    if (notDispatched > 0 || hook.received() !== JOBS) {
      throw new Error(`dispatch: ${notDispatched} cases not dispatched, ${hook.received()} webhook posts for ${JOBS} jobs`);
    }
    return result;
  } finally {
    await dispatch.close();
    hook.server.close();
  }
}

// ─── 2. survey calls ──────────────────────────────────────────────────────────────

async function benchSurveys(redis: PrivateRedis): Promise<Result> {
  const surveys = new Map<string, SurveyRow>();
  const closedCases = new Map<string, Case>();
  const finished = countdown(JOBS);
  const window = { weekly: diallingWeekly([...WEEKDAYS], '00:00', '23:59'), firstAttemptDelayMs: 0 };
  let placed = 0;
  // The dialler ends its calls through the jobs (bound once they exist).
  const jobs: ReturnType<typeof startOutboundJobs> = startOutboundJobs({
    connection: queueConnection(redis.url),
    prefix: 'bench',
    maxConcurrent: SURVEY_CONCURRENT,
    surveys: {
      findById: async (id) => surveys.get(id) ?? null,
      startAttempt: async (id, attempt, at) => {
        const s = surveys.get(id);
        if (!s || s.status !== 'pending' || s.attempts !== attempt - 1) return false;
        surveys.set(id, { ...s, status: 'dialling', attempts: attempt, updatedAt: at });
        return true;
      },
      update: async (id, patch) => {
        const s = surveys.get(id);
        if (s) surveys.set(id, { ...s, ...patch } as SurveyRow);
      },
    },
    cases: { findById: async (id) => closedCases.get(id) ?? null },
    doNotCall: { matching: async () => new Set<string>() },
    // The call is answered and over at once: what SurveyService does when it hears the end.
    dialler: {
      originate: async ({ surveyId }) => {
        placed++;
        setImmediate(() => {
          const s = surveys.get(surveyId)!;
          surveys.set(surveyId, { ...s, status: 'answered', endedAt: new Date() });
          jobs.callOver(surveyId);
        });
      },
    },
    window,
    holidays: [],
    callEnded: async () => undefined,
    now: () => new Date(),
    logger,
  });
  jobs.worker!.on('completed', () => finished.tick());
  jobs.worker!.on('failed', (job, err) => finished.fail(`survey job ${job?.id} failed: ${err.message}`));
  await jobs.ready;
  await jobs.worker!.waitUntilReady();
  try {
    const result = await measure(
      `survey calls (stub dialler, ${SURVEY_CONCURRENT} at once)`,
      redis,
      async (i) => {
        const c = { ...benchCase(i), status: 'closed' as const, callerPhone: `0912${String(1_000_000 + i)}` };
        closedCases.set(c.id, c);
        const id = randomUUID();
        const at = new Date();
        surveys.set(id, { id, caseId: c.id, surveyNumber: 1, phone: c.callerPhone, status: 'pending', attempts: 0, scheduledAt: at } as SurveyRow);
        await jobs.schedule({ jobId: `survey-${id}-1`, surveyId: id, attempt: 1, at });
      },
      finished.done,
    );
    if (placed !== JOBS) throw new Error(`surveys: ${placed} calls placed for ${JOBS} jobs`);
    return result;
  } finally {
    await jobs.close();
  }
}

// ─── main ─────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const redis = await startPrivateRedis(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
  const version = /redis_version:(\S+)/.exec(await redis.admin.info('server'))?.[1] ?? '?';
  console.log(
    `bench:jobs: ${JOBS} jobs of each kind on a private Redis ${version} (AOF on); ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const results: Result[] = [];
  try {
    results.push(await benchDispatch(redis));
    results.push(await benchSurveys(redis));
  } finally {
    await redis.stop();
  }
  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(
    `\n| ${JOBS} jobs | jobs/s | Redis commands per job (run by scripts included) | of which Lua scripts | Redis CPU per job | commands in the run | idle commands per second |`,
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.kind} | ${f(r.jobsPerSecond, 0)} (${f(r.seconds, 2)} s) | ${f(r.perJob.all)} | ${f(r.perJob.scripts)} | ${f(r.perJob.cpuMs, 3)} ms (${f(r.run.cpuSeconds, 2)} s in the run) | ${r.run.all} | ${f(r.idlePerSecond.all)} |`,
    );
  }
  for (const r of results) {
    const top = [...r.run.byCommand].sort((a, b) => b[1] - a[1]).slice(0, 10);
    console.log(`  ${r.kind}, per job: ${top.map(([c, n]) => `${c} ${f(n / JOBS, 2)}`).join(', ')}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
