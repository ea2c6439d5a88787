import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FreezableProxy } from '../helpers/freezable-proxy.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const NOTICED_WITHIN_MS = 30_000;

/**
 * A half-open link to Asterisk (the proxy between engine and Asterisk stops forwarding
 * without closing anything) is noticed by the AMI Ping and ARI WebSocket heartbeats
 * within 30 s: health says down; when the link works again both reconnect on their own.
 */
describe('AMI and ARI heartbeats on a half-open link', () => {
  let engine: TestEngine;
  let ariProxy: FreezableProxy;
  let amiProxy: FreezableProxy;

  beforeAll(async () => {
    const ariUrl = new URL(process.env.ARI_URL ?? 'http://127.0.0.1:8088');
    ariProxy = await FreezableProxy.start(ariUrl.hostname, Number(ariUrl.port || 80));
    amiProxy = await FreezableProxy.start(process.env.AMI_HOST ?? '127.0.0.1', Number(process.env.AMI_PORT ?? 5038));
    engine = await startTestEngine(undefined, {
      ARI_URL: `http://127.0.0.1:${ariProxy.listenPort}`,
      AMI_HOST: '127.0.0.1',
      AMI_PORT: String(amiProxy.listenPort),
    });
  });

  afterAll(async () => {
    await engine?.cleanup();
    await Promise.all([ariProxy?.close(), amiProxy?.close()]);
  });

  const health = async () => {
    const res = await engine.hotline.http.inject({ method: 'GET', url: '/api/health' });
    return { status: res.statusCode, checks: res.json().checks as Record<string, boolean> };
  };

  it('reports the frozen link down within 30 s and recovers when it flows again', async () => {
    const { ari, ami } = engine.hotline;
    expect(await health()).toMatchObject({ status: 200, checks: { ari: true, ami: true } });

    const frozenAt = Date.now();
    const ariDown = once(ari, 'disconnected').then(() => Date.now() - frozenAt);
    const amiDown = once(ami, 'disconnected').then(() => Date.now() - frozenAt);
    ariProxy.freeze();
    amiProxy.freeze();
    const [ariMs, amiMs] = await Promise.all([ariDown, amiDown]);
    console.log(`[heartbeats] half-open link noticed: ARI after ${ariMs} ms, AMI after ${amiMs} ms`);
    expect(ariMs).toBeLessThanOrEqual(NOTICED_WITHIN_MS);
    expect(amiMs).toBeLessThanOrEqual(NOTICED_WITHIN_MS);
    expect(await health()).toMatchObject({ status: 503, checks: { ari: false, ami: false } });

    const resumedAt = Date.now();
    ariProxy.resume();
    amiProxy.resume();
    await Promise.all([ari.waitConnected(60_000), ami.waitConnected(60_000)]);
    console.log(`[heartbeats] reconnected ${Date.now() - resumedAt} ms after the link came back`);
    expect(await health()).toMatchObject({ status: 200, checks: { ari: true, ami: true } });
  }, 150_000);
});
