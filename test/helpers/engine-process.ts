import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestPostgresDatabase } from './database.js';

export interface EngineProcess {
  child: ChildProcess;
  /** http://host:port of its API, as it printed it. */
  url: string;
  /** Everything it wrote (stdout and stderr), for a failing test's message. */
  output: () => string;
  /** Resolves when the process has exited, with how long after `since` (ms). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Kills it if still running, drops its data folder and database. */
  cleanup: () => Promise<void>;
}

/** Where the engine announces itself (src/main.ts). */
const UP_LINE = /hotline-137 API:\s+(http:\/\/\S+?)\/api\/health/;

/** A data folder and database an engine restarts on (the test creates and drops them). */
export interface EngineState {
  dataDir: string;
  databaseUrl: string;
}

/**
 * Runs the engine as its own OS process (`node <args>`: the built dist/main.js, or the
 * sources through tsx), on a private port, data folder, database and BullMQ prefix.
 * Resolves once it has printed its URL. `env` overrides the test environment (e.g.
 * ARI_URL to keep it away from the shared Asterisk; DATABASE_URL '' for PGlite in its
 * data folder). With `state`, it runs on that data
 * folder and database (a restart after a kill) and its cleanup leaves them.
 */
export async function spawnEngine(args: string[], env: Record<string, string> = {}, state?: EngineState): Promise<EngineProcess> {
  const dataDir = state?.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'hotline-proc-')));
  const database = state ? { url: state.databaseUrl, drop: async () => undefined } : await createTestPostgresDatabase();
  const child = spawn(process.execPath, args, {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      QUEUE_PREFIX: `hotline-test-${path.basename(dataDir)}`,
      DATABASE_URL: database.url,
      ...env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = UP_LINE.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(({ code, signal }) => reject(new Error(`engine exited (${code ?? signal}) before it was up:\n${output}`)));
  });
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await database.drop();
    if (!state) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    return { child, url: await url, output: () => output, exited, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Resolves with the first line the engine wrote (or writes) that matches `pattern`. */
export function outputLine(engine: EngineProcess, pattern: RegExp): Promise<string> {
  const find = () => engine.output().split('\n').find((line) => pattern.test(line));
  const now = find();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const onData = () => {
      const line = find();
      if (line === undefined) return;
      stop();
      resolve(line);
    };
    const onExit = () => {
      stop();
      reject(new Error(`engine exited before writing ${pattern}:\n${engine.output()}`));
    };
    const stop = () => {
      engine.child.stdout?.off('data', onData);
      engine.child.stderr?.off('data', onData);
      engine.child.off('exit', onExit);
    };
    engine.child.stdout?.on('data', onData);
    engine.child.stderr?.on('data', onData);
    engine.child.once('exit', onExit);
  });
}

/** Addresses where nothing listens: an engine pointed there leaves the shared Asterisk alone. */
export const NO_ASTERISK = { ARI_URL: 'http://127.0.0.1:9', AMI_HOST: '127.0.0.1', AMI_PORT: '9' } as const;

/**
 * Polls /api/health until every check is up (the engine has no event to await from
 * another process), or fails with the last answer after `timeoutMs`.
 */
export async function waitHealthy(url: string, timeoutMs: number, expected = true): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    const res = await fetch(`${url}/api/health`).catch((err: Error) => err);
    if (!(res instanceof Error)) {
      last = await res.text();
      if (res.ok === expected) return;
    } else last = res.message;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`health did not become ${expected ? 'ok' : 'degraded'} within ${timeoutMs} ms: ${last}`);
}
