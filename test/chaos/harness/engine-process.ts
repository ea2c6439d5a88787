import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports.js';

const REPO = path.resolve(import.meta.dirname, '../../..');

/**
 * How the engine is started: `dist` is the production form (`node dist/main.js` after
 * `npm run build`, the Dockerfile's CMD); `tsx` runs the sources (CHAOS_ENGINE_FORM=tsx).
 */
export const ENGINE_FORM = process.env.CHAOS_ENGINE_FORM === 'tsx' ? 'tsx' : 'dist';

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the signal to the process' exit. */
  afterMs: number;
}

/**
 * The engine as a real child process — what an orchestrator runs — so a scenario can
 * SIGKILL or SIGTERM it. Its log goes to `<dataDir>/engine-<n>.log`.
 */
export class EngineProcess {
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** When /api/health first reported ARI connected. */
  readyAt = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly logFile: string,
  ) {
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  }

  static async start(env: Record<string, string>, dataDir: string, run: number): Promise<EngineProcess> {
    if (ENGINE_FORM === 'dist' && !existsSync(path.join(REPO, 'dist/main.js'))) {
      throw new Error('no dist/main.js: run `npm run build` first (or CHAOS_ENGINE_FORM=tsx)');
    }
    const port = await freePort();
    const args = ENGINE_FORM === 'dist' ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
    const child = spawn(process.execPath, args, {
      cwd: REPO,
      env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logFile = path.join(dataDir, `engine-${run}.log`);
    const log = createWriteStream(logFile);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const engine = new EngineProcess(child, `http://127.0.0.1:${port}`, logFile);
    let died = false;
    void engine.exited.then(() => (died = true));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (died) throw new Error(`the engine exited at start; see ${logFile}`);
      if ((await engine.health().catch(() => ({}) as Record<string, unknown>)).ari === true) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the engine did not connect to ARI within 60 s; see ${logFile}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    engine.readyAt = Date.now();
    return engine;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async health(): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2_000) });
    return ((await res.json()) as { checks: Record<string, unknown> }).checks;
  }

  /** An authenticated API call as the administrator. */
  async api(method: string, route: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  }

  /** Sends `signal` and waits (at most `timeoutMs`) for the exit; SIGKILLs a process that outlives it. */
  async signal(signal: NodeJS.Signals, timeoutMs = 60_000): Promise<EngineExit> {
    const sentAt = Date.now();
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const { code, signal: by } = await this.exited;
    clearTimeout(timer);
    return { code, signal: by, afterMs: Date.now() - sentAt };
  }

  async dispose(): Promise<void> {
    if (this.running) await this.signal('SIGKILL');
  }
}
