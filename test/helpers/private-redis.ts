import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface PrivateRedis {
  url: string;
  /** A client of the test's own (it reconnects across restarts). */
  admin: Redis;
  /** Stops the server (SIGTERM, no persistence: its data is gone) and starts it again on the same port. */
  restart(extraArgs?: string[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own on a random port, without persistence unless `args`
 * ask for it: a test may flush or restart it, which it must never do to the shared 6379.
 */
export async function startPrivateRedis(args: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'hotline-redis-'));
  let server: ChildProcess | null = null;

  async function start(extra: string[]): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extra],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    server = child;
    // Ready when a PING is answered; a server that exits first failed to start.
    // Its PING waits in the offline queue while the client retries the connection.
    const probe = new Redis(port, '127.0.0.1', { retryStrategy: () => 50, maxRetriesPerRequest: null });
    probe.on('error', () => undefined);
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`redis-server on ${port} exited (${String(code)})`);
    });
    // Once it answered, a later exit (a restart, the end) is expected.
    exited.catch(() => undefined);
    try {
      await Promise.race([probe.ping(), exited]);
    } finally {
      probe.disconnect();
    }
  }

  async function halt(): Promise<void> {
    const child = server;
    server = null;
    if (!child || child.exitCode !== null) return;
    const gone = once(child, 'exit');
    child.kill('SIGTERM');
    await gone;
  }

  await start(args);
  const admin = new Redis(port, '127.0.0.1', { retryStrategy: () => 50, maxRetriesPerRequest: null });
  admin.on('error', () => undefined);
  return {
    url: `redis://127.0.0.1:${port}`,
    admin,
    async restart(extraArgs = args) {
      await halt();
      await start(extraArgs);
    },
    async stop() {
      admin.disconnect();
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
