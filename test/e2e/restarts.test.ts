import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { settledCall } from '../helpers/call-rows.js';
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

describe('the engine dies mid-call', () => {
  it('a restarted engine finds the caller still in Stasis and serves them again', async () => {
    const line = await CitizenLine.connect();
    const call = await line.dial('09121112233');
    try {
      await call.waitForPrompt('main-menu');
      // A crash: the WebSocket is gone without the shutdown hand-off to the dialplan.
      await engine.hotline.ari.close();
      const heardBefore = call.promptsHeard.length;
      const restarted = await startTestEngine(engine.config);
      const first = engine;
      engine = { ...restarted, cleanup: async () => (await restarted.cleanup(), await first.cleanup()) };

      await call.waitFor(
        (e) => e.type === 'PlaybackStarted' && e.playback?.media_uri === 'sound:welcome' && call.log.indexOf(e) >= heardBefore,
        30_000,
        false,
      );
      await call.waitForPrompt('main-menu', 30_000, true);
      await call.press('2');
      await call.waitForPrompt('tracking-prompt', 30_000, true);
    } finally {
      await call.hangup();
      call.dispose();
      line.close();
    }
    const row = await settledCall(createRepositories(engine.hotline.database).calls, call.hotlineId);
    expect(row.ivrPath).toContain('menu:2');
  });
});
