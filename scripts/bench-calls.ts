/**
 * `npm run bench:calls`: the engine's reaction to a key under load, on the Asterisk sandbox,
 * side by side with a bare ari-client app (the floor) in one run.
 *
 * Both phases place the same calls: BENCH_CALLS (500) Local channels into `137@from-pstn`,
 * ramped over BENCH_RAMP_SECONDS (20); each caller presses 1 BENCH_BARGE_MS (1500) after
 * the hotline's first prompt starts (barge-in on the welcome). An observer application
 * subscribed to every channel times, from Asterisk's own event timestamps,
 * ChannelDtmfReceived → the next PlaybackStarted on the hotline's channel.
 *
 *   1. floor: a child process of this file (`--floor`) owns the Stasis app `hotline` with
 *      ari-client and does only what the IVR does here: play welcome + main-menu, and on a
 *      key stop it and play category-menu;
 *   2. engine: `node dist/main.js` (the production form; run `npm run build` first, the npm
 *      script does), on PGlite in a temp folder or, with BENCH_DATABASE_URL (a PostgreSQL
 *      server), a database created for the run and dropped after it. Its CPU (utime+stime
 *      from /proc) over the calls, less its idle rate (the median of its seconds in 10 s
 *      before the warm-up calls and 10 s after the measured ones) over as long, divided by
 *      the calls, and its RSS after the run are printed; the run's CPU is also split by
 *      thread (the event loop's, V8's and libuv's, PGlite's).
 *
 * Each phase first places BENCH_WARMUP_CALLS (1,000) uncounted calls at the same pace,
 * and the measured calls follow them at once: the figures are those of a process whose
 * call path V8 has compiled (see WARMUP_CALLS).
 *
 * For the capacity model (docs/scale.md) it also prints, per call: Asterisk's own CPU in
 * each phase (the sandbox's asterisk process, utime+stime from /proc, less its idle rate
 * over as long), and in the engine's phase the PostgreSQL transactions committed and rows
 * written in the bench's database (pg_stat_database, once the backends' counters have been
 * flushed) and the Redis commands the engine sent (`INFO stats` of a private redis-server
 * started for the run, less its idle rate).
 *
 * It needs the Asterisk sandbox to itself (no other `hotline` app): run it under the lock,
 * `flock /tmp/hotline-asterisk.lock npm run bench:calls`. Everything stops by itself.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ari, { type Client } from 'ari-client';
import { config as loadEnv } from 'dotenv';
import pg from 'pg';
import { startPrivateRedis, type PrivateRedis } from '../test/helpers/private-redis.js';
import { productionAllocatorEnv, productionNodeArgs } from './lib/production-command.js';
import { envInt } from './lib/env-int.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');
loadEnv({ path: path.join(ROOT, '.env'), quiet: true });

const ARI_URL = process.env.ARI_URL ?? 'http://127.0.0.1:8088';
const ARI_USER = process.env.ARI_USER ?? 'hotline';
const ARI_PASSWORD = process.env.ARI_PASSWORD ?? '';
const HOTLINE_APP = 'hotline';
const OBSERVER_APP = 'bench-calls';
const CALLS = envInt('BENCH_CALLS', 500);
const RAMP_MS = envInt('BENCH_RAMP_SECONDS', 20) * 1000;
const BARGE_MS = envInt('BENCH_BARGE_MS', 1500);
/**
 * How long a caller stays on after the reaction, hearing the category menu (0: hangs up at
 * once). Asterisk's CPU per call at two holds gives its cost per second of a call's prompts.
 */
const HOLD_MS = Number(process.env.BENCH_HOLD_MS?.trim() || 0);
/**
 * Calls placed before each phase's measured calls, at their pace and with no pause before
 * them, and not counted: a fresh process spends its first calls' CPU loading modules and
 * having V8 compile its call path, and that goes on for some 1,000 calls: over calls
 * 50–550 the engine's event loop took 2.9–3.3 ms a call and V8's compiler threads 0.7,
 * over calls 1,000–1,500 2.5 and 0.3 (2026-12-05, PostgreSQL). The figures are so the
 * steady state's; BENCH_WARMUP_CALLS=50 gives those of a freshly started engine, 0 of a
 * cold one.
 */
const WARMUP_CALLS = envInt('BENCH_WARMUP_CALLS', 1000);
/** Reactions this slow are listed by channel, to be looked up in the engine's log (BENCH_KEEP_LOGS). */
const SLOW_REACTION_MS = 1_000;
/** A call with no first prompt, or no reaction to its key, within this is a failure. */
const STEP_TIMEOUT_MS = 15_000;
const CLOCK_TICKS = 100; // USER_HZ on Linux

// ─── the floor: a bare ari-client app doing what the IVR does here ───────────────

async function runFloor(): Promise<void> {
  const client = await ari.connect(ARI_URL, ARI_USER, ARI_PASSWORD);
  const playing = new Map<string, string>();
  const play = (channelId: string, prompts: string[]): void => {
    const playbackId = randomBytes(8).toString('hex');
    playing.set(channelId, playbackId);
    client.channels
      .play({ channelId, playbackId, media: prompts.map((p) => `sound:${p}`).join(',') })
      .catch(() => undefined);
  };
  client.on('StasisStart', (_event, channel) => play(channel.id, ['welcome', 'main-menu']));
  client.on('ChannelDtmfReceived', (event, channel) => {
    if (event.digit !== '1') return;
    const current = playing.get(channel.id);
    if (current) client.playbacks.stop({ playbackId: current }).catch(() => undefined);
    play(channel.id, ['category-menu']);
  });
  client.on('StasisEnd', (_event, channel) => playing.delete(channel.id));
  await client.start(HOTLINE_APP);
  process.send?.('ready');
}

// ─── the callers and the observer ─────────────────────────────────────────────────

interface CallResult {
  reactionMs: number | null;
  failure: string | null;
  /** The hotline side's channel id (set by `call`): what the engine's log names the call by. */
  channel?: string;
}

interface AriEvent {
  type: string;
  timestamp?: string;
  digit?: string;
  channel?: { id: string };
  playback?: { target_uri?: string; media_uri?: string };
}

const asteriskMs = (timestamp: string | undefined): number => (timestamp ? Date.parse(timestamp.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : NaN);

class Observer {
  private readonly calls = new Map<string, { citizen: string; firstPrompt: boolean; dtmfAt: number | null; done: (r: CallResult) => void; timer: NodeJS.Timeout }>();

  private constructor(private readonly client: Client) {
    (client as unknown as NodeJS.EventEmitter).on('*', (event: AriEvent) => this.onEvent(event));
  }

  static async connect(): Promise<Observer> {
    const client = await ari.connect(ARI_URL, ARI_USER, ARI_PASSWORD);
    const observer = new Observer(client);
    await client.start(OBSERVER_APP);
    await client.applications.subscribe({ applicationName: OBSERVER_APP, eventSource: 'channel:' });
    return observer;
  }

  async hotlineAppConnected(): Promise<boolean> {
    const apps = await this.client.applications.list();
    return apps.some((a) => a.name === HOTLINE_APP);
  }

  private onEvent(event: AriEvent): void {
    const hotlineId =
      event.type === 'PlaybackStarted' ? event.playback?.target_uri?.replace(/^channel:/, '') : event.channel?.id;
    const call = hotlineId ? this.calls.get(hotlineId) : undefined;
    if (!call || !hotlineId) return;
    if (event.type === 'PlaybackStarted' && !call.firstPrompt) {
      call.firstPrompt = true;
      setTimeout(() => {
        this.client.channels
          .sendDTMF({ channelId: call.citizen, dtmf: '1', duration: 100 })
          .catch(() => this.finish(hotlineId, { reactionMs: null, failure: 'dtmf not sent' }));
      }, BARGE_MS);
    } else if (event.type === 'ChannelDtmfReceived' && event.digit === '1' && call.dtmfAt === null) {
      call.dtmfAt = asteriskMs(event.timestamp);
    } else if (event.type === 'PlaybackStarted' && call.dtmfAt !== null) {
      this.finish(hotlineId, { reactionMs: asteriskMs(event.timestamp) - call.dtmfAt, failure: null });
    } else if (event.type === 'ChannelDestroyed' || event.type === 'ChannelHangupRequest') {
      this.finish(hotlineId, { reactionMs: null, failure: `hung up before the reaction (${event.type})` });
    }
  }

  private finish(hotlineId: string, result: CallResult): void {
    const call = this.calls.get(hotlineId);
    if (!call) return;
    this.calls.delete(hotlineId);
    clearTimeout(call.timer);
    const hangUp = () => {
      this.client.channels.hangup({ channelId: call.citizen }).catch(() => undefined);
      call.done(result);
    };
    if (HOLD_MS > 0 && result.failure === null) setTimeout(hangUp, HOLD_MS);
    else hangUp();
  }

  /** One caller: dial, wait for the first prompt, press 1 into it, wait for the reaction. */
  call(id: string): Promise<CallResult> {
    const citizen = `${id}-citizen`;
    const hotline = `${id}-hotline`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(hotline, { reactionMs: null, failure: 'timeout' }), STEP_TIMEOUT_MS * 2);
      this.calls.set(hotline, { citizen, firstPrompt: false, dtmfAt: null, done: (r) => resolve({ ...r, channel: hotline }), timer });
      const caller = `0912${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
      this.client.channels
        .originate({
          endpoint: 'Local/137@from-pstn/n',
          app: OBSERVER_APP,
          callerId: `"Bench" <${caller}>`,
          channelId: citizen,
          otherChannelId: hotline,
          timeout: 15,
          // 8 kHz like a PSTN line: unasked, Local takes slin192 and Asterisk resamples
          // every prompt frame 24-fold, which measured Asterisk's CPU, not the engine.
          formats: 'slin',
        })
        .catch((err: Error) => this.finish(hotline, { reactionMs: null, failure: `originate: ${err.message}` }));
    });
  }

  /** Places the calls evenly over `rampMs`: `placed` settles with the last one placed, `results` once every call is over. */
  start(label: string, calls = CALLS, rampMs = RAMP_MS): { placed: Promise<void>; results: Promise<CallResult[]> } {
    const run = randomBytes(3).toString('hex');
    const pending: Promise<CallResult>[] = [];
    const placed = (async () => {
      const started = Date.now();
      for (let i = 0; i < calls; i++) {
        const due = started + (i * rampMs) / calls;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pending.push(this.call(`bench-${label}-${run}-${i}`));
      }
    })();
    return { placed, results: placed.then(() => Promise.all(pending)) };
  }

  run(label: string, calls = CALLS, rampMs = RAMP_MS): Promise<CallResult[]> {
    return this.start(label, calls, rampMs).results;
  }

  close(): void {
    this.client.stop();
  }
}

// ─── the engine in its production form ────────────────────────────────────────────

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * `BENCH_CPU_CLOCK=schedstat`: CPU from the scheduler's own nanosecond count of each thread's
 * time on a CPU (/proc/<pid>/task/<tid>/schedstat) instead of utime + stime, which the
 * kernel may keep by sampling at its clock tick: a check of the default for processes that
 * run in short bursts. A thread that ended during the run is not counted.
 */
const SCHEDSTAT = process.env.BENCH_CPU_CLOCK === 'schedstat';

/** utime + stime of a /proc `stat` file (a process's or one thread's), in seconds. */
function statSeconds(file: string): number {
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** One thread's CPU seconds, by the chosen clock; throws if the thread has ended. */
function taskSeconds(pid: number, tid: string): number {
  if (!SCHEDSTAT) return statSeconds(`/proc/${pid}/task/${tid}/stat`);
  return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
}

/** CPU seconds of a process's threads that `keep` accepts (by their name). */
function tasksSeconds(pid: number, keep: (tid: string) => boolean): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (keep(tid)) total += taskSeconds(pid, tid);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return total;
}

function cpuSeconds(pid: number): number {
  // The process's own utime + stime also holds its threads that have ended.
  return SCHEDSTAT ? tasksSeconds(pid, () => true) : statSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's threads named `name` (the PGlite worker names itself `pglite`); 0 without one. */
function threadCpuSeconds(pid: number, name: string): number {
  return tasksSeconds(pid, (tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === name);
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024;
}

/** The sandbox's asterisk process (BENCH_ASTERISK_PID, else the sandbox script's `status`). */
function asteriskPid(): number | null {
  const given = process.env.BENCH_ASTERISK_PID?.trim();
  if (given) return Number(given);
  try {
    const status = execFileSync('bash', [path.join(ROOT, 'scripts/asterisk-sandbox.sh'), 'status'], { encoding: 'utf8' });
    const pid = /pid (\d+)/.exec(status)?.[1];
    return pid ? Number(pid) : null;
  } catch {
    return null;
  }
}

/**
 * What each of `reads` counts (CPU seconds) in every second while `more(seconds so far)`
 * holds, as a rate per ms of that second. Both the idle windows and BENCH_CPU_ALONG read so.
 */
async function cpuEverySecond(reads: (() => number)[], more: (seconds: number) => boolean): Promise<number[][]> {
  const slices = reads.map(() => [] as number[]);
  let last = reads.map((read) => read());
  while (more(slices[0]!.length)) {
    const start = Date.now();
    await settle(1_000);
    const now = reads.map((read) => read());
    const took = Date.now() - start;
    now.forEach((value, i) => slices[i]!.push((value - last[i]!) / took));
    last = now;
  }
  return slices;
}

/**
 * Idle rates (CPU seconds per ms) of what each of `reads` measures: its CPU in every second
 * of a window of `ms`. The rate is the median of such seconds (`idleRate`).
 * A mean let one burst decide it: V8's memory reducer collecting the warm-up's garbage some
 * seconds after it (0.1–0.2 s of CPU), a minute's sweep. Counted as idle and taken off the
 * calls, such a burst made the engine's figure 0.5–0.7 ms a call lower over 500 calls.
 * Under the kernel's 10 ms ticks (the default clock) a quiet second reads 0 or 10 ms, so
 * the median is 0 and the engine's ~1 ms a second of idle work counts against its calls
 * (~0.05 ms a call over 500); BENCH_CPU_CLOCK=schedstat reads it to the nanosecond.
 */
function idleRates(reads: (() => number)[], ms: number): Promise<number[][]> {
  const seconds = Math.max(1, Math.round(ms / 1_000));
  return cpuEverySecond(reads, (done) => done < seconds);
}

/** The median of per-ms rates. */
function idleRate(...windows: number[][]): number {
  const all = windows.flat().sort((a, b) => a - b);
  if (all.length === 0) return 0;
  const mid = all.length >> 1;
  return all.length % 2 ? all[mid]! : (all[mid - 1]! + all[mid]!) / 2;
}

/** CPU seconds of a process with its idle rate taken out, over a window that ends at `done()`. */
class CpuOverRun {
  private readonly from: number;
  private readonly start = Date.now();

  constructor(
    private readonly pid: number,
    private readonly idlePerMs: number,
  ) {
    this.from = cpuSeconds(pid);
  }

  done(): { runSeconds: number; idleSeconds: number } {
    const runSeconds = cpuSeconds(this.pid) - this.from;
    return { runSeconds, idleSeconds: this.idlePerMs * (Date.now() - this.start) };
  }
}

interface PgCounters {
  commits: number;
  rowsWritten: number;
}

async function pgCounters(serverUrl: string, dbName: string): Promise<PgCounters> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ commits: string; written: string }>(
      `SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS written
         FROM pg_stat_database WHERE datname = $1`,
      [dbName],
    );
    return { commits: Number(rows[0]?.commits ?? NaN), rowsWritten: Number(rows[0]?.written ?? NaN) };
  } finally {
    await client.end();
  }
}

/**
 * The counters once the engine's backends have flushed theirs: a backend reports its
 * statistics when it goes idle, at most every second, else within 10 s (PostgreSQL 15's
 * PGSTAT_IDLE_INTERVAL); pg_stat_force_next_flush() only flushes the caller's own.
 * Waits 11 s, then until two reads a second apart agree.
 */
async function settledPgCounters(serverUrl: string, dbName: string): Promise<PgCounters> {
  await settle(11_000);
  let last = await pgCounters(serverUrl, dbName);
  for (let i = 0; i < 10; i++) {
    await settle(1_000);
    const next = await pgCounters(serverUrl, dbName);
    if (next.commits === last.commits && next.rowsWritten === last.rowsWritten) return next;
    last = next;
  }
  return last;
}

async function redisCommands(redis: PrivateRedis): Promise<number> {
  const info = await redis.admin.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? NaN);
}

async function startEngine(env: Record<string, string>, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(path.join(ROOT, 'dist/main.js'))) throw new Error('no dist/main.js: run `npm run build` first');
  const port = await freePort();
  // e.g. BENCH_ENGINE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to see where the engine's CPU goes.
  // As the Dockerfile's CMD runs it, plus whatever the run adds (e.g. --cpu-prof).
  const nodeArgs = [...productionNodeArgs(ROOT), ...(process.env.BENCH_ENGINE_NODE_ARGS?.trim().split(/\s+/) ?? [])];
  const child = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
    cwd: ROOT,
    env: { ...process.env, ...productionAllocatorEnv(ROOT), ...env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(path.join(dataDir, 'engine.log'));
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the engine exited at start; see ${dataDir}/engine.log`);
    const checks = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.json() as Promise<{ checks?: { ari?: boolean } }>)
      .catch(() => ({}) as { checks?: { ari?: boolean } });
    if (checks.checks?.ari === true) return { child, url };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the engine did not connect to ARI within 120 s; see ${dataDir}/engine.log`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The warm-up calls, at the measured calls' pace: `placed` settles when the last one is
 * placed, and the measured calls follow at once, with no pause between. A pause of a few
 * seconds lets V8's memory reducer run a full collection that throws away optimised code
 * (traced: ~20 hot functions deoptimised, "weak objects"), and the measured calls would
 * pay for compiling them again. Warm-up calls still on the line when the measured ones
 * start do the rest of their work inside the measured window: that errs against the app.
 */
function warmUp(observer: Observer, label: string): { placed: Promise<void>; results: Promise<CallResult[]> } {
  if (WARMUP_CALLS === 0) return { placed: Promise.resolve(), results: Promise.resolve([]) };
  return observer.start(`${label}-warmup`, WARMUP_CALLS, (RAMP_MS * WARMUP_CALLS) / CALLS);
}

/** The warm-up's failures and slow reactions, added to the phase's figures. */
async function addWarmup(figures: Figures, warmup: Promise<CallResult[]>): Promise<void> {
  const results = await warmup;
  figures.warmupFailed = results.filter((r) => r.failure !== null).length;
  figures.slow.push(...slowReactions(results, ' (warm-up)'));
}

/** RSS every tenth of the ramp while `running` is pending: a leak shows as a slope. */
async function rssAlong(pid: number, running: Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  let done = false;
  void running.finally(() => (done = true));
  while (!done) {
    samples.push(rssMb(pid));
    await Promise.race([settle(RAMP_MS / 10), running.catch(() => undefined)]);
  }
  samples.push(rssMb(pid));
  return samples;
}

/**
 * `BENCH_CPU_ALONG=1`: a process's CPU in each second of the run and of the 2 s after it
 * (ms per second), to see where a run's cost lies: a start-up or tail cost shows at an end.
 */
const CPU_ALONG = process.env.BENCH_CPU_ALONG === '1';

/** The process's CPU (ms) in every second of the run, then 2 s more. */
async function cpuAlong(pid: number, running: Promise<unknown>): Promise<number[]> {
  let done: number | null = null;
  void running.finally(() => (done = Date.now()));
  const [rates] = await cpuEverySecond([() => cpuSeconds(pid)], () => done === null || Date.now() - done < 2_000);
  return rates!.map((perMs) => perMs * 1_000_000);
}

// ─── figures ──────────────────────────────────────────────────────────────────────

interface Figures {
  label: string;
  p50: number;
  p99: number;
  max: number;
  ok: number;
  failed: number;
  failures: Map<string, number>;
  /** Calls, measured or warm-up, whose reaction took SLOW_REACTION_MS or more. */
  slow: string[];
  cpuPerCallMs?: number;
  cpuRunSeconds?: number;
  cpuIdleSeconds?: number;
  warmupFailed?: number;
  rssBeforeMb?: number;
  rssAlongMb?: number[];
  cpuAlongMs?: number[];
  rssAfterMb?: number;
  asteriskCpuPerCallMs?: number;
  asteriskRunSeconds?: number;
  asteriskIdleSeconds?: number;
  pgCommitsPerCall?: number;
  /** The run's CPU per call on the main thread (the event loop), idle included. */
  mainThreadPerCallMs?: number;
  /** … and on the other threads but PGlite's (V8's compiler and garbage collector, libuv's pool). */
  otherThreadsPerCallMs?: number;
  /** Of the app's CPU per call, the embedded database's thread (PGlite only). */
  dbThreadCpuPerCallMs?: number;
  pgRowsPerCall?: number;
  pgCommits?: number;
  pgRows?: number;
  redisCommandsPerCall?: number;
  redisCommands?: number;
  redisIdlePerSecond?: number;
}

/** Asterisk's CPU over a phase's calls, per call. */
function setAsteriskCpu(target: Figures, cpu: { runSeconds: number; idleSeconds: number } | null): void {
  if (!cpu) return;
  target.asteriskRunSeconds = cpu.runSeconds;
  target.asteriskIdleSeconds = cpu.idleSeconds;
  target.asteriskCpuPerCallMs = ((cpu.runSeconds - cpu.idleSeconds) * 1000) / CALLS;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function figures(label: string, results: CallResult[]): Figures {
  const reactions = results.flatMap((r) => (r.reactionMs === null ? [] : [r.reactionMs])).sort((a, b) => a - b);
  const failures = new Map<string, number>();
  for (const r of results) if (r.failure) failures.set(r.failure, (failures.get(r.failure) ?? 0) + 1);
  return {
    label,
    p50: quantile(reactions, 0.5),
    p99: quantile(reactions, 0.99),
    max: reactions.at(-1) ?? NaN,
    ok: reactions.length,
    failed: results.length - reactions.length,
    failures,
    slow: slowReactions(results, ''),
  };
}

/** Calls whose reaction took SLOW_REACTION_MS or more, as "channel N ms" and `note`. */
function slowReactions(results: CallResult[], note: string): string[] {
  return results.filter((r) => r.reactionMs !== null && r.reactionMs >= SLOW_REACTION_MS).map((r) => `${r.channel} ${r.reactionMs} ms${note}`);
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const observer = await Observer.connect();
  if (await observer.hotlineAppConnected()) {
    observer.close();
    throw new Error(`another "${HOTLINE_APP}" app is connected to Asterisk; run this under the lock with nothing else on the sandbox`);
  }
  const all: Figures[] = [];
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  const hold = HOLD_MS > 0 ? `, on for ${HOLD_MS} ms after the reaction` : '';
  const warm = WARMUP_CALLS > 0 ? `, after ${WARMUP_CALLS} warm-up calls per phase` : ', cold (no warm-up calls)';
  console.log(`bench:calls: ${CALLS} calls over ${RAMP_MS / 1000} s, key 1 at ${BARGE_MS} ms into the welcome${hold}${warm}; ${machine}`);

  const astPid = asteriskPid();
  if (astPid === null) console.log('the sandbox asterisk process was not found: no Asterisk CPU figures (set BENCH_ASTERISK_PID)');

  // 1. the floor
  const floor = spawn(process.execPath, ['--import', 'tsx', SELF, '--floor'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await once(floor, 'message');
  // Idle rates first: the warm-up calls lead straight into the measured ones.
  const [astIdleSlices, floorIdleSlices] = await idleRates([() => (astPid === null ? 0 : cpuSeconds(astPid)), () => cpuSeconds(floor.pid!)], RAMP_MS / 2);
  const floorWarmup = warmUp(observer, 'floor');
  await floorWarmup.placed;
  const floorAsterisk = astPid === null ? null : new CpuOverRun(astPid, idleRate(astIdleSlices!));
  // The floor's own CPU: what the same events and ARI requests cost a bare app, no database.
  const floorCpu = new CpuOverRun(floor.pid!, idleRate(floorIdleSlices!));
  const floorRunning = observer.run('floor');
  const floorCpuAlong = CPU_ALONG ? cpuAlong(floor.pid!, floorRunning) : undefined;
  const floorFigures = figures('bare ari-client app (floor)', await floorRunning);
  floorFigures.cpuAlongMs = await floorCpuAlong;
  await settle(2_000); // as for the engine: the hang-ups' work belongs to the calls
  const floorUsed = floorCpu.done();
  floorFigures.cpuRunSeconds = floorUsed.runSeconds;
  floorFigures.cpuIdleSeconds = floorUsed.idleSeconds;
  floorFigures.cpuPerCallMs = ((floorUsed.runSeconds - floorUsed.idleSeconds) * 1000) / CALLS;
  await addWarmup(floorFigures, floorWarmup.results);
  setAsteriskCpu(floorFigures, floorAsterisk?.done() ?? null);
  all.push(floorFigures);
  floor.kill('SIGTERM');
  await once(floor, 'exit');
  // Two apps of one name split Asterisk's events between them: the engine must be alone.
  for (let waited = 0; await observer.hotlineAppConnected(); waited += 1_000) {
    if (waited >= 30_000) throw new Error(`a "${HOTLINE_APP}" app is still connected after the floor stopped`);
    await settle(1_000);
  }

  // 2. the engine
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hotline-bench-calls-'));
  const serverUrl = process.env.BENCH_DATABASE_URL?.trim();
  const dbName = `hotline_bench_calls_${randomBytes(4).toString('hex')}`;
  let databaseUrl: string | undefined;
  if (serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const storage = databaseUrl ? 'PostgreSQL' : 'PGlite';
  // A Redis of the run's own, so that its command count is the engine's alone.
  const redis = await startPrivateRedis(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
  try {
    const { child } = await startEngine(
      {
        DATABASE_URL: databaseUrl ?? '',
        QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
        REDIS_URL: redis.url,
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      },
      dataDir,
    );
    const pid = child.pid!;
    await settle(5_000); // start-up work (migrations, first sweeps) is not the calls'
    // Idle rates first: the warm-up calls lead straight into the measured ones.
    const redisIdleFrom = await redisCommands(redis);
    const idleStart = Date.now();
    const [idleBefore, dbIdle, astIdle] = await idleRates(
      [() => cpuSeconds(pid), () => threadCpuSeconds(pid, 'pglite'), () => (astPid === null ? 0 : cpuSeconds(astPid))],
      RAMP_MS / 2,
    );
    const idleMs = Date.now() - idleStart;
    const dbIdlePerMs = idleRate(dbIdle!);
    // One INFO of ours at each end: not the engine's.
    const redisIdlePerMs = ((await redisCommands(redis)) - redisIdleFrom - 1) / idleMs;

    // The database and Redis work is counted over the warm-up and the measured calls
    // together: PostgreSQL's counters lag by up to a second under load, so no read between
    // the two would be exact, and a call's writes do not depend on how warm the code is.
    const pgBefore = databaseUrl && serverUrl ? await pgCounters(serverUrl, dbName) : null;
    const redisFrom = await redisCommands(redis);
    const countedStart = Date.now();
    const warmup = warmUp(observer, 'engine');
    await warmup.placed;
    const rssBeforeMb = rssMb(pid);
    const engineAsterisk = astPid === null ? null : new CpuOverRun(astPid, idleRate(astIdle!));
    const runFrom = cpuSeconds(pid);
    const mainRunFrom = taskSeconds(pid, String(pid));
    const dbRunFrom = threadCpuSeconds(pid, 'pglite');
    const runStart = Date.now();
    const running = observer.run('engine');
    const along = rssAlong(pid, running);
    const engineCpuAlong = CPU_ALONG ? cpuAlong(pid, running) : undefined;
    const results = await running;
    await settle(2_000); // the hang-ups' own work (call rows) belongs to the calls
    const runMs = Date.now() - runStart;
    const cpuRunSeconds = cpuSeconds(pid) - runFrom;
    const dbRunSeconds = threadCpuSeconds(pid, 'pglite') - dbRunFrom;
    const mainRunSeconds = taskSeconds(pid, String(pid)) - mainRunFrom;
    const engineAsteriskCpu = engineAsterisk?.done() ?? null;
    const redisRun = (await redisCommands(redis)) - redisFrom - 1;
    const countedMs = Date.now() - countedStart;
    // Idle again after the run, as long as before: the median of both windows' seconds.
    const [idleAfter] = await idleRates([() => cpuSeconds(pid)], idleMs);
    const cpuIdleSeconds = idleRate(idleBefore!, idleAfter!) * runMs;
    const engine = figures(`engine on ${storage} (${[...Object.entries(productionAllocatorEnv(ROOT)).map(([key, value]) => `${key}=${value}`), 'node', ...productionNodeArgs(ROOT), 'dist/main.js'].join(' ')})`, results);
    engine.cpuRunSeconds = cpuRunSeconds;
    engine.cpuIdleSeconds = cpuIdleSeconds;
    engine.cpuPerCallMs = ((cpuRunSeconds - cpuIdleSeconds) * 1000) / CALLS;
    engine.mainThreadPerCallMs = (mainRunSeconds * 1000) / CALLS;
    engine.otherThreadsPerCallMs = ((cpuRunSeconds - mainRunSeconds - (databaseUrl ? 0 : dbRunSeconds)) * 1000) / CALLS;
    // PGlite runs inside the engine's process: its thread's share, as a PostgreSQL
    // server's CPU is apart from the engine's (the idle rate before the run only).
    if (!databaseUrl) engine.dbThreadCpuPerCallMs = ((dbRunSeconds - dbIdlePerMs * runMs) * 1000) / CALLS;
    engine.rssBeforeMb = rssBeforeMb;
    engine.rssAfterMb = rssMb(pid);
    engine.rssAlongMb = await along;
    engine.cpuAlongMs = await engineCpuAlong;
    await addWarmup(engine, warmup.results);
    setAsteriskCpu(engine, engineAsteriskCpu);
    engine.redisCommands = redisRun;
    engine.redisIdlePerSecond = redisIdlePerMs * 1000;
    engine.redisCommandsPerCall = (redisRun - redisIdlePerMs * countedMs) / (WARMUP_CALLS + CALLS);
    if (pgBefore && serverUrl) {
      // The counters before the calls may still miss some of the start-up's writes (flushed
      // within 10 s): they then count here, an overestimate of a few rows at most.
      const pgAfter = await settledPgCounters(serverUrl, dbName);
      engine.pgCommits = pgAfter.commits - pgBefore.commits;
      engine.pgRows = pgAfter.rowsWritten - pgBefore.rowsWritten;
      engine.pgCommitsPerCall = engine.pgCommits / (WARMUP_CALLS + CALLS);
      engine.pgRowsPerCall = engine.pgRows / (WARMUP_CALLS + CALLS);
    }
    all.push(engine);
    await stop(child);
  } finally {
    observer.close();
    await redis.stop();
    if (databaseUrl && serverUrl) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
    if (process.env.BENCH_KEEP_LOGS) console.log(`engine log kept in ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  }

  const f = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
  console.log(`\n| ${CALLS} calls / ${RAMP_MS / 1000} s, barge-in | reaction p50 | p99 | max | ok | failed | app CPU per call | RSS before → after |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of all) {
    const cpu = r.cpuPerCallMs === undefined ? '—' : `${f(r.cpuPerCallMs, 2)} ms (${f(r.cpuRunSeconds, 1)} s in the run, ${f(r.cpuIdleSeconds, 1)} s idle)`;
    const rss = r.rssAfterMb === undefined ? '—' : `${f(r.rssBeforeMb)} → ${f(r.rssAfterMb)} MB`;
    console.log(`| ${r.label} | ${f(r.p50)} ms | ${f(r.p99)} ms | ${f(r.max)} ms | ${r.ok} | ${r.failed} | ${cpu} | ${rss} |`);
  }
  for (const r of all) for (const [why, n] of r.failures) console.log(`  ${r.label}: ${n} × ${why}`);
  for (const r of all) if (r.warmupFailed) console.log(`  ${r.label}: ${r.warmupFailed} of ${WARMUP_CALLS} warm-up calls failed`);
  for (const r of all) if (r.slow.length > 0) console.log(`  ${r.label}: reactions of ${SLOW_REACTION_MS} ms or more: ${r.slow.join(', ')}`);
  for (const r of all) if (r.cpuAlongMs) console.log(`  ${r.label}: CPU along the run (ms in each second, the run then 2 s more): ${r.cpuAlongMs.map((ms) => ms.toFixed(0)).join(' ')}`);
  for (const r of all) {
    if (r.mainThreadPerCallMs === undefined) continue;
    console.log(`  ${r.label}: the run's CPU per call by thread (idle not taken out): main thread ${f(r.mainThreadPerCallMs, 2)} ms, V8's and libuv's threads ${f(r.otherThreadsPerCallMs, 2)} ms${r.dbThreadCpuPerCallMs === undefined ? '' : ', PGlite\'s as above'}`);
  }
  for (const r of all) if (r.rssAlongMb) console.log(`  ${r.label}: RSS along the run (MB, every ${RAMP_MS / 10_000} s): ${r.rssAlongMb.map((mb) => mb.toFixed(0)).join(' → ')}`);

  const counted = WARMUP_CALLS > 0 ? `; commits, rows and commands over the ${WARMUP_CALLS + CALLS} with the warm-up` : '';
  console.log(`\n| per call (${CALLS} calls${counted}) | Asterisk CPU | app CPU | PostgreSQL commits | rows written | Redis commands |`);
  console.log('|---|---|---|---|---|---|');
  for (const r of all) {
    const ast =
      r.asteriskCpuPerCallMs === undefined
        ? '—'
        : `${f(r.asteriskCpuPerCallMs, 2)} ms (${f(r.asteriskRunSeconds, 1)} s in the run, ${f(r.asteriskIdleSeconds, 1)} s idle)`;
    const eng =
      r.cpuPerCallMs === undefined
        ? '—'
        : r.dbThreadCpuPerCallMs === undefined
          ? `${f(r.cpuPerCallMs, 2)} ms`
          : `${f(r.cpuPerCallMs, 2)} ms, of which the PGlite thread ${f(r.dbThreadCpuPerCallMs, 2)} ms, the rest ${f(r.cpuPerCallMs - r.dbThreadCpuPerCallMs, 2)} ms`;
    const commits = r.pgCommitsPerCall === undefined ? '—' : `${f(r.pgCommitsPerCall, 2)} (${r.pgCommits})`;
    const rows = r.pgRowsPerCall === undefined ? '—' : `${f(r.pgRowsPerCall, 2)} (${r.pgRows})`;
    const cmds =
      r.redisCommandsPerCall === undefined
        ? '—'
        : `${f(r.redisCommandsPerCall, 1)} (${r.redisCommands} in the run, idle ${f(r.redisIdlePerSecond, 1)}/s)`;
    console.log(`| ${r.label} | ${ast} | ${eng} | ${commits} | ${rows} | ${cmds} |`);
  }
  const [floorResult, engineFigures] = all;
  if (floorResult && engineFigures) {
    console.log(`\nengine p99 / floor p99 = ${f(engineFigures.p99 / floorResult.p99, 2)} (target ≤ 2)`);
  }
  if (all.some((r) => r.failed > 0 || (r.warmupFailed ?? 0) > 0)) process.exitCode = 1;
}

if (process.argv.includes('--floor')) {
  void runFloor();
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
