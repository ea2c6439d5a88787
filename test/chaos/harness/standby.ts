import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosBed } from './chaos-bed.js';
import type { EngineProcess } from './engine-process.js';
import { reportFigures } from './figures.js';
import { eventTime, longestSilenceMs } from './silence.js';
import { callersInMenu, hangUp, step, type Caller } from './voicebox-caller.js';
import { randomMobile } from '../../helpers/call-rows.js';
import type { AriEvent } from '../../helpers/citizen.js';

/**
 * Issue 17's standby pair on the sandbox: two engines on one database and Redis, the ARI
 * lease deciding which drives the calls. Shared by the short e2e test and the long chaos
 * scenario (100 callers, 5 calls/s).
 */
export const STANDBY_ENV = { STANDBY_ENABLED: 'true', LEASE_TTL_MS: '1500' };

export interface Lease {
  enabled: boolean;
  holder: boolean;
  instanceId: string | null;
  token: number | null;
}

export async function leaseOf(engine: EngineProcess): Promise<Lease> {
  const res = await fetch(`${engine.url}/api/health`, { signal: AbortSignal.timeout(2_000) });
  return ((await res.json()) as { lease: Lease }).lease;
}

/** Waits (up to `ms`) until exactly one of `engines` holds the lease; returns it. */
export async function holderAmong(engines: EngineProcess[], ms = 10_000): Promise<EngineProcess> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = engines.filter((e) => e.running);
    const leases = await Promise.all(alive.map((e) => leaseOf(e).catch(() => null)));
    const holders = alive.filter((_, i) => leases[i]?.holder);
    if (holders.length === 1) return holders[0]!;
    if (Date.now() > deadline) throw new Error(`${holders.length} holders of the ARI lease after ${ms} ms`);
    await sleep(100);
  }
}

const SOUNDS = path.resolve(import.meta.dirname, '../../../sounds/fa');
const promptLengths = new Map<string, number>();

/** How long a prompt (`sound:<id>`) plays: its WAV's data over its byte rate; 0 when unknown. */
export function promptMs(media: string | undefined): number {
  const id = media?.startsWith('sound:') ? media.slice('sound:'.length) : undefined;
  if (!id) return 0;
  let ms = promptLengths.get(id);
  if (ms === undefined) {
    try {
      const file = path.join(SOUNDS, `${id}.wav`);
      const byteRate = readFileSync(file).readUInt32LE(28);
      ms = Math.round(((statSync(file).size - 44) / byteRate) * 1000);
    } catch {
      ms = 0;
    }
    promptLengths.set(id, ms);
  }
  return ms;
}

export interface TakeoverFigures {
  callers: number;
  /** Callers who heard a prompt of the new holder after the kill. */
  resumed: number;
  /** The longest a caller went without sound after the kill (or after the prompt the dead engine had started). */
  longestSilenceMs: number;
  problems: string[];
}

/**
 * `n` callers wait in the IVR's main menu; the lease holder is SIGKILLed; each caller must
 * hear a prompt of the other engine. Silence counts from the kill, or from the end of the
 * prompt the dead engine had started when Asterisk played it out later.
 */
export async function killHolderWithCallers(
  bed: ChaosBed,
  holder: EngineProcess,
  standbys: EngineProcess[],
  n: number,
): Promise<TakeoverFigures & { waiting: Caller[]; /** From the kill to another engine reporting itself the holder. */ takeoverMs: number }> {
  const waiting = await callersInMenu(bed, n);
  // The kill lands in the callers' turn (the menu said, their key awaited), where a late
  // takeover would be heard as silence, not under a prompt that hides it.
  await atMenuKey(waiting);
  const killedAt = Date.now();
  await holder.signal('SIGKILL');
  const takeover = holderAmong(standbys, 30_000).then(() => Date.now() - killedAt);
  const silences = await resumedSilences(waiting, killedAt);
  const problems = waiting.flatMap((c) => (c.stuck ? [c.stuck] : []));
  return { callers: n, resumed: silences.length, longestSilenceMs: Math.max(0, ...silences), problems, waiting, takeoverMs: await takeover };
}

/** The callers' turn in the main menu: its prompt ended, their key awaited (where a late takeover is heard as silence). */
async function atMenuKey(waiting: Caller[]): Promise<void> {
  await Promise.all(
    waiting.map((caller) =>
      step(caller, (call) =>
        call
          .waitFor((e) => e.type === 'PlaybackFinished' && e.playback?.target_uri === `channel:${call.hotlineId}` && e.playback.media_uri === 'sound:main-menu', 20_000)
          .then(() => undefined),
      ),
    ),
  );
}

/**
 * For each caller, the silence until the first prompt started after `since` (the holder's
 * death or freeze), resumed by the other engine. Silence counts from `since`, or from the
 * end of the prompt the old holder had started when Asterisk played it out later.
 */
async function resumedSilences(waiting: Caller[], since: number): Promise<number[]> {
  const silences: number[] = [];
  await Promise.all(
    waiting.map((caller) =>
      step(caller, async (call) => {
        const mine = `channel:${call.hotlineId}`;
        const heard = await call.waitFor((e) => e.type === 'PlaybackStarted' && e.playback?.target_uri === mine && eventTime(e) > since, 20_000, true);
        // Asterisk plays out the prompt the old holder started, and the new holder's first
        // prompt waits behind it; that prompt's PlaybackFinished goes to nobody, so its end
        // is its start plus the length of its file.
        const before = call.log.slice(0, call.log.indexOf(heard));
        const lastPromptEnd = before
          .map((e) => (e.type === 'PlaybackFinished' ? eventTime(e) : e.type === 'PlaybackStarted' ? eventTime(e) + promptMs(e.playback?.media_uri) : 0))
          .reduce((a, b) => Math.max(a, b), 0);
        silences.push(eventTime(heard) - Math.max(since, lastPromptEnd));
      }),
    ),
  );
  return silences;
}

export interface LeaseLostFigures extends TakeoverFigures {
  waiting: Caller[];
  /** From the freeze to another engine reporting itself the holder. */
  takeoverMs: number;
  /** When the old holder was frozen (SIGSTOP) and woken (SIGCONT), and when it logged 'ARI lease lost' (its own clock). */
  frozenAt: number;
  wokeAt: number;
  lostAt: number;
  /** The reason it logged. */
  lostReason: string;
}

/**
 * `n` callers wait at the main menu's key; the lease holder is frozen (SIGSTOP) for
 * `freezeMs`, longer than the lease's TTL, so another engine takes the lease and resumes
 * them; then it is woken (SIGCONT) and must find out at once that it lost the lease.
 */
export async function freezeHolderWithCallers(
  bed: ChaosBed,
  holder: EngineProcess,
  standbys: EngineProcess[],
  n: number,
  freezeMs: number,
): Promise<LeaseLostFigures> {
  const waiting = await callersInMenu(bed, n);
  await atMenuKey(waiting);
  const frozenAt = Date.now();
  process.kill(holder.pid, 'SIGSTOP');
  let wokeAt = 0;
  try {
    const takeover = holderAmong(standbys, 30_000).then(() => Date.now() - frozenAt);
    const silences = await resumedSilences(waiting, frozenAt);
    const takeoverMs = await takeover;
    // The fault's length is the scenario's: the old holder sleeps through it.
    await sleep(Math.max(0, frozenAt + freezeMs - Date.now()));
    wokeAt = Date.now();
    process.kill(holder.pid, 'SIGCONT');
    const lost = await logLine(holder, (line) => line.msg === 'ARI lease lost', 10_000);
    const problems = waiting.flatMap((c) => (c.stuck ? [c.stuck] : []));
    return {
      callers: n,
      resumed: silences.length,
      longestSilenceMs: Math.max(0, ...silences),
      problems,
      waiting,
      takeoverMs,
      frozenAt,
      wokeAt,
      lostAt: Number(lost.time),
      lostReason: String(lost.reason),
    };
  } finally {
    if (wokeAt === 0) process.kill(holder.pid, 'SIGCONT');
  }
}

/** The first JSON line of the engine's log matching `where`, waited for up to `ms`. */
export async function logLine(engine: EngineProcess, where: (line: Record<string, unknown>) => boolean, ms: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = readFileSync(engine.logFile, 'utf8')
      .split('\n')
      .flatMap((text) => {
        try {
          return [JSON.parse(text) as Record<string, unknown>];
        } catch {
          return [];
        }
      })
      .find(where);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such line in ${engine.logFile} within ${ms} ms`);
    await sleep(100);
  }
}

/** Prints (and records for the scale) the figures of a holder that lost its lease while frozen. */
export function reportLeaseLost(figures: LeaseLostFigures, freezeMs: number, scale: string): void {
  reportFigures(
    {
      scenario: `standby: holder frozen ${(freezeMs / 1000).toFixed(1)} s (lease lost) with ${figures.callers} callers in the IVR`,
      calls: figures.callers,
      messages: 0,
      kept: 0,
      longestSilenceMs: figures.longestSilenceMs,
      extra: `resumed ${figures.resumed}/${figures.callers}  lease taken over ${(figures.takeoverMs / 1000).toFixed(1)} s after the freeze  old holder knew ${figures.lostAt - figures.wokeAt} ms after waking (${figures.lostReason})`,
    },
    scale,
  );
}

export interface SteadyCallsFigures {
  calls: number;
  /** Calls that never heard the IVR's main menu, or were dropped without it. */
  failed: number;
  /** Calls the dialplan fallback served instead of the IVR (no engine owned the app for a moment). */
  fallback: number;
  /** The longest silence of any call, up to its main menu. */
  longestSilenceMs: number;
  problems: string[];
}

/**
 * Calls arriving at `perSecond` for `seconds`: each dials, waits for the main menu, then
 * hangs up. `during` runs meanwhile (the rolling restart). A call fails when it never
 * hears the main menu (the IVR's or, in office hours, nothing at all) within 20 s.
 */
export async function steadyCalls(
  bed: ChaosBed,
  opts: { perSecond: number; seconds: number },
  during: () => Promise<void>,
): Promise<SteadyCallsFigures> {
  const results: Array<Promise<{ ok: boolean; fallback: boolean; silenceMs: number; problem?: string }>> = [];
  const one = async () => {
    const phone = randomMobile('0912');
    let call;
    try {
      call = await bed.line.dial(phone);
    } catch (err) {
      return { ok: false, fallback: false, silenceMs: 0, problem: `${phone}: dial failed: ${(err as Error).message}` };
    }
    const fellBack = (e: AriEvent) =>
      e.type === 'ChannelDialplan' && (e.channel as { dialplan?: { context?: string } } | undefined)?.dialplan?.context === 'hotline-fallback';
    try {
      const menu = await call.waitForPrompt('main-menu', 20_000);
      const silenceMs = longestSilenceMs(call, { until: eventTime(menu) });
      return { ok: true, fallback: false, silenceMs };
    } catch (err) {
      const fallback = call.log.some(fellBack);
      return { ok: fallback, fallback, silenceMs: 0, ...(fallback ? {} : { problem: `${phone}: ${(err as Error).message}` }) };
    } finally {
      await call.hangup().catch(() => undefined);
      await call.waitForHotlineHangup(20_000).catch(() => undefined);
      call.dispose();
    }
  };
  const total = Math.round(opts.perSecond * opts.seconds);
  const start = Date.now();
  const placing = (async () => {
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / opts.perSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      results.push(one());
    }
  })();
  await Promise.all([placing, during()]);
  const done = await Promise.all(results);
  return {
    calls: done.length,
    failed: done.filter((r) => !r.ok).length,
    fallback: done.filter((r) => r.fallback).length,
    longestSilenceMs: Math.max(0, ...done.map((r) => r.silenceMs)),
    problems: done.flatMap((r) => (r.problem ? [r.problem] : [])),
  };
}

/** Prints (and records for the scale) the figures of a SIGKILL of the holder. */
export function reportTakeover(figures: TakeoverFigures & { takeoverMs: number }, scale: string): void {
  reportFigures(
    {
      scenario: `standby: SIGKILL of the holder with ${figures.callers} callers in the IVR`,
      calls: figures.callers,
      messages: 0,
      kept: 0,
      longestSilenceMs: figures.longestSilenceMs,
      extra: `resumed ${figures.resumed}/${figures.callers}  lease taken over ${(figures.takeoverMs / 1000).toFixed(1)} s after the kill`,
    },
    scale,
  );
}

/** Prints (and records for the scale) the figures of a rolling restart, `how` naming it. */
export function reportRollingRestart(how: string, figures: SteadyCallsFigures, scale: string): void {
  reportFigures(
    {
      scenario: `standby: rolling restart ${how}`,
      calls: figures.calls,
      messages: 0,
      kept: 0,
      longestSilenceMs: figures.longestSilenceMs,
      extra: `failed ${figures.failed}, served by the dialplan fallback ${figures.fallback}`,
    },
    scale,
  );
}

export { hangUp };
