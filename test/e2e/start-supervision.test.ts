import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitHealthy } from '../helpers/engine-process.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * `npm start` (scripts/start.sh) supervises the engine: a SIGKILLed engine comes back
 * on its own while Redis and Asterisk stay up, and a Ctrl-C (SIGINT) still ends it all.
 * Runs the real script on a private port with an embedded (PGlite) database.
 */
describe('npm start supervises the engine', () => {
  let script: ChildProcess;
  let dataDir: string;
  let url: string;
  let log = '';
  const engineStarts: number[] = [];
  const started = new Map<number, () => void>();

  const nextEngine = (count: number) =>
    new Promise<number>((resolve) => {
      if (engineStarts.length >= count) return resolve(engineStarts[count - 1]!);
      started.set(count, () => resolve(engineStarts[count - 1]!));
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hotline-start-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    script = spawn('bash', ['scripts/start.sh'], {
      cwd: REPO,
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        QUEUE_PREFIX: `hotline-test-${path.basename(dataDir)}`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      for (const match of chunk.toString().matchAll(/engine started \(pid (\d+)\)/g)) {
        engineStarts.push(Number(match[1]));
        started.get(engineStarts.length)?.();
      }
    };
    script.stdout!.on('data', onData);
    script.stderr!.on('data', onData);
  });

  afterAll(async () => {
    if (script.exitCode === null && script.signalCode === null) {
      script.kill('SIGINT');
      await once(script, 'exit');
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('restarts a SIGKILLed engine, leaving Asterisk up, and stops everything on Ctrl-C', async () => {
    const first = await nextEngine(1);
    await waitHealthy(url, 60_000);

    process.kill(first, 'SIGKILL');
    const second = await nextEngine(2);
    expect(second).not.toBe(first);
    expect(log).toMatch(/engine exited \(status 137\); restarting/);
    await waitHealthy(url, 60_000);
    // The script did not start the sandbox, so it must not have touched it either.
    await expect(run('bash', ['scripts/asterisk-sandbox.sh', 'status'], { cwd: REPO })).resolves.toBeDefined();

    script.kill('SIGINT');
    const [code] = (await once(script, 'exit')) as [number | null];
    expect(code, log).toBe(0);
    expect(() => process.kill(second, 0)).toThrow();
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  });
});
