import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, until } from './ports.js';

/**
 * A redis-server of our own on a random port, configured as production should be
 * (append-only file, noeviction), that a fault scenario restarts and flushes —
 * never the shared Redis on 6379.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await mkdtemp(path.join(os.tmpdir(), 'hotline-chaos-redis-')), await freePort());
    await redis.up();
    return redis;
  }

  async up(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes'];
    this.child = spawn('redis-server', [...args, '--maxmemory-policy', 'noeviction', '--save', ''], { stdio: 'ignore' });
    await until(() => this.ping(), 10_000, 'private Redis answers');
  }

  /** SIGTERM and wait: what a restart by an orchestrator does (the AOF keeps the data). */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }

  async restart(): Promise<void> {
    await this.down();
    await this.up();
  }

  /** Every key gone: a Redis that lost its data (FLUSHALL, or a restart without persistence). */
  async flush(): Promise<void> {
    await this.command((r) => r.flushall());
  }

  private async ping(): Promise<boolean> {
    return (await this.command((r) => r.ping())) === 'PONG';
  }

  private async command<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    const client = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await fn(client);
    } finally {
      client.disconnect();
    }
  }

  async dispose(): Promise<void> {
    await this.down().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
