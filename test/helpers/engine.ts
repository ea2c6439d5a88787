import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startHotline, type Hotline } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { AmiClient } from '../../src/adapters/ami/ami-client.js';
import { createTestPostgresDatabase } from './database.js';
import { sandboxAmi, type SandboxNodeName } from './sandbox-nodes.js';
import { engineClock } from './test-clock.js';

export interface TestEngine {
  hotline: Hotline;
  config: Config;
  /** Stops the engine (if still running) and drops its data folder and database. */
  cleanup: () => Promise<void>;
}

/**
 * Starts the whole engine in-process against the real sandbox (ARI/AMI/Redis from the
 * environment the test script exports), with its own data folder and a fresh
 * PostgreSQL database — production's database, not the embedded one.
 * Pass `reuse` to start a second engine on the same data (an engine restart), and
 * `now` to run the engine on a test's clock; by default it runs on the e2e project's
 * clock (HOTLINE_TEST_NOW, see test-clock.ts), the real time when that is unset.
 */
export async function startTestEngine(
  reuse?: Config,
  env: Record<string, string> = {},
  opts: { now?: () => Date } = {},
): Promise<TestEngine> {
  let config: Config;
  let dispose: () => Promise<void>;
  if (reuse) {
    config = reuse;
    dispose = async () => undefined;
  } else {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hotline-e2e-'));
    const database = await createTestPostgresDatabase();
    // Its own BullMQ prefix: jobs of an earlier test's engine (same Redis) are not ours to run.
    const prefix = `hotline-test-${path.basename(dataDir)}`;
    // Tests poll the API every 50 ms while they wait on a call: the per-address budget
    // (API_RATE_LIMIT_PER_MINUTE) is for citizens' and offices' clients, not for them.
    config = loadConfig({ ...process.env, QUEUE_PREFIX: prefix, API_RATE_LIMIT_PER_MINUTE: '1000000', ...env, DATA_DIR: dataDir, PORT: '0', DATABASE_URL: database.url });
    dispose = async () => {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const hotline = await startHotline(config, { logger, now: opts.now ?? engineClock });
  await Promise.all([hotline.ari.waitConnected(20_000), hotline.ami.waitConnected(20_000)]);
  return {
    hotline,
    config,
    cleanup: async () => {
      await hotline.stop();
      await dispose();
    },
  };
}

/** A separate AMI connection for the test's own questions to Asterisk (node a unless told). */
export function testAmi(node: SandboxNodeName = 'a'): Promise<AmiClient> {
  return sandboxAmi(node);
}
