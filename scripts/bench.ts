/**
 * `npm run bench`: measures the parts of hotline-137 that are ours, without Asterisk.
 *
 *   1. the IVR reducer: scripted calls driven through step() in this process;
 *   2. the HTTP API under autocannon: a real server with the real repositories on
 *      127.0.0.1 (random port), 20,000 seeded cases, three endpoints for ~10 s each.
 *
 * The server runs in a child process (this same file, started with `--server`) so the
 * load generator does not share an event loop with what it measures. Storage is PGlite
 * in a temp folder, or, with BENCH_DATABASE_URL (a PostgreSQL server URL), a throw-away
 * database created on that server and dropped afterwards. Everything stops by itself.
 *
 * Knobs (environment): BENCH_IVR_CALLS, BENCH_SEED_CASES, BENCH_DURATION (s per HTTP
 * run), BENCH_CONNECTIONS, BENCH_LOG_LEVEL (server log level, default warn).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { createFileRecordingStore } from '../src/adapters/db/recording-store.js';
import { createRepositories } from '../src/adapters/db/repositories.js';
import { caseEvents, cases } from '../src/adapters/db/schema/index.js';
import type { HoursService } from '../src/adapters/http/deps.js';
import { buildServer } from '../src/adapters/http/server.js';
import { hoursApi } from '../src/adapters/http/hours-api.js';
import { CASE_CATEGORIES, CATEGORY_IDS, DISTRICT_COUNT, type CaseCategory } from '../src/domain/cases/case.js';
import { generateTrackingNumber } from '../src/domain/cases/tracking-number.js';
import { initialState, step } from '../src/domain/ivr/engine.js';
import type { IvrState } from '../src/domain/ivr/state.js';
import type { IvrEvent, StepContext } from '../src/domain/ivr/types.js';
import { OfficeHoursService } from '../src/services/office-hours-service.js';
import { createAccounts } from '../src/services/auth-service.js';
import { createReportService } from '../src/services/report-service.js';
import { envInt } from './lib/env-int.js';

const SELF = fileURLToPath(import.meta.url);
// The parent makes one up and hands it to the server half through the environment.
const ADMIN_TOKEN = process.env.BENCH_ADMIN_TOKEN || `bench-${randomBytes(16).toString('hex')}`;

// ─── 1. the IVR reducer ─────────────────────────────────────────────────────────────

interface ScriptedCall {
  name: string;
  ctx: StepContext;
  events: IvrEvent[];
  /** What the call must come to; a run that ends elsewhere is a broken script, not a result. */
  outcome: IvrState['outcome'];
}

const digits = (s: string): IvrEvent[] => [...s].map((digit) => ({ type: 'dtmf', digit }));
const PLAYED: IvrEvent = { type: 'playbackDone' };

function scriptedCalls(): ScriptedCall[] {
  const tracking = generateTrackingNumber();
  const closed: StepContext = { now: new Date('2025-01-03T18:00:00.000Z'), officeOpen: false };
  const open: StepContext = { now: new Date('2025-01-04T10:00:00.000Z'), officeOpen: true };
  const caller = '09121234567';
  return [
    {
      name: 'after-hours report → voicebox → case',
      ctx: closed,
      outcome: 'voicebox',
      events: [
        { type: 'started', caller, entry: 'inbound', openCase: null },
        PLAYED,
        ...digits('1'),
        PLAYED,
        ...digits('2'),
        PLAYED,
        ...digits('12#'),
        PLAYED,
        { type: 'recordingDone', name: 'voicebox-1', durationSeconds: 23, reason: 'dtmf' },
        PLAYED,
        ...digits('1'),
        { type: 'caseCreated', trackingNumber: tracking },
        PLAYED,
        { type: 'hangup' },
      ],
    },
    {
      name: 'follow-up by tracking number',
      ctx: open,
      outcome: 'followup',
      events: [
        { type: 'started', caller, entry: 'inbound', openCase: null },
        ...digits('2'),
        PLAYED,
        ...digits(`${tracking}#`),
        { type: 'lookupResult', trackingNumber: tracking, found: { status: 'in_progress', updatedAt: open.now } },
        PLAYED,
        { type: 'hangup' },
      ],
    },
    {
      name: 'office-hours report → category queue',
      ctx: open,
      outcome: 'queued',
      events: [
        { type: 'started', caller, entry: 'inbound', openCase: { trackingNumber: tracking } },
        ...digits('1'),
        ...digits('5'),
        ...digits('7#'),
        PLAYED,
      ],
    },
  ];
}

function runCall(call: ScriptedCall): number {
  let state = initialState();
  for (const event of call.events) state = step(state, event, call.ctx).state;
  if (state.phase.kind !== 'done' || state.outcome !== call.outcome) {
    throw new Error(`scripted call "${call.name}" ended ${state.phase.kind}/${state.outcome}, not done/${call.outcome}`);
  }
  return call.events.length;
}

interface IvrResult {
  calls: number;
  steps: number;
  seconds: number;
  scripts: string[];
}

function benchIvr(calls: number): IvrResult {
  const scripts = scriptedCalls();
  // Warm-up, so the JIT has compiled step() before the clock starts.
  for (let i = 0; i < Math.min(calls, 20_000); i++) runCall(scripts[i % scripts.length]!);
  let steps = 0;
  const started = performance.now();
  for (let i = 0; i < calls; i++) steps += runCall(scripts[i % scripts.length]!);
  const seconds = (performance.now() - started) / 1000;
  return { calls, steps, seconds, scripts: scripts.map((s) => `${s.name} (${s.events.length} events)`) };
}

// ─── 2. the HTTP server (child process) ────────────────────────────────────────────

type ServerReady = { type: 'ready'; port: number; kind: string; seeded: number; trackingNumbers: string[]; phones: string[] };
type ParentMessage = { type: 'stop' };

const SEED_BATCH = 1000;
const SAMPLE_TRACKING = 5000;

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function phoneNumber(i: number): string {
  return `0912${String(1_000_000 + i).padStart(7, '0')}`;
}

/** Inserts cases (and each one's first event) straight through drizzle, in batches. */
async function seed(database: Database, count: number, phones: string[]): Promise<string[]> {
  const taken = new Set<string>();
  const yearMs = 365 * 24 * 3600 * 1000;
  const now = Date.now();
  for (let done = 0; done < count; done += SEED_BATCH) {
    const rows = [];
    for (let i = 0; i < Math.min(SEED_BATCH, count - done); i++) {
      let tn = generateTrackingNumber();
      while (taken.has(tn)) tn = generateTrackingNumber();
      taken.add(tn);
      const createdAt = new Date(now - Math.floor(Math.random() * yearMs));
      rows.push({
        trackingNumber: tn,
        channel: pick(['voicebox', 'phone', 'manual'] as const),
        category: pick(CASE_CATEGORIES),
        district: 1 + Math.floor(Math.random() * DISTRICT_COUNT),
        callerPhone: pick(phones),
        description: 'Seeded for the benchmark',
        status: 'new' as const,
        createdAt,
        updatedAt: createdAt,
      });
    }
    const inserted = await database.db
      .insert(cases)
      .values(rows)
      .returning({ id: cases.id, createdAt: cases.createdAt });
    await database.db
      .insert(caseEvents)
      .values(inserted.map((r) => ({ caseId: r.id, at: r.createdAt, actor: 'bench', fromStatus: null, toStatus: 'new' as const })));
  }
  return [...taken];
}

async function serve(): Promise<void> {
  const send = (msg: ServerReady) => process.send?.(msg);
  // Listened for from the start, so a Ctrl-C during seeding still ends in the cleanup below.
  const stopped = new Promise<void>((resolve) => {
    process.on('message', (msg: ParentMessage) => {
      if (msg.type === 'stop') resolve();
    });
    // The parent died: nobody will ever say stop.
    process.on('disconnect', resolve);
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const seedCount = envInt('BENCH_SEED_CASES', 20_000);
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
  const dir = await mkdtemp(path.join(tmpdir(), 'hotline-bench-'));
  const url = process.env.BENCH_PG_URL;
  const database = await openDatabase(url ? { url } : { pgliteDir: path.join(dir, 'pglite') });
  try {
    const repos = createRepositories(database);
    // About ten cases per caller, so a phone search returns a realistic handful.
    const phones = Array.from({ length: Math.max(1, Math.ceil(seedCount / 10)) }, (_, i) => phoneNumber(i));
    const seedStart = performance.now();
    const trackingNumbers = await seed(database, seedCount, phones);
    process.stderr.write(`[bench] seeded ${seedCount} cases in ${Math.round(performance.now() - seedStart)} ms\n`);

    // The real office-hours service; AMI stands in as disconnected, as in the HTTP tests.
    const service = new OfficeHoursService({
      settings: repos.settings,
      holidayRepo: repos.holidays,
      districts: repos.districts,
      ami: { isConnected: () => false, action: () => Promise.reject(new Error('AMI is not connected')) },
      logger,
    });
    await service.load();
    const hours: HoursService = hoursApi(service);
    const app = await buildServer({
      cases: repos.cases,
      recordings: createFileRecordingStore(path.join(dir, 'recordings')),
      health: async () => ({ database: true, redis: true, ari: true, ami: true }),
      hours,
      reports: createReportService(repos.reports, { now: () => new Date() }),
      adminToken: ADMIN_TOKEN,
      accounts: createAccounts(repos, () => new Date()),
      logger,
      now: () => new Date(),
      // The limiter still runs (its cost is part of every request) but never says 429.
      rateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('server has no TCP address');

    send({
      type: 'ready',
      port: address.port,
      kind: database.kind,
      seeded: seedCount,
      trackingNumbers: trackingNumbers.slice(0, SAMPLE_TRACKING),
      phones,
    });
    await stopped;
    await app.close();
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// ─── 2b. the load (parent) ──────────────────────────────────────────────────────────

/** The part of autocannon's API used here (the package ships no types). */
interface LoadRequest {
  method?: 'GET' | 'POST';
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (request: LoadRequest) => LoadRequest;
}
interface Histogram {
  average: number;
  p50: number;
  p99: number;
  total: number;
}
interface LoadResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  latency: Histogram;
  requests: Histogram;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests: LoadRequest[];
}) => Promise<LoadResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface HttpRow {
  name: string;
  result: LoadResult;
}

async function startServer(pgUrl: string | undefined): Promise<{ child: ChildProcess; ready: ServerReady }> {
  const child = fork(SELF, ['--server'], {
    env: { ...process.env, BENCH_ADMIN_TOKEN: ADMIN_TOKEN, ...(pgUrl ? { BENCH_PG_URL: pgUrl } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.once('message', (msg: ServerReady) => resolve(msg));
    child.once('exit', (code) => reject(new Error(`bench server exited early (code ${code})`)));
    child.once('error', reject);
  });
  return { child, ready };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'stop' } satisfies ParentMessage);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function benchHttp(ready: ServerReady, duration: number, connections: number): Promise<HttpRow[]> {
  const url = `http://127.0.0.1:${ready.port}`;
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const run = (requests: LoadRequest[]) => autocannon({ url, connections, duration, headers, requests });
  const rows: HttpRow[] = [];

  rows.push({
    name: 'GET /api/cases/:trackingNumber',
    result: await run([
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/cases/${pick(ready.trackingNumbers)}` }) },
    ]),
  });
  rows.push({
    name: 'GET /api/cases?phone=…',
    result: await run([
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/cases?phone=${pick(ready.phones)}` }) },
    ]),
  });
  rows.push({
    name: 'POST /api/cases',
    result: await run([
      {
        method: 'POST',
        path: '/api/cases',
        setupRequest: (r) => ({
          ...r,
          body: JSON.stringify({
            category: pick<CaseCategory>(CATEGORY_IDS),
            district: 1 + Math.floor(Math.random() * DISTRICT_COUNT),
            callerPhone: pick(ready.phones),
            description: 'Streetlight out on the corner, reported by phone',
            channel: 'phone',
          }),
        }),
      },
    ]),
  });
  return rows;
}

// ─── PostgreSQL: a throw-away database on the given server ─────────────────────────

async function createBenchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hotline_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

// ─── report ─────────────────────────────────────────────────────────────────────────

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function statusSummary(result: LoadResult): string {
  return Object.entries(result.statusCodeStats)
    .map(([code, { count }]) => `${code}×${fmt(count)}`)
    .join(' ');
}

function printReport(ivr: IvrResult, http: HttpRow[], ready: ServerReady, duration: number, connections: number): void {
  const where = process.env.BENCH_DATABASE_URL ? ' (throw-away database on BENCH_DATABASE_URL)' : ' (temp folder)';
  const lines = [
    '',
    `## hotline-137 benchmark — ${new Date().toISOString()}`,
    '',
    `Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model ?? 'unknown'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM`,
    '',
    '### IVR reducer',
    '',
    '| scripted calls | steps | time (s) | calls/s | steps/s |',
    '|---:|---:|---:|---:|---:|',
    `| ${fmt(ivr.calls)} | ${fmt(ivr.steps)} | ${fmt(ivr.seconds, 2)} | ${fmt(ivr.calls / ivr.seconds)} | ${fmt(ivr.steps / ivr.seconds)} |`,
    '',
    `Scripts, in rotation: ${ivr.scripts.join('; ')}.`,
    '',
    `### HTTP API — ${ready.kind}${where}, ${fmt(ready.seeded)} seeded cases, ${connections} connections, ${duration} s per run`,
    '',
    '| endpoint | requests | req/s | p50 (ms) | p99 (ms) | non-2xx | errors | status codes |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...http.map(
      ({ name, result: r }) =>
        `| ${name} | ${fmt(r.requests.total)} | ${fmt(r.requests.total / r.duration)} | ${r.latency.p50} | ${r.latency.p99} | ${fmt(r.non2xx)} | ${fmt(r.errors)} | ${statusSummary(r)} |`,
    ),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

// ─── main ───────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const ivrCalls = envInt('BENCH_IVR_CALLS', 300_000);
  const duration = envInt('BENCH_DURATION', 10);
  const connections = envInt('BENCH_CONNECTIONS', 20);

  process.stderr.write(`[bench] IVR reducer: ${fmt(ivrCalls)} scripted calls…\n`);
  const ivr = benchIvr(ivrCalls);

  const serverUrl = process.env.BENCH_DATABASE_URL?.trim();
  const pgDb = serverUrl ? await createBenchDatabase(serverUrl) : undefined;
  let child: ChildProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      if (child) await stopServer(child);
      await pgDb?.drop();
    })());
  // Ctrl-C mid-run must not leave a bench database behind on someone's server.
  process.once('SIGINT', () => {
    cleanup().finally(() => process.exit(130));
  });
  try {
    process.stderr.write(`[bench] HTTP: starting the server (${pgDb ? 'PostgreSQL' : 'PGlite'}) and seeding…\n`);
    const started = await startServer(pgDb?.url);
    child = started.child;
    process.stderr.write(`[bench] HTTP: 127.0.0.1:${started.ready.port}, three runs of ${duration} s…\n`);
    const http = await benchHttp(started.ready, duration, connections);
    printReport(ivr, http, started.ready, duration, connections);
    const failed = http.filter(({ result: r }) => r.non2xx > 0 || r.errors > 0);
    if (failed.length > 0) {
      // Throughput of error responses is not throughput: make the run fail visibly.
      process.stderr.write(`[bench] non-2xx responses or errors in: ${failed.map((f) => f.name).join(', ')}\n`);
      process.exitCode = 1;
    }
  } finally {
    await cleanup();
  }
}

const role = process.argv.includes('--server') ? serve : main;
role().catch((err: unknown) => {
  process.stderr.write(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
