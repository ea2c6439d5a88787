import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CitizenLine } from '../helpers/citizen.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const run = promisify(execFile);
let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  await engine?.cleanup();
});

describe('Asterisk restarts under a running engine', () => {
  it('reconnects ARI and AMI by itself, reports it in health, and serves the next call', async () => {
    const { hotline } = engine;
    const health = async () => (await hotline.http.inject({ method: 'GET', url: '/api/health' })).json();
    expect((await health()).checks).toMatchObject({ ari: true, ami: true });

    const ariDown = once(hotline.ari, 'disconnected');
    const amiDown = once(hotline.ami, 'disconnected');
    await run('bash', ['scripts/asterisk-sandbox.sh', 'cli', 'core restart now']);
    await Promise.all([ariDown, amiDown]);
    expect((await health()).checks).toMatchObject({ ari: false, ami: false });

    await Promise.all([hotline.ari.waitConnected(60_000), hotline.ami.waitConnected(60_000)]);
    const after = await hotline.http.inject({ method: 'GET', url: '/api/health' });
    expect(after.json().checks).toMatchObject({ ari: true, ami: true });

    // The line used for the call is a fresh connection: the old one died with Asterisk.
    const line = await CitizenLine.connect();
    const call = await line.dial('09127654321');
    try {
      await call.waitForPrompt('main-menu');
    } finally {
      await call.hangup();
      call.dispose();
      line.close();
    }
  });
});
