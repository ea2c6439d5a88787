import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../../src/adapters/db/database.js';
import { createRepositories } from '../../../src/adapters/db/repositories.js';
import { CitizenLine } from '../../helpers/citizen.js';
import { AriProxy } from './ari-proxy.js';
import { EngineProcess } from './engine-process.js';
import { PrivatePostgres } from './private-postgres.js';
import { PrivateRedis } from './private-redis.js';

/** `long` is `npm run chaos` (100 callers, a 60 s database outage…); `short` runs inside `npm test`. */
const LOGS = path.resolve(import.meta.dirname, '../../../test-results/chaos-logs');

export const SCALE = process.env.CHAOS_SCALE === 'long' ? 'long' : 'short';

/**
 * Everything one fault scenario runs on: the engine as a child process, a PostgreSQL and
 * a Redis of its own (which it may stop, freeze, restart, flush), a proxy in front of
 * the shared Asterisk's ARI (which it may cut), a citizen line into the sandbox, and
 * repositories on the engine's database to count what was kept. The engine's data
 * folder and queue prefix survive restarts: a restarted engine is the same installation.
 */
export class ChaosBed {
  engine!: EngineProcess;
  /** Windows [from, to] in which no engine process was serving. */
  readonly down: Array<[number, number]> = [];
  private runs = 0;
  private checkDb: Database | null = null;

  private constructor(
    readonly postgres: PrivatePostgres,
    readonly redis: PrivateRedis,
    readonly proxy: AriProxy,
    readonly line: CitizenLine,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ChaosBed> {
    const [postgres, redis, proxy, line, dataDir] = await Promise.all([
      PrivatePostgres.start(),
      PrivateRedis.start(),
      AriProxy.start(new URL(process.env.ARI_URL ?? 'http://127.0.0.1:8088')),
      CitizenLine.connect(),
      mkdtemp(path.join(os.tmpdir(), 'hotline-chaos-')),
    ]);
    const bed = new ChaosBed(postgres, redis, proxy, line, dataDir, {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      ARI_URL: proxy.url,
      QUEUE_PREFIX: `hotline-chaos-${path.basename(dataDir)}`,
      ...env,
    });
    await bed.startEngine();
    // Closed by override, in the engine and in Asterisk's fallback alike: every caller
    // goes to the voicebox whatever the hour (the results do not depend on the clock).
    const res = await bed.engine.api('PUT', '/api/hours/override', { mode: 'closed' });
    if (res.status !== 200) throw new Error(`override: ${res.status} ${await res.text()}`);
    return bed;
  }

  async startEngine(): Promise<EngineProcess> {
    const downSince = this.down.length > 0 && this.down.at(-1)![1] === Infinity ? this.down.at(-1) : undefined;
    this.engine = await EngineProcess.start(this.env, this.dataDir, ++this.runs);
    if (downSince) downSince[1] = this.engine.readyAt;
    return this.engine;
  }

  /**
   * Another engine on the same database, Redis, queue prefix and data folder (a standby
   * pair, issue 17): it does not replace `engine` until the scenario says so.
   */
  startPeer(env: Record<string, string> = {}): Promise<EngineProcess> {
    return EngineProcess.start({ ...this.env, ...env }, this.dataDir, ++this.runs);
  }

  /**
   * Signals the engine, waits for its exit and returns the time that took; from the exit
   * on, the time counts as "no engine running" until the next start.
   */
  async stopEngine(signal: NodeJS.Signals): Promise<number> {
    const exit = await this.engine.signal(signal, 30_000);
    this.down.push([Date.now(), Infinity]);
    return exit.afterMs;
  }

  /** Cuts the engine's ARI link for `ms`; resolves once the engine reports ARI connected again, with the time that took. */
  async cutAri(ms: number): Promise<{ sawDown: boolean; reconnectMs: number }> {
    const cutAt = Date.now();
    this.proxy.cut(ms);
    let sawDown = false;
    for (;;) {
      const ari = (await this.engine.health().catch(() => ({}) as Record<string, unknown>)).ari;
      if (ari !== true) sawDown = true;
      else if (Date.now() > cutAt + ms) return { sawDown, reconnectMs: Date.now() - cutAt };
      if (Date.now() > cutAt + 60_000) throw new Error('ARI not reconnected within 60 s of the cut');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Repositories on the engine's database, for the scenario's own counting. */
  async repos(): Promise<ReturnType<typeof createRepositories>> {
    this.checkDb ??= await openDatabase({ url: this.postgres.url });
    return createRepositories(this.checkDb);
  }

  async dispose(): Promise<void> {
    if (this.engine?.running) {
      await this.engine.api('PUT', '/api/hours/override', { mode: 'auto' }).catch(() => undefined);
      await this.engine.signal('SIGTERM', 20_000).catch(() => undefined);
    }
    this.line.close();
    await this.checkDb?.close().catch(() => undefined);
    await Promise.all([this.proxy.close(), this.redis.dispose(), this.postgres.dispose()]);
    // The engines' logs outlive the run, for the figures' and failures' sake.
    await cp(this.dataDir, path.join(LOGS, path.basename(this.dataDir)), { recursive: true, filter: (f) => !f.includes('.') || f.endsWith('.log') });
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
