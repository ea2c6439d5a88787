import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ari, { type Client } from 'ari-client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoredRecordings } from '../../src/adapters/ari/stored-recordings.js';
import { openDatabase } from '../../src/adapters/db/database.js';
import { createFileRecordingStore } from '../../src/adapters/db/recording-store.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { parseVoiceboxName } from '../../src/domain/ivr/kept-message.js';
import { importFallbackMessages } from '../../src/services/fallback-import.js';
import type { Hotline } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { randomMobile, settledCall } from '../helpers/call-rows.js';
import { CitizenLine, type AriEvent } from '../helpers/citizen.js';
import { createTestPostgresDatabase } from '../helpers/database.js';
import { startTestEngine } from '../helpers/engine.js';

/**
 * The call path under faults (issue 11): an engine that dies mid-message, a database that
 * goes away during a report, a download that fails, a reconciliation that meets a channel
 * it must not touch. Every message must become exactly one case, with the IVR's choices.
 */
let hotline: Hotline;
let config: Config;
let line: CitizenLine;
/** The test's own ARI client: what an operator would see in Asterisk. */
let admin: Client;
const cleanups: (() => Promise<void>)[] = [];

const stored = () => createStoredRecordings(config.ari);

beforeAll(async () => {
  const engine = await startTestEngine();
  ({ hotline, config } = engine);
  cleanups.push(engine.cleanup);
  line = await CitizenLine.connect();
  admin = await ari.connect(config.ari.url, config.ari.user, config.ari.password);
});

afterAll(async () => {
  line?.close();
  await hotline?.stop();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The engine disappears the way a SIGKILL makes it: no hand-off, no last rows, no more database. */
async function crash(): Promise<void> {
  const dead = hotline;
  cleanups.push(() => dead.stop());
  await dead.ari.close();
  await dead.database.close();
}

async function restart(): Promise<number> {
  ({ hotline } = await startTestEngine(config));
  return Date.now();
}

async function voiceboxFilesOf(callId: string): Promise<string[]> {
  return (await stored().list()).filter((name) => parseVoiceboxName(name)?.callId === callId);
}

/**
 * An ARI front that fails every recording download (HTTP 503) and passes the rest to
 * Asterisk: a download that breaks between the engine and Asterisk.
 */
async function failingDownloads(): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(config.ari.url);
  const server = http.createServer((req, res) => {
    if (req.url?.endsWith('/file')) {
      res.writeHead(503).end('download refused by the test');
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the engine dies while a citizen records a report', () => {
  it('keeps the message with its category and district, survives a failed download, and imports it once', async () => {
    await hotline.hours.setOverride('closed', 'test');
    const caller = randomMobile('0936');
    const call = await line.dial(caller);
    try {
      await call.report('3', '7');
      await call.waitForRecordingStarted();
      await crash();
      await call.speak('sound:demo-congrats');
      await call.hangup();
      await call.waitForHotlineHangup();
    } finally {
      call.dispose();
    }

    // The message waits in Asterisk under a name that carries the choices.
    const [left] = await voiceboxFilesOf(call.hotlineId);
    expect(parseVoiceboxName(left!)).toMatchObject({ callId: call.hotlineId, category: 'parks_trees', district: 7 });

    // A download that fails leaves the file for the next import: no case without audio.
    const proxy = await failingDownloads();
    const scratch = await createTestPostgresDatabase();
    try {
      const database = await openDatabase({ url: scratch.url });
      try {
        const repos = createRepositories(database);
        const imported = await importFallbackMessages({
          stored: createStoredRecordings({ ...config.ari, url: proxy.url }),
          recordings: createFileRecordingStore(`${config.dataDir}/scratch-recordings`),
          cases: repos.cases,
          calls: repos.calls,
          isCallActive: async () => false,
          logger: pino({ level: 'silent' }),
          retryDelayMs: 1,
        });
        expect(imported).toBe(0);
        expect(await repos.cases.list({ phone: caller })).toEqual([]);
      } finally {
        await database.close();
      }
    } finally {
      await proxy.close();
      await scratch.drop();
    }
    expect(await voiceboxFilesOf(call.hotlineId)).toEqual([left]);

    // The engine comes back: the message becomes one case, with its choices and audio.
    await restart();
    await hotline.importFallback();
    const repos = createRepositories(hotline.database);
    const cases = await repos.cases.list({ phone: caller });
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ channel: 'voicebox', category: 'parks_trees', district: 7 });
    expect(cases[0]!.recording).toBeTruthy();
    const row = await repos.calls.findByUniqueId(call.hotlineId);
    expect(row).toMatchObject({ caseId: cases[0]!.id, outcome: 'voicebox', category: 'parks_trees', district: 7 });
    expect(await voiceboxFilesOf(call.hotlineId)).toEqual([]);
    // Exactly once: a second sweep finds nothing.
    expect(await hotline.importFallback()).toBe(0);
    expect(await repos.cases.list({ phone: caller })).toHaveLength(1);
  });
});

describe('the database goes away during a report', () => {
  it('tells the caller the message is kept, and imports it with its choices once the database is back', async () => {
    await hotline.hours.setOverride('closed', 'test');
    const caller = randomMobile('0937');
    const call = await line.dial(caller);
    try {
      await call.report('5', '12');
      await call.waitForRecordingStarted();
      await hotline.database.close();
      await call.speak('sound:demo-congrats');
      await call.press('#');
      await call.waitForPrompt('voicebox-review');
      await call.press('1');
      await call.waitForPrompt('message-kept');
      await call.waitForHotlineHangup();
      expect(call.promptsHeard).not.toContain('technical-error');
    } finally {
      await call.hangup();
      call.dispose();
    }
    const [left] = await voiceboxFilesOf(call.hotlineId);
    expect(parseVoiceboxName(left!)).toMatchObject({ category: 'traffic_transport', district: 12 });

    await hotline.stop();
    await restart();
    await hotline.importFallback();
    const repos = createRepositories(hotline.database);
    const cases = await repos.cases.list({ phone: caller });
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ category: 'traffic_transport', district: 12 });
    expect(cases[0]!.recording).toBeTruthy();
  });
});

describe('reconciliation after a restart', () => {
  it('serves the caller left in Stasis again and leaves alone a listed channel that is not in its Stasis', async () => {
    await hotline.hours.setOverride('open', 'test');
    const call = await line.dial(randomMobile('0938'));
    try {
      await call.waitForPrompt('main-menu');
      await crash();
      // The application's list holds its subscriptions: here the citizen's own half, in
      // another Stasis application. Taken for a caller, it would be greeted or hung up.
      await admin.applications.subscribe({ applicationName: 'hotline', eventSource: `channel:${call.citizenId}` });
      const heardBefore = call.log.length;
      const back = await restart();
      const welcome = await call.waitFor(
        (e) => e.type === 'PlaybackStarted' && e.playback?.media_uri === 'sound:welcome' && call.log.indexOf(e) >= heardBefore,
        30_000,
      );
      // Asterisk plays out the prompt that was playing when the engine died (the caller is
      // not in silence meanwhile); the IVR must start again within 5 s of that end, or of
      // the engine being back if nothing was playing.
      const at = (e: AriEvent) => Date.parse(String(e.timestamp).replace(/\+0000$/, 'Z'));
      const lastEnd = call.log
        .slice(0, call.log.indexOf(welcome))
        .filter((e) => e.type === 'PlaybackFinished')
        .map(at)
        .reduce((a, b) => Math.max(a, b), 0);
      const silenceMs = at(welcome) - Math.max(back, lastEnd);
      console.info(`caller in Stasis: ${silenceMs} ms of silence before the IVR started again`);
      expect(silenceMs).toBeLessThan(5_000);
      await call.waitForPrompt('main-menu', 30_000, true);
      await call.press('2');
      await call.waitForPrompt('tracking-prompt', 30_000, true);

      // The other channel was neither greeted, nor recorded as a call, nor hung up.
      const repos = createRepositories(hotline.database);
      expect(await repos.calls.findByUniqueId(call.citizenId)).toBeNull();
      await expect(admin.channels.get({ channelId: call.citizenId })).resolves.toBeTruthy();
    } finally {
      await call.hangup();
      call.dispose();
    }
    const row = await settledCall(createRepositories(hotline.database).calls, call.hotlineId);
    expect(row.ivrPath).toContain('menu:2');
  });
});
