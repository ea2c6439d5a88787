import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { randomMobile, settledCall } from '../helpers/call-rows.js';
import { CitizenLine, type CitizenCall } from '../helpers/citizen.js';
import { startTestEngine } from '../helpers/engine.js';
import type { Hotline } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { eventTime } from '../chaos/harness/silence.js';
import type { AriEvent } from '../helpers/citizen.js';

let hotline: Hotline;
let config: Config;
const cleanups: (() => Promise<void>)[] = [];
let line: CitizenLine;
let repos: ReturnType<typeof createRepositories>;

const phone = () => randomMobile('0935');
/** How often the dialplan tries Stasis() before its fallback, 0.25 s apart (HOTLINE_STASIS_TRIES). */
const STASIS_TRIES = Number(/^HOTLINE_STASIS_TRIES = (\d+)$/m.exec(readFileSync(path.resolve(import.meta.dirname, '../../dialplan/extensions.conf'), 'utf8'))![1]);
const dialplanContext = (e: AriEvent) => (e.channel as { dialplan?: { context?: string } } | undefined)?.dialplan?.context;

beforeAll(async () => {
  const engine = await startTestEngine();
  ({ hotline, config } = engine);
  cleanups.push(engine.cleanup);
  repos = createRepositories(hotline.database);
  line = await CitizenLine.connect();
});

afterAll(async () => {
  line?.close();
  await hotline?.stop();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

type Script = (call: CitizenCall) => Promise<void>;

/** Walks to a step of the IVR; the citizen hangs up right there. */
const steps: [string, 'open' | 'closed', Script, { outcome: string; path: string[]; case: boolean }][] = [
  ['during the welcome', 'open', (c) => c.waitForPrompt('welcome').then(() => undefined), { outcome: 'hangup', path: [], case: false }],
  ['at the main menu', 'open', (c) => c.waitForPrompt('main-menu').then(() => undefined), { outcome: 'hangup', path: [], case: false }],
  [
    'at the category menu',
    'open',
    async (c) => {
      await c.waitForPrompt('main-menu');
      await c.press('1');
      await c.waitForPrompt('category-menu');
    },
    { outcome: 'hangup', path: ['menu:1'], case: false },
  ],
  [
    'half-way through a district number',
    'open',
    async (c) => {
      await c.waitForPrompt('main-menu');
      await c.press('1');
      await c.waitForPrompt('category-menu');
      await c.press('5');
      await c.waitForPrompt('district-prompt');
      await c.press('1');
    },
    { outcome: 'hangup', path: ['menu:1', 'category:traffic_transport'], case: false },
  ],
  [
    'half-way through a tracking number',
    'open',
    async (c) => {
      await c.waitForPrompt('main-menu');
      await c.press('2');
      await c.waitForPrompt('tracking-prompt');
      await c.press('1234');
    },
    { outcome: 'hangup', path: ['menu:2'], case: false },
  ],
  [
    'before saying anything in the voicebox',
    'closed',
    async (c) => {
      await c.waitForPrompt('main-menu');
      await c.press('3');
      await c.waitForRecordingStarted();
    },
    { outcome: 'hangup', path: ['menu:3'], case: false },
  ],
  [
    'at the voicebox review',
    'closed',
    async (c) => {
      await c.waitForPrompt('main-menu');
      await c.press('3');
      await c.waitForRecordingStarted();
      await c.speak('sound:auth-incorrect');
      await c.press('#');
      await c.waitForPrompt('voicebox-review');
    },
    { outcome: 'voicebox', path: ['menu:3'], case: true },
  ],
];

describe('a hang-up at any IVR step', () => {
  for (const [name, mode, script, expected] of steps) {
    it(`leaves consistent rows when the caller hangs up ${name}`, async () => {
      await hotline.hours.setOverride(mode, 'test');
      const caller = phone();
      const call = await line.dial(caller);
      try {
        await script(call);
        await call.hangup();
        await call.waitForHotlineHangup();
        const row = await settledCall(repos.calls, call.hotlineId);
        expect(row.outcome).toBe(expected.outcome);
        for (const step of expected.path) expect(row.ivrPath).toContain(step);
        expect(row.endedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt.getTime());
        const cases = await repos.cases.list({ phone: caller });
        expect(cases.length).toBe(expected.case ? 1 : 0);
        if (expected.case) expect(cases[0]!.id).toBe(row.caseId);
      } finally {
        call.dispose();
      }
    });
  }

  it('still serves the next caller after all those hang-ups', async () => {
    const call = await line.dial(phone());
    try {
      await call.waitForPrompt('main-menu');
    } finally {
      await call.hangup();
      call.dispose();
    }
  });
});

describe('engine down: the dialplan falls back', () => {
  it('records a voice message without the engine, imported as a case once it is back', async () => {
    await hotline.hours.setOverride('closed', 'test');
    await hotline.stop();

    const caller = phone();
    const call = await line.dial(caller);
    try {
      await call.waitFor(
        (e) => e.type === 'ChannelDialplan' && e.channel?.id === call.hotlineId && e.dialplan_app === 'Record',
        30_000,
      );
      // Stasis() was tried again for a moment (a standby pair's handover), then gave up:
      // every try, and the fallback reached within 3 s of the first (Asterisk's clock).
      const ran = (app: string) => call.log.filter((e) => e.type === 'ChannelDialplan' && e.dialplan_app === app);
      const tries = ran('Stasis');
      expect(tries.length).toBe(STASIS_TRIES);
      const fallback = call.log.find((e) => e.type === 'ChannelDialplan' && dialplanContext(e) === 'hotline-fallback')!;
      expect(eventTime(fallback) - eventTime(tries[0]!)).toBeGreaterThanOrEqual((STASIS_TRIES - 1) * 250 - 50);
      expect(eventTime(fallback) - eventTime(tries[0]!)).toBeLessThan(3_000);
      await call.speak('sound:auth-incorrect');
      await call.hangup();
      await call.waitForHotlineHangup();
    } finally {
      call.dispose();
    }

    ({ hotline } = await startTestEngine(config));
    repos = createRepositories(hotline.database);
    await hotline.importFallback();
    const [created] = await repos.cases.list({ phone: caller });
    expect(created).toBeDefined();
    expect(created!.channel).toBe('voicebox');
    expect(created!.recording).toBeTruthy();
    const row = await repos.calls.findByUniqueId(call.hotlineId);
    expect(row?.outcome).toBe('fallback_voicebox');
    // Imported once: a second sweep finds nothing new.
    expect(await hotline.importFallback()).toBe(0);
  });

  it('queues the caller in office hours without the engine', async () => {
    await hotline.hours.setOverride('open', 'test');
    await hotline.stop();
    const call = await line.dial(phone());
    try {
      const queued = await call.waitFor(
        (e) => e.type === 'ChannelDialplan' && e.channel?.id === call.hotlineId && e.dialplan_app === 'Queue',
        30_000,
      );
      expect(String(queued.dialplan_app_data)).toMatch(/^general/);
    } finally {
      await call.hangup();
      call.dispose();
    }
    ({ hotline } = await startTestEngine(config));
  });
});
